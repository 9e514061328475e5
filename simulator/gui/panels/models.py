"""Item models of the panels: the agent's live interactions and the tenant directory.

Like the inspector's models, each keeps only row keys and reads the engine when a view asks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from simulator.gui.long_lines import tip
from simulator.gui.panels.roster import TeamRows, static_roster
from simulator.gui.theme.palette import state_color

if TYPE_CHECKING:
    from simulator.engine import Interaction, Simulator

__all__ = ["DirectoryModel", "InteractionListModel", "call_flags", "ring_remaining_ms"]

Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_FONT = Qt.ItemDataRole.FontRole
_USER = Qt.ItemDataRole.UserRole
_ROOT = QModelIndex()
"""The invisible root (a default argument, never mutated)."""


def ring_remaining_ms(sim: Simulator, inter: Interaction) -> int | None:
    """Milliseconds until a ringing offer rings out (the ring timeout), or None when it is not
    ringing or rings until answered."""
    if inter.state.value != "delivery_pending":
        return None
    timeout = getattr(sim.settings, "ring_timeout_seconds", None)
    if timeout is None:
        return None
    since = inter.history[-1][0] if inter.history else inter.created_ms
    return max(0, int(since + timeout * 1000 - sim.now_ms))


def call_flags(inter: Interaction) -> list[str]:
    """What holds for the call now, in short words. Once it ended (wrap-up) the recording,
    the mute and the conference ended with it: the payload still says ``callRecording: true``
    (the widget's display data keeps it, docs/contract.md), but nothing records any more, so
    a call recorded to its end says ``recorded``, not ``rec``."""
    flags = []
    ended = inter.in_wrap_up
    if inter.muted and not ended:
        flags.append("muted")
    if inter.recording and not ended:
        flags.append("rec")
    elif ended and inter.ever_recorded:
        flags.append("recorded")
    if inter.consult_of is not None:
        flags.append("consult")
    if len(inter.parties) > 1 and not ended:
        flags.append("conference")
    return flags


class InteractionListModel(QAbstractListModel):
    """The agent's live interactions (the engine's list, oldest first).

    Rows are found by interaction id (``IdRole``, ``Qt.UserRole + 1``) or, while a scenario
    plays, by its ``as`` name (``AliasRole``, ``Qt.UserRole + 9``): ``model.match(...)``.
    """

    IdRole = _USER + 1
    NameRole = _USER + 2
    MediaRole = _USER + 3
    StateRole = _USER + 4
    ServiceRole = _USER + 5
    ElapsedRole = _USER + 6
    """Milliseconds in the current state."""
    ActiveRole = _USER + 7
    FlagsRole = _USER + 8
    """Short words (``call_flags``): muted, rec, consult, conference; recorded in wrap-up."""
    AliasRole = _USER + 9
    """The scenario's ``as`` name of the interaction (while a scenario plays), else None."""
    RemainingRole = _USER + 10
    """Milliseconds until a ringing offer rings out, else None."""

    def __init__(
        self,
        sim: Simulator,
        parent: Any = None,
        names: Callable[[], Mapping[str, str]] | None = None,
    ):
        super().__init__(parent)
        self._sim = sim
        self._names = names or dict
        self._ids: list[str] = []

    def sync(self) -> None:
        """Follow the engine: remove finished rows, append new ones, repaint the rest."""
        current = [inter.id for inter in self._sim.interactions]
        wanted = set(current)
        for row in range(len(self._ids) - 1, -1, -1):
            if self._ids[row] not in wanted:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._ids[row]
                self.endRemoveRows()
        known = set(self._ids)
        new = [iid for iid in current if iid not in known]
        if new:
            first = len(self._ids)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self._ids.extend(new)
            self.endInsertRows()
        self.repaint()

    def repaint(self) -> None:
        """Tell views every row changed (live timers)."""
        if self._ids:
            self.dataChanged.emit(self.index(0), self.index(len(self._ids) - 1))

    def id_at(self, row: int) -> str:
        """The interaction id on ``row``."""
        return self._ids[row]

    def row_of(self, interaction_id: str | None) -> int | None:
        """The row of an interaction, if listed."""
        try:
            return self._ids.index(interaction_id or "")
        except ValueError:
            return None

    def rowCount(self, parent: Index = _ROOT) -> int:
        """Interactions listed."""
        return 0 if parent.isValid() else len(self._ids)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        """What the delegate paints for one interaction."""
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        iid = self._ids[index.row()]
        inter = self._sim.interaction(iid)
        if role == self.IdRole:
            return iid
        if role == self.AliasRole:
            return next((name for name, known in self._names().items() if known == iid), None)
        if inter is None:
            return None
        if role == self.RemainingRole:
            return ring_remaining_ms(self._sim, inter)
        if role in (_DISPLAY, self.NameRole):
            return inter.display_name
        if role == _TOOLTIP:
            about = " · ".join(
                [inter.type.value, inter.state.value]
                + ([inter.service.name] if inter.service else [])
                + call_flags(inter)
            )
            return f"{tip(inter.display_name)}\n{tip(about)}\n{iid}"
        if role == self.MediaRole:
            return inter.type.value
        if role == self.StateRole:
            return inter.state.value
        if role == self.ServiceRole:
            return inter.service.name if inter.service else ""
        if role == self.ElapsedRole:
            since = inter.history[-1][0] if inter.history else inter.created_ms
            return max(0, self._sim.now_ms - since)
        if role == self.ActiveRole:
            return iid == self._sim.active_interaction_id
        if role == self.FlagsRole:
            return " · ".join(call_flags(inter))
        return None


