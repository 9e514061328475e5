"""The dial pad (number entry, keypad, Call) and the tenant directory (teams, members, live
states)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTreeView,
    QWidget,
)

from simulator.gui.controls import button, card_in, section, tool_button
from simulator.gui.panels.models import DirectoryModel
from simulator.gui.panels.roster import roster

if TYPE_CHECKING:
    from collections.abc import Callable

    from simulator.gui.bridge import SimBridge

__all__ = ["KEYS", "DialPad", "DirectoryPanel", "key_name"]

KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#")
_LETTERS = {
    "2": "ABC",
    "3": "DEF",
    "4": "GHI",
    "5": "JKL",
    "6": "MNO",
    "7": "PQRS",
    "8": "TUV",
    "9": "WXYZ",
    "0": "+",
}


def key_name(key: str) -> str:
    """``Star``/``Hash`` for ``*``/``#``: what objectNames use."""
    return {"*": "Star", "#": "Hash"}.get(key, key)


class DialPad(QWidget):
    """Number entry, a 12-key pad and the Call button."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._bridge: SimBridge | None = None
        frame, layout = card_in(self, "dialPad", margins=10, spacing=8)
        layout.addWidget(section("Dial pad"))
        row = QHBoxLayout()
        self.number = QLineEdit(frame)
        self.number.setObjectName("dialNumber")
        self.number.setPlaceholderText("Number or ext.")
        self.number.setClearButtonEnabled(True)
        self.on_enter: Callable[[], None] = self.call
        """What Enter in the number does (the window's: call, or say why Call is greyed)."""
        self.number.returnPressed.connect(self._enter)
        self.number.textEdited.connect(lambda _text: self._set_origin("dialpad"))
        self._origin = "dialpad"
        self.backspace = tool_button("dialBackspace", "backspace", "Delete the last digit", frame)
        self.backspace.clicked.connect(self.number.backspace)
        row.addWidget(self.number, 1)
        row.addWidget(self.backspace)
        layout.addLayout(row)
        grid = QGridLayout()
        grid.setSpacing(6)
        for position, key in enumerate(KEYS):
            letters = _LETTERS.get(key, "")
            pad = button(f"dialKey{key_name(key)}", key, parent=frame)
            pad.setProperty("key", True)
            pad.setEnabled(True)
            pad.setToolTip(letters or key)
            pad.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            pad.clicked.connect(lambda _=False, k=key: self._type(k))
            grid.addWidget(pad, position // 3, position % 3)
        layout.addLayout(grid)
        self.call_button = button(
            "callButton",
            "Call",
            "phone",
            tone="good",
            tooltip="Call the number; Enter in the field does too (Ctrl+D)",
            parent=frame,
        )
        self.call_button.clicked.connect(self.call)
        layout.addWidget(self.call_button)

    def attach(self, bridge: SimBridge) -> None:
        """Dial through ``bridge``."""
        self._bridge = bridge
        self.refresh()

    def refresh(self) -> None:
        """Nothing to follow: the window enables Call (logged in, a number typed)."""

    def pick(self, number: str) -> None:
        """Put a directory member's extension in the number field."""
        self.number.setText(number)
        self._set_origin("directory")

    def _enter(self) -> None:
        self.on_enter()

    def call(self) -> None:
        """Start a call to the number (``startCall``; origination dialpad or directory)."""
        if self._bridge is None or not self.call_button.isEnabled():
            return
        self._bridge.act("start_call", self.number.text().strip(), origination=self._origin)

    def _type(self, key: str) -> None:
        self.number.insert(key)
        self._set_origin("dialpad")

    def _set_origin(self, origin: str) -> None:
        self._origin = origin


class _MemberFilter(QSortFilterProxyModel):
    """Filter members by any column; a team stays while one of its members matches."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)


class DirectoryPanel(QWidget):
    """Teams and members; picking a member offers its extension to dial or transfer to."""

    numberPicked = Signal(str)
    """A member was clicked: its extension."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.model: DirectoryModel | None = None
        self._bridge: SimBridge | None = None
        self.proxy = _MemberFilter(self)
        frame, layout = card_in(self, "directoryPanel", margins=10, spacing=6)
        layout.addWidget(section("Directory"))
        self.search = QLineEdit(frame)
        self.search.setObjectName("directorySearch")
        self.search.setPlaceholderText("Search name, extension or state")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search)
        layout.addWidget(self.search)
        self.tree = QTreeView(frame)
        self.tree.setObjectName("directoryTree")
        self.tree.setModel(self.proxy)
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(False)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.clicked.connect(self._picked)
        self.tree.activated.connect(self._picked)
        layout.addWidget(self.tree, 1)

    def attach(self, bridge: SimBridge) -> None:
        """Show ``bridge``'s tenant directory."""
        self._bridge = bridge
        self.model = DirectoryModel(bridge.sim.tenant.teams, self)
        self.model.update(roster(bridge.sim))
        self.proxy.setSourceModel(self.model)
        # After the proxy has followed a reset (an agent joined a team): expand it again.
        self.proxy.modelReset.connect(self._after_reset)
        self.tree.expandAll()
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, 48)
        header.resizeSection(2, 104)
        self._span_teams()

    def refresh(self) -> None:
        """Follow the simulated agents' live states (and agents who joined a team)."""
        if self._bridge is None or self.model is None:
            return
        self.model.update(roster(self._bridge.sim))

    def _after_reset(self) -> None:
        self.tree.expandAll()
        self._span_teams()

    def _span_teams(self) -> None:
        # A team row has only its name: let it use the whole width instead of being clipped.
        for row in range(self.proxy.rowCount()):
            self.tree.setFirstColumnSpanned(row, QModelIndex(), True)

    def _search(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self.tree.expandAll()
        self._span_teams()

    def _picked(self, index: QModelIndex) -> None:
        phone = index.siblingAtColumn(0).data(DirectoryModel.PhoneRole)
        if phone:
            self.numberPicked.emit(str(phone))
