"""The look: colour schemes (``palette``), applying one (``style``), tinted icons (``icons``) and
the shipped resources (``resources/``: SVG icons, the style sheet)."""
