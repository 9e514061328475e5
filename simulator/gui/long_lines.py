"""Long unbroken lines, cut for the views that lay them out.

Qt lays out a wrapped line in time that grows with the square of its length when it has no
place to break: one line of 200,000 characters took 8 s in the event inspector's JSON pane, and
a plugin's 1 MB note took more than six minutes in the notes view, the window frozen. A view
shows at most ``LINE_LIMIT`` characters of a line and ``TEXT_LIMIT`` in all, and says where it
cut and how much it left out; the whole text stays where it came from (the engine's
interaction, the journal, **Copy as JSON**).
"""

from __future__ import annotations

__all__ = ["LINE_LIMIT", "TEXT_LIMIT", "TIP_LIMIT", "clipped", "tip"]

LINE_LIMIT = 10_000
"""Characters of one line a view shows (laid out wrapped in ~15 ms)."""
TEXT_LIMIT = 200_000
"""Characters a view shows in all."""
TIP_LIMIT = 2_000
"""Characters a tooltip or a one-line message shows: a tooltip of 1 MB took 9 s to show, at
each hover."""


def clipped(text: str, whole: str = "") -> str:
    """``text`` with each line longer than ``LINE_LIMIT`` cut, and the lines past
    ``TEXT_LIMIT`` left out, each cut marked in the text: ``… [990,000 more characters of this
    line not shown; <whole>]``, ``whole`` saying where the whole text is."""
    if len(text) <= LINE_LIMIT:
        return text  # no line can be too long
    where = f"; {whole}" if whole else ""
    lines = text.split("\n")
    shown: list[str] = []
    total = 0
    for index, whole_line in enumerate(lines):
        line = whole_line
        if len(line) > LINE_LIMIT:
            left = len(line) - LINE_LIMIT
            line = f"{line[:LINE_LIMIT]} … [{left:,} more characters of this line not shown{where}]"
        if total + len(line) > TEXT_LIMIT:
            rest = len(lines) - index
            shown.append(f"… [{rest:,} more line(s) not shown{where}]")
            break
        shown.append(line)
        total += len(line) + 1
    return "\n".join(shown)


def tip(text: str) -> str:
    """``text`` for a tooltip or a status message: its first ``TIP_LIMIT`` characters, then how
    many more there are."""
    if len(text) <= TIP_LIMIT:
        return text
    return f"{text[:TIP_LIMIT]} … [{len(text) - TIP_LIMIT:,} more characters not shown]"
