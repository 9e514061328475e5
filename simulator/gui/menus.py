"""The main window's menu bar and keyboard shortcuts.

File (save the session as a scenario, Preferences, Quit), View (a toggle per dock, the theme)
and Help (the shortcuts), each action with its key; then a shortcut for each control of the
automation table (``simulator.gui.automation.contract``) that has one and is not a menu action,
and Ctrl+1…9 for the interactions' rows. In a text field the field's own keys win, but in the
number fields (the dial pad's, the call's and the chat's transfer fields) the window's shortcuts
do, Ctrl+A aside.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut

from simulator.gui.automation.contract import shortcuts
from simulator.gui.scenario_saving import scenarios_available

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QWidget

    from simulator.gui.window import MainWindow

__all__ = ["build_menus", "build_shortcuts", "shortcuts_first"]


def build_menus(window: MainWindow) -> QAction:
    """Fill ``window``'s menu bar; the File menu's "Save session as scenario…" action, enabled
    when ``simulator.scenarios`` is installed."""
    menu = window.menuBar()
    menu.setObjectName("menuBar")
    file_menu = menu.addMenu("&File")
    save_scenario = _action(
        window,
        "actionSaveScenario",
        "Save session as scenario…",
        window.save_session_as_scenario,
        "Ctrl+Shift+S",
    )
    save_scenario.setEnabled(scenarios_available())
    file_menu.addAction(save_scenario)
    file_menu.addSeparator()
    file_menu.addAction(
        _action(window, "actionPreferences", "Preferences…", window.open_preferences, "Ctrl+,")
    )
    file_menu.addSeparator()
    file_menu.addAction(_action(window, "actionQuit", "Quit", window.close_window, "Ctrl+Q"))
    view = menu.addMenu("&View")
    for dock, key in (
        (window.inspector_dock, "Ctrl+I"),
        (window.directory_dock, ""),
        (window.customer_dock, ""),
        (window.knowledge_dock, ""),
    ):
        toggle = dock.toggleViewAction()
        if key:
            toggle.setShortcut(QKeySequence(key))
        view.addAction(toggle)
    view.addSeparator()
    theme_menu = view.addMenu("Theme")
    group = QActionGroup(window)
    group.setExclusive(True)
    for value, text in (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark")):
        action = _action(
            window,
            f"actionTheme{value.title()}",
            text,
            lambda _=False, v=value: window.set_theme(v),
        )
        action.setCheckable(True)
        action.setChecked(window.settings.theme == value)
        group.addAction(action)
        theme_menu.addAction(action)
    help_menu = menu.addMenu("&Help")
    help_menu.addAction(
        _action(window, "actionShortcuts", "Keyboard shortcuts", window.show_shortcuts, "F1")
    )
    return save_scenario


def build_shortcuts(window: MainWindow) -> None:
    """The table's shortcuts that click a control (when it is enabled), and Ctrl+1…9."""
    for name, keys in shortcuts().items():
        if name.startswith("action") or name == "inspectorDock":
            continue  # menu actions carry their own
        shortcut = QShortcut(QKeySequence(keys), window)
        shortcut.activated.connect(lambda n=name, k=keys: window.trigger(n, k))
    for number in range(1, 10):
        shortcut = QShortcut(QKeySequence(f"Ctrl+{number}"), window)
        shortcut.activated.connect(lambda n=number: window.interactions.switch_to_row(n - 1))


class _ShortcutsFirst(QObject):
    """The window's shortcuts before a number field's own keys: on Linux a one-line field takes
    Ctrl+E (the end of the line, which End does too), so Ctrl+E there did not hang up the call
    just dialled from it. Ctrl+A stays the field's (select all), as in every text field."""

    def __init__(self, parent: QObject, keys: set[str]):
        # Imported now, not with the module: a QEvent class made before the first paint builds
        # QEvent's enums for it.
        from PySide6.QtCore import QEvent
        from PySide6.QtGui import QKeyEvent

        super().__init__(parent)
        self._override = QEvent.Type.ShortcutOverride
        self._key_event = QKeyEvent
        self._keys = keys

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A shortcut's keys: not the field's (the override refused), so the shortcut acts."""
        if event.type() == self._override and isinstance(event, self._key_event):
            pressed = QKeySequence(event.keyCombination())
            if pressed.toString(QKeySequence.SequenceFormat.PortableText) in self._keys:
                event.ignore()
                return True
        return False


def shortcuts_first(window: MainWindow, fields: list[QWidget]) -> None:
    """In ``fields`` (the number fields: a short number, nothing to edit in it with Ctrl+E; End
    moves to its end), the window's shortcuts act
    before the field's own keys, Ctrl+A aside (it selects all there, as in every text field).
    Installed once the window is usable (a Python event filter from the start would build
    ``QEvent`` for the first paint)."""
    portable = QKeySequence.SequenceFormat.PortableText
    keys = [*shortcuts().values(), *(f"Ctrl+{number}" for number in range(1, 10))]
    first = {QKeySequence(key).toString(portable) for key in keys if key != "Ctrl+A"}
    keep = _ShortcutsFirst(window, first)
    for field in fields:
        field.installEventFilter(keep)


def _action(window: MainWindow, name: str, text: str, slot: Any, shortcut: str = "") -> QAction:
    action = QAction(text, window)
    action.setObjectName(name)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(slot)
    return action
