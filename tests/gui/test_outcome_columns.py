"""The inspector's "Handler outcomes" table: every column in view, its title whole, without
scrolling sideways at 1440x900 and at 1024x768 (the columns give up room before the table
scrolls; a cell too long for its column ends in "…", whole in its tooltip)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gui.screens import open_on_screen

pytestmark = pytest.mark.gui

OUTCOME_COLUMNS = """
from PySide6.QtWidgets import QWidget
inspector = window.findChild(QWidget, "inspectorTabs")
inspector.setCurrentIndex(1)
inspector.outcomes_empty.show_content(True)  # the table as it is once outcomes come
settle()
table = window.findChild(QWidget, "outcomeTable")
header = table.horizontalHeader()
model = table.model()
# Qt's own measure of each title, the header's style sheet (its padding) included.
whole = all(header.sectionSize(c) >= header.sectionSizeHint(c) for c in range(model.columnCount()))
print(header.length(), table.viewport().width(), table.horizontalScrollBar().maximum(), whole)
"""


def _columns(tmp_path: Path, width: int, height: int) -> tuple[list[str], list[str]]:
    result = open_on_screen(tmp_path, width, height, OUTCOME_COLUMNS)
    assert result.returncode == 0, result.stderr
    opened, seen = result.stdout.splitlines()[-2:]
    return opened.split(), seen.split()


def test_at_1440x900_every_outcome_column_is_in_view(tmp_path: Path) -> None:
    """At 1440x900 the table's columns asked for ~890 px where it had ~640: Duration and
    Result were past its right edge, behind a sideways scroll bar."""
    opened, (length, room, scroll, whole) = _columns(tmp_path, 1600, 1000)
    assert opened[:2] == ["1440", "900"]
    assert int(length) <= int(room) and scroll == "0", (length, room)
    assert whole == "True"


def test_at_1024x768_every_outcome_column_is_in_view(tmp_path: Path) -> None:
    """At 1024x768 the titles alone, each with the room the other tables' headers give, were
    ~45 px wider than the table's ~490: Result or error was cut, behind a sideways scroll bar.
    The outcome table's header is styled tighter; the handler, event and interaction columns
    give up room down to their titles."""
    opened, (length, room, scroll, whole) = _columns(tmp_path, 1024, 768)
    assert int(opened[0]) <= 1024, opened
    assert int(length) <= int(room) and scroll == "0", (length, room)
    assert whole == "True"


@pytest.mark.parametrize("status", ["ok", "error"])
def test_a_result_or_error_cut_in_its_column_is_whole_in_its_tooltip(status: str) -> None:
    """Narrow, the last column ends a result or error in "…" (past 160 characters always): its
    tooltip had nothing, the rest was only in the detail beside the table."""
    from types import SimpleNamespace

    from PySide6.QtCore import Qt

    from simulator.gui.inspector.models import OutcomeModel

    text = "the CRM answered " + "x" * 300
    outcome = SimpleNamespace(status=status, result=text, error=text + "\n  at line 2")
    model = OutcomeModel([outcome])
    model.sync()
    cell = model.index(0, 5)
    assert str(model.data(cell)).endswith("…")
    whole = text if status == "ok" else text + " at line 2"
    assert model.data(cell, Qt.ItemDataRole.ToolTipRole) == whole
