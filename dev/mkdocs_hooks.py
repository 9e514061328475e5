"""mkdocs hooks: the site shows the screenshots kept in the repository's ``assets/``.

The pages link them as ``../assets/NAME.png`` so that the same links work when GitHub renders
``docs/*.md``; the site gets a copy of each under ``assets/`` and the links are rewritten to it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

_PREFIX = "](../assets/"


def on_files(files: Files, config: Any) -> Files:
    """Add every screenshot of ``assets/`` to the site."""
    root = Path(config.config_file_path).parent
    for image in sorted((root / "assets").glob("*.png")):
        files.append(File.generated(config, f"assets/{image.name}", abs_src_path=str(image)))
    return files


def on_page_markdown(markdown: str, **_: Any) -> str:
    """Point ``../assets/`` links at the site's copy."""
    return markdown.replace(_PREFIX, "](assets/")
