"""The keyboard shortcuts (F1): a two-column table, the keys drawn as key caps.

The rows come from the automation table (every control with a shortcut), worded for a person:
what the keys do, never the adApi method behind them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from simulator.gui.automation.contract import CONTROLS
from simulator.gui.controls import plain_label

__all__ = ["SHORTCUT_TITLES", "ShortcutsDialog", "shortcut_rows"]

SHORTCUT_TITLES = {
    "acceptButton": "Accept the ringing contact",
    "rejectButton": "Reject the ringing contact",
    "hangUpButton": "Hang up, end the chat or close the email",
    "holdButton": "Put the call on hold, or resume it",
    "muteButton": "Mute or unmute your microphone",
    "recordButton": "Start or stop recording",
    "blindTransferButton": "Transfer the call to the number in the transfer field",
    "consultButton": "Hold the call and call the number to consult",
    "completeTransferButton": "Complete the transfer: join the customer and the consulted party",
    "conferenceButton": "Add the number to the call",
    "completeButton": "Complete the wrap-up",
    "callButton": "Call the number in the dial pad",
    "inspectorDock": "Show or hide the event inspector",
    "copyJsonButton": "Copy the selected events as JSON",
    "actionSaveScenario": "Save what you did as a scenario file",
    "actionPreferences": "Preferences",
    "actionQuit": "Quit",
    "actionShortcuts": "This list of shortcuts",
}
"""What each shortcut does, in a person's words (objectName -> title)."""

_EXTRA = (("Ctrl+1 … Ctrl+9", "Make the first … ninth interaction active"),)


def shortcut_rows() -> list[tuple[str, str]]:
    """``(keys, what they do)`` for every shortcut, in the automation table's order."""
    with_keys = [control for control in CONTROLS if control.shortcut]
    # The agent's work first, then the window's own (menus, the inspector).
    work = [c for c in with_keys if not c.name.startswith("action") and c.area != "Inspector"]
    rest = [c for c in with_keys if c not in work]
    rows = [(c.shortcut, SHORTCUT_TITLES.get(c.name, c.purpose)) for c in work]
    rows += list(_EXTRA)
    rows += [(c.shortcut, SHORTCUT_TITLES.get(c.name, c.purpose)) for c in rest]
    return rows


def _key_caps(keys: str, parent: QWidget) -> QWidget:
    """``Ctrl+Shift+T`` as three key caps."""
    holder = QWidget(parent)
    row = QHBoxLayout(holder)
    row.setContentsMargins(6, 2, 6, 2)
    row.setSpacing(4)
    for word in keys.split(" "):
        if word == "…":
            row.addWidget(plain_label("…", parent=holder))
            continue
        for position, key in enumerate(word.split("+")):
            if position:
                row.addWidget(plain_label("+", role="muted", parent=holder))
            label = plain_label("Enter" if key == "Return" else key, role="keycap", parent=holder)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            row.addWidget(label)
    row.addStretch(1)
    return holder


class ShortcutsDialog(QDialog):
    """Keys on the left as key caps, what they do on the right."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        layout = QVBoxLayout(self)
        rows = shortcut_rows()
        table = QTableWidget(len(rows), 2, self)
        table.setObjectName("shortcutsTable")
        table.setHorizontalHeaderLabels(["Keys", "Action"])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        table.setShowGrid(False)
        for row, (keys, title) in enumerate(rows):
            # The plain keys as the item's text (what a test or a screen reader reads).
            keys_item = QTableWidgetItem(keys)
            keys_item.setForeground(Qt.GlobalColor.transparent)
            table.setItem(row, 0, keys_item)
            table.setCellWidget(row, 0, _key_caps(keys, table))
            table.setItem(row, 1, QTableWidgetItem(title))
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        table.verticalHeader().setDefaultSectionSize(34)
        table.resizeColumnToContents(0)
        layout.addWidget(table)
        layout.addWidget(
            plain_label(
                "A shortcut acts only when its button is enabled; in a text field the field's "
                "own keys win (Ctrl+A selects all there), but in the dial pad's and the "
                "transfer fields' number every shortcut but Ctrl+A acts.",
                role="muted",
                parent=self,
            )
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.setObjectName("shortcutsButtons")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(660, 760)
