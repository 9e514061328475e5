"""The automation contract: every control named in the table exists in the window, every named
control of the window is in the table, and the documentation's window page shows the table as it
is."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from simulator.engine import Action
from simulator.gui.automation import CONTROLS, enabling_actions, markdown_table

pytestmark = pytest.mark.gui

WINDOW_PAGE = Path(__file__).resolve().parents[2] / "docs" / "window.md"
# Names Qt gives its own internals, and containers with no meaning for a tester.
_INTERNAL_PREFIXES = ("qt_", "statusBar", "menuBar", "ScrollLeftButton", "ScrollRightButton")


def test_names_are_unique():
    names = [control.name for control in CONTROLS]
    assert len(names) == len(set(names))


def test_every_listed_control_exists_once(bare_desk):
    window = bare_desk.window
    missing = []
    for control in CONTROLS:
        found = window.findChildren(QObject, control.name)
        if control.name == "mainWindow":
            found = [window]
        if len(found) != 1:
            missing.append((control.name, len(found)))
    assert missing == []


def test_every_named_widget_is_listed(bare_desk):
    listed = {control.name for control in CONTROLS}
    named = {
        widget.objectName()
        for widget in bare_desk.window.findChildren(QWidget)
        if widget.objectName() and not widget.objectName().startswith(_INTERNAL_PREFIXES)
    }
    assert named - listed == set()


def test_enabling_actions_are_engine_actions():
    known = {action.value for action in Action}
    for name, actions in enabling_actions().items():
        assert actions <= known, name


def test_the_window_page_shows_the_table():
    text = WINDOW_PAGE.read_text(encoding="utf-8")
    assert markdown_table() in text, "regenerate: python -m simulator.gui.automation"
