"""The automation contract: every control named in the table exists in the window, every named
control of the window is in the table, and the documentation's window page shows the table as it
is."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QWidget

from simulator.engine import Action
from simulator.gui.automation import CONTROLS, enabling_actions, markdown_table

pytestmark = pytest.mark.gui

WINDOW_PAGE = Path(__file__).resolve().parents[2] / "docs" / "window.md"
# Names Qt gives its own internals, and containers with no meaning for a tester.
_INTERNAL_PREFIXES = ("qt_", "statusBar", "menuBar", "ScrollLeftButton", "ScrollRightButton")


def test_names_are_unique():
    names = [control.name for control in CONTROLS]
    assert len(names) == len(set(names))


def _open_dialogs(desk) -> None:
    """Open every dialog of the table through its menu action (F1, Ctrl+,)."""
    window = desk.window
    for action, dialog in (
        ("actionShortcuts", "shortcutsDialog"),
        ("actionPreferences", "preferencesDialog"),
    ):
        window.findChild(QAction, action).trigger()
        desk.wait(lambda name=dialog: window.findChild(QWidget, name) is not None)
        desk.wait(window.findChild(QWidget, dialog).isVisible)


def test_every_listed_control_exists_once(bare_desk):
    window = bare_desk.window
    dialogs = {control.dialog for control in CONTROLS if control.dialog}
    desk_controls = [control for control in CONTROLS if not control.several_agents]
    for control in desk_controls:
        if not control.dialog and control.name not in dialogs:
            assert control.name == "mainWindow" or window.findChildren(QObject, control.name)
    _open_dialogs(bare_desk)
    missing = []
    for control in desk_controls:
        found = window.findChildren(QObject, control.name)
        if control.name == "mainWindow":
            found = [window]
        if len(found) != 1:
            missing.append((control.name, len(found)))
    assert missing == []


def test_every_named_widget_is_listed(bare_desk):
    _open_dialogs(bare_desk)
    listed = {control.name for control in CONTROLS}
    named = {
        widget.objectName()
        for widget in bare_desk.window.findChildren(QWidget)
        if widget.objectName() and not widget.objectName().startswith(_INTERNAL_PREFIXES)
    }
    assert named - listed == set()


def test_the_shortcuts_dialog_is_a_two_column_table_in_human_words(bare_desk):
    from simulator.gui.automation import shortcuts

    window = bare_desk.window
    bare_desk.keys(Qt.Key.Key_F1)
    bare_desk.wait(lambda: window.findChild(QWidget, "shortcutsDialog") is not None)
    table = window.findChild(QWidget, "shortcutsTable")
    assert table.columnCount() == 2
    keys = [table.item(row, 0).text() for row in range(table.rowCount())]
    actions = [table.item(row, 1).text() for row in range(table.rowCount())]
    assert set(shortcuts().values()) <= set(keys)
    assert "Ctrl+1 … Ctrl+9" in keys
    for text in actions:
        assert "(" not in text and "_" not in text, text  # no method names, no asides
    caps = table.cellWidget(keys.index("Ctrl+Shift+T"), 0).findChildren(QLabel)
    assert [label.text() for label in caps if label.property("role") == "keycap"] == [
        "Ctrl",
        "Shift",
        "T",
    ]
    bare_desk.keys(Qt.Key.Key_F1)
    assert len(window.findChildren(QWidget, "shortcutsDialog")) == 1


def test_enabling_actions_are_engine_actions():
    known = {action.value for action in Action}
    for name, actions in enabling_actions().items():
        assert actions <= known, name


def test_the_window_page_shows_the_table():
    text = WINDOW_PAGE.read_text(encoding="utf-8")
    assert markdown_table() in text, "regenerate: python -m simulator.gui.automation"


def test_every_button_with_a_shortcut_names_it_in_its_tooltip(bare_desk):
    from PySide6.QtWidgets import QAbstractButton

    from simulator.gui.automation import shortcuts

    window = bare_desk.window
    for name, keys in shortcuts().items():
        widget = window.findChild(QWidget, name)
        if isinstance(widget, QAbstractButton):
            tip = widget.toolTip().replace("Ctrl+Enter", "Ctrl+Return")
            assert f"({keys})" in tip, (name, widget.toolTip())
