"""The event table's Summary column, what each event changed, is in view at the window's
default size without scrolling sideways."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gui.screens import open_on_screen

pytestmark = pytest.mark.gui

SUMMARY_SEEN = """
table = window.findChild(QWidget, "eventTable")
header = table.horizontalHeader()
summary = table.model().headerData(3, Qt.Orientation.Horizontal)
print(summary, table.horizontalScrollBar().value(),
      table.viewport().width() - header.sectionViewportPosition(3))
"""


def test_at_1440x900_the_summary_column_is_in_view(tmp_path: Path) -> None:
    """At the default split the table was ~380 px wide and its first three columns took ~436:
    the Summary column started past the table's right edge, only its horizontal scroll bar
    said it was there. The table's share of the split leaves the Summary at least 150 px."""
    script = "from PySide6.QtCore import Qt\nfrom PySide6.QtWidgets import QWidget\n"
    result = open_on_screen(tmp_path, 1600, 1000, script + SUMMARY_SEEN)
    assert result.returncode == 0, result.stderr
    opened, seen = result.stdout.splitlines()[-2:]
    assert opened.split()[:2] == ["1440", "900"], result.stdout
    title, scrolled, room = seen.split()
    assert (title, scrolled) == ("Summary", "0"), result.stdout
    assert int(room) >= 150, result.stdout


DIFF_SAID = """
table = window.findChild(QWidget, "eventTable")
label = window.findChild(QWidget, "eventDiffEmpty")
cut = []
for row in range(table.model().rowCount()):  # ON_LOGIN, ON_WEB_SCREEN_POP_CUSTOM ...
    table.selectRow(row)
    settle()
    if label.isVisible() and label.heightForWidth(label.width()) > label.height():
        cut.append((row, label.text(), label.heightForWidth(label.width()), label.height()))
print(table.model().rowCount(), cut)
"""


def test_at_1440x900_why_there_is_no_diff_is_said_whole(tmp_path: Path) -> None:
    """With a call on screen the changes pane has two lines' room: the sentence saying why there
    is nothing to compare (`ON_LOGIN is not a state change: select an
    ON_INTERACTION_STATE_CHANGE.`, centred with a 12 px margin) lost its last line, cut through
    its underscores."""
    script = "from PySide6.QtCore import Qt\nfrom PySide6.QtWidgets import QWidget\n"
    result = open_on_screen(tmp_path, 1600, 1000, script + DIFF_SAID)
    assert result.returncode == 0, result.stderr
    rows, cut = result.stdout.splitlines()[-1].split(" ", 1)
    assert int(rows) > 5 and cut == "[]", result.stdout
