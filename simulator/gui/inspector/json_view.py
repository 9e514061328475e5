"""The inspector's JSON pane: word-wrapped (no sideways scrolling), keys, strings, numbers and
literals in the scheme's colours."""

from __future__ import annotations

import bisect
from collections.abc import Iterator

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

from simulator.gui.long_lines import clipped
from simulator.gui.theme.palette import colors

__all__ = ["JsonHighlighter", "JsonView", "mono_font"]

# Strings possessive, no backtracking: a long one (a pasted log in a note, a megabyte of
# escapes) with ``(?:\\.|[^"\\])*`` hit PCRE2's limits and stopped the line's colouring there.
_STRING = r'"[^"\\]*+(?:\\.[^"\\]*+)*+"'
_RULES = (
    ("string", _STRING),
    ("key", _STRING + r"(?=\s*:)"),
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
        for kind, start, _length in self._tokens(text):
            found[start] = kind  # later rules win: a key is a string followed by ':'
        return found

    def highlightBlock(self, text: str) -> None:
        """Paint one line."""
        for kind, start, length in self._tokens(text):
            self.setFormat(start, length, self._formats[kind])

    def _tokens(self, text: str) -> Iterator[tuple[str, int, int]]:
        """``(kind, start, length)`` of each token, rule by rule; a number or literal inside a
        string is none. The strings are found once per line: asking, for each number, whether
        the text before it has an odd count of quotes made a long value full of digits (a
        pasted log in a note, one JSON line) take minutes, the window frozen."""
        starts: list[int] = []
        ends: list[int] = []
        for kind, pattern in self._rules:
            matches = pattern.globalMatch(text)
            while matches.hasNext():
                match = matches.next()
                start, length = match.capturedStart(), match.capturedLength()
                if kind == "string":
                    starts.append(start)
                    ends.append(start + length)
                elif kind in ("number", "literal") and _inside(starts, ends, start):
                    continue
                yield kind, start, length


def _inside(starts: list[int], ends: list[int], position: int) -> bool:
    """Whether ``position`` is within one of the strings ``starts[i]:ends[i]`` (in order, none
    overlapping)."""
    index = bisect.bisect_right(starts, position) - 1
    return index >= 0 and position < ends[index]


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
        self.whole = ""
        """Where the whole text is, said where a long line is cut (``long_lines``)."""

    def setPlainText(self, text: str) -> None:
        """Show ``text``, its long lines cut (a line of a megabyte froze the window)."""
        super().setPlainText(clipped(text, self.whole))
