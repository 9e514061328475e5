"""The inspector's JSON pane: word-wrapped (no sideways scrolling), keys, strings, numbers and
literals in the scheme's colours."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import (
    QColor,
    QFont,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from simulator.gui.theme.palette import colors

__all__ = ["JsonHighlighter", "JsonView", "mono_font"]

_RULES = (
    ("string", r'"(?:\\.|[^"\\])*"'),
    ("key", r'"(?:\\.|[^"\\])*"(?=\s*:)'),
    # Not inside ids like 73AB4876-7734-47C1 (outcome details are not pure JSON).
    ("number", r"(?<![\w.-])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.-])"),
    ("literal", r"\b(?:true|false|null)\b"),
)


def mono_font() -> QFont:
    """The monospace font of payloads and tracebacks."""
    font = QFont("monospace")
    font.setStyleHint(QFont.StyleHint.TypeWriter)
    return font


class JsonHighlighter(QSyntaxHighlighter):
    """Colours JSON tokens; ``recolor`` after a scheme change."""

    def __init__(self, document: QTextDocument):
        super().__init__(document)
        self._rules = [(kind, QRegularExpression(pattern)) for kind, pattern in _RULES]
        self._formats: dict[str, QTextCharFormat] = {}
        self.recolor()

    def recolor(self) -> None:
        """Take the colours in use."""
        c = colors()
        for kind, color, bold in (
            ("key", c.accent, True),
            ("string", c.good, False),
            ("number", c.warn, False),
            ("literal", c.hold, False),
        ):
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(color))
            if bold:
                fmt.setFontWeight(QFont.Weight.DemiBold)
            self._formats[kind] = fmt
        self.rehighlight()

    def token_kinds(self, text: str) -> dict[int, str]:
        """Start offset -> token kind for one line (what ``highlightBlock`` paints; for tests)."""
        found: dict[int, str] = {}
        for kind, pattern in self._rules:
            matches = pattern.globalMatch(text)
            while matches.hasNext():
                match = matches.next()
                start = match.capturedStart()
                if kind in ("number", "literal") and _inside_string(text, start):
                    continue
                found[start] = kind  # later rules win: a key is a string followed by ':'
        return found

    def highlightBlock(self, text: str) -> None:
        """Paint one line."""
        for kind, pattern in self._rules:
            matches = pattern.globalMatch(text)
            while matches.hasNext():
                match = matches.next()
                start = match.capturedStart()
                if kind in ("number", "literal") and _inside_string(text, start):
                    continue
                self.setFormat(start, match.capturedLength(), self._formats[kind])


def _inside_string(text: str, position: int) -> bool:
    quotes = 0
    escaped = False
    for char in text[:position]:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quotes += 1
    return quotes % 2 == 1


class JsonView(QPlainTextEdit):
    """Read-only, word-wrapped, highlighted JSON."""

    def __init__(self, name: str, placeholder: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setReadOnly(True)
        self.setFont(mono_font())
        self.setPlaceholderText(placeholder)
        # Wrap anywhere: a long URL or id must not push a horizontal scrollbar in.
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.highlighter = JsonHighlighter(self.document())
