"""Lines and columns as the user's editor counts them, from the YAML parsers' own.

YAML 1.1 (PyYAML and libyaml) breaks lines at U+0085, U+2028 and U+2029 too; an editor shows
them inside a line, and breaks at LF, CR LF or a lone CR only. Every position adsim reports in a
scenario or tenant file is the editor's (``simulator.scenarios.source``,
``simulator.data.tenant``, ``simulator.data.bounded_yaml``).
"""

from __future__ import annotations

import re

__all__ = ["EDITOR_BREAK_BYTES", "EditorLines", "editor_position"]

_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
"""Where PyYAML and libyaml (YAML 1.1) break lines."""
_UNSEEN_BREAK = frozenset("\x85\u2028\u2029")
"""The line breaks of YAML 1.1 (and Python's ``splitlines``) that editors show inside a line."""
_EDITOR_BREAK = re.compile("\r\n|[\r\n]")
"""Where an editor breaks lines: LF, CR LF, or a lone CR (old Mac files; VS Code, Notepad++ ...)."""
EDITOR_BREAK_BYTES = re.compile(b"\r\n|[\r\n]")


class EditorLines:
    """Positions in a file's text as the user's editor shows them, from YAML's.

    YAML 1.1 (both of PyYAML's parsers) also breaks lines at U+0085, U+2028 and U+2029, which an
    editor shows inside a line: every error after one named a line the editor does not have.
    ``at`` turns a parser's 0-based line and column into the editor's 1-based ones; it costs
    nothing for a text with none of those characters (nearly every file)."""

    def __init__(self, text: str):
        self._starts: list[tuple[int, int]] | None = None
        self._text = text
        if not any(char in text for char in _UNSEEN_BREAK):
            return
        starts = [(0, 0)]  # for each YAML line: the editor's line, and the column it starts at
        line, line_start = 0, 0
        for found in _YAML_BREAK.finditer(text):
            if found.group() in _UNSEEN_BREAK:
                starts.append((line, found.end() - line_start))
            else:
                line, line_start = line + 1, found.end()
                starts.append((line, 0))
        self._starts = starts

    def break_before(self, line: int) -> str:
        """For a syntax error on the parser's 0-based ``line``: ``; ...`` naming the last
        U+0085/U+2028/U+2029 before it, which the parser took for a line break where the
        editor shows none (in a comment it ends the comment), else nothing."""
        if self._starts is None:
            return ""
        for at in range(min(line, len(self._starts) - 1), 0, -1):
            editor_line, column = self._starts[at]
            if column:  # this parser's line starts after an unseen break
                code = ord(self._text[self._index(editor_line, column) - 1])
                return (
                    f"; {editor_line + 1}:{column} holds U+{code:04X}, which YAML reads as a "
                    f'line break: delete it, or write it escaped in double quotes ("\\u{code:04x}")'
                )
        return ""

    def _index(self, editor_line: int, column: int) -> int:
        position = 0
        for _ in range(editor_line):
            found = _EDITOR_BREAK.search(self._text, position)
            if found is None:
                break
            position = found.end()
        return position + column

    def at(self, line: int, column: int) -> tuple[int, int]:
        """The editor's 1-based (line, column) of a parser's 0-based ``line`` and ``column``."""
        if self._starts is None or not 0 <= line < len(self._starts):
            return line + 1, column + 1
        editor_line, offset = self._starts[line]
        return editor_line + 1, offset + column + 1


def editor_position(text: str, index: int) -> tuple[int, int]:
    """The editor's 1-based (line, column) of character ``index`` of ``text``."""
    line, line_start = 1, 0
    for found in _EDITOR_BREAK.finditer(text, 0, index):
        line, line_start = line + 1, found.end()
    return line, index - line_start + 1