class DirectoryModel(QAbstractItemModel):
    """The tenant directory: teams, then their members (name, extension, state); ``update``
    follows the simulated agents' live states."""

    HEADERS = ("Name", "Ext.", "State")
    PhoneRole = _USER + 1
    """A member's extension (what the dial pad dials)."""
    StateRole = _USER + 2

    def __init__(self, teams: Sequence[Any], parent: Any = None):
        super().__init__(parent)
        self._teams: tuple[TeamRows, ...] = static_roster(teams)

    def update(self, teams: Sequence[TeamRows]) -> None:
        """Show ``teams`` (``simulator.gui.panels.roster``): the changed states in place, or
        everything anew when a member joined or left (expansion and selection are kept when
        only states change)."""
        new = tuple(teams)
        old = self._teams
        if new == old:
            return
        same_shape = len(new) == len(old) and all(
            a.name == b.name and len(a.members) == len(b.members)
            for a, b in zip(new, old, strict=True)
        )
        if not same_shape:
            self.beginResetModel()
            self._teams = new
            self.endResetModel()
            return
        self._teams = new
        for team_row, (a, b) in enumerate(zip(new, old, strict=True)):
            parent = self.index(team_row, 0)
            for row, (now, before) in enumerate(zip(a.members, b.members, strict=True)):
                if now != before:
                    self.dataChanged.emit(self.index(row, 0, parent), self.index(row, 2, parent))

    def index(self, row: int, column: int, parent: Index = _ROOT) -> QModelIndex:
        """Teams at the top (internal id 0), members below (internal id team row + 1)."""
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        if parent.internalId() == 0:
            return self.createIndex(row, column, parent.row() + 1)
        return QModelIndex()

    def parent(self, index: Index = _ROOT) -> QModelIndex:  # type: ignore[override]
        """A member's team; nothing above a team."""
        if not index.isValid():
            return QModelIndex()
        team_id = index.internalId()
        if team_id == 0:
            return QModelIndex()
        return self.createIndex(team_id - 1, 0, 0)

    def rowCount(self, parent: Index = _ROOT) -> int:
        """Teams, or a team's members (children hang off column 0 only)."""
        if not parent.isValid():
            return len(self._teams)
        if parent.column() != 0 or parent.internalId() != 0:
            return 0
        return len(self._teams[parent.row()].members)

    def columnCount(self, parent: Index = _ROOT) -> int:
        """Name, extension, state."""
        return len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        """Column titles."""
        horizontal = orientation is Qt.Orientation.Horizontal and role == _DISPLAY
        if horizontal and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        """A team's name, or a member's name, extension and state."""
        if not index.isValid():
            return None
        team_id = index.internalId()
        column = index.column()
        if team_id == 0:
            team = self._teams[index.row()]
            if role == _DISPLAY and column == 0:
                return f"{team.name} ({len(team.members)})"
            if role == _FONT and column == 0:
                font = QFont()
                font.setBold(True)
                return font
            return None
        member = self._teams[team_id - 1].members[index.row()]
        state = member.state
        if role == _DISPLAY:
            return (member.name, member.extension, state.replace("_", " "))[column]
        if role == _TOOLTIP:
            return tip(f"{member.name} · ext. {member.extension} · {state}")
        if role == _FOREGROUND and column == 2:
            return QColor(state_color(state))
        if role == self.PhoneRole:
            return member.extension
        if role == self.StateRole:
            return state
        return None
