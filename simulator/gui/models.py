"""Qt item models: thin adapters over Qt-free lists (the engine's, the event log, the outcomes).

Each model keeps only a list of row keys (indexes or ids) so that ``beginInsertRows`` /
``beginRemoveRows`` match what the view saw; the data itself is read from the simulator, the
event log or the handler host when a view asks for it. Every model passes ``qtmodeltester``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from simulator.gui.eventlog import EventFilter, EventLog
from simulator.gui.theme import colors, state_color

if TYPE_CHECKING:
    from simulator.engine import Event, Simulator

__all__ = [
    "DirectoryModel",
    "EventTableModel",
    "InteractionListModel",
    "OutcomeModel",
    "PluginModel",
    "clock_text",
    "duration_text",
]

Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_FONT = Qt.ItemDataRole.FontRole
_USER = Qt.ItemDataRole.UserRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_ROOT = QModelIndex()
"""The invisible root (a default argument, never mutated)."""


def clock_text(epoch_ms: int) -> str:
    """``HH:MM:SS.mmm`` in local time."""
    seconds, ms = divmod(int(epoch_ms), 1000)
    return time.strftime("%H:%M:%S", time.localtime(seconds)) + f".{ms:03d}"


def duration_text(ms: int | float) -> str:
    """``MM:SS`` (or ``H:MM:SS``) for a timer."""
    total = max(0, int(ms // 1000))
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes:02d}:{seconds:02d}"


def _short_id(value: str | None) -> str:
    if not value:
        return ""
    return value if len(value) <= 10 else value[:8] + "…"


class _FlatTable(QAbstractTableModel):
    """A flat table: no children under any row."""

    HEADERS: tuple[str, ...] = ()

    def columnCount(self, parent: Index = _ROOT) -> int:
        """Number of columns (none under a row)."""
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        """Column titles."""
        horizontal = orientation is Qt.Orientation.Horizontal and role == _DISPLAY
        if horizontal and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None


class EventTableModel(_FlatTable):
    """The inspector's event table over an ``EventLog``, with an index-based filter."""

    HEADERS = ("Time", "Event", "Interaction", "Summary")
    EventRole = _USER + 1
    """The ``Event`` of a row."""

    def __init__(self, log: EventLog, parent: Any = None):
        super().__init__(parent)
        self._log = log
        self._rows: list[int] = []
        self._seen = 0
        self._filter = EventFilter()
        self._mono = QFont("monospace")
        self._mono.setStyleHint(QFont.StyleHint.TypeWriter)

    @property
    def event_filter(self) -> EventFilter:
        """The filter in force."""
        return self._filter

    @property
    def total(self) -> int:
        """How many events there are, shown or not."""
        return len(self._log)

    def set_filter(self, wanted: EventFilter) -> None:
        """Show only the events passing ``wanted`` (one pass over the log's columns)."""
        self.beginResetModel()
        self._filter = wanted
        self._rows = self._log.filter(wanted)
        self._seen = len(self._log)
        self.endResetModel()

    def sync(self) -> None:
        """Add the rows of events logged since the last sync."""
        if len(self._log) < self._seen:  # the log was cleared
            self.set_filter(self._filter)
            return
        new = self._log.filter(self._filter, start=self._seen)
        self._seen = len(self._log)
        if new:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self._rows.extend(new)
            self.endInsertRows()

    def event_at(self, row: int) -> Event:
        """The event shown on ``row``."""
        return self._log.events[self._rows[row]]

    def row_of_seq(self, seq: int) -> int | None:
        """The row showing the event with sequence number ``seq``, if shown."""
        for row, index in enumerate(self._rows):
            if self._log.events[index].seq == seq:
                return row
        return None

    def rowCount(self, parent: Index = _ROOT) -> int:
        """Events shown."""
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        """Time, event name, interaction and summary of one event."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        position = self._rows[index.row()]
        column = index.column()
        if role == _DISPLAY:
            if column == 0:
                return clock_text(self._log.events[position].time_ms)
            if column == 1:
                return self._log.names[position]
            if column == 2:
                return _short_id(self._log.interaction_ids[position])
            if column == 3:
                return self._log.summaries[position]
        elif role == _TOOLTIP:
            if column == 2:
                return self._log.interaction_ids[position]
            if column == 3:
                return self._log.summaries[position]
        elif role == _FONT and column in (0, 2):
            return self._mono
        elif role == _FOREGROUND and column == 1:
            name = self._log.names[position]
            c = colors()
            if "ERROR" in name:
                return QColor(c.bad)
            if name in ("ON_NEW_INTERACTION", "ON_INTERACTION_REMOVED"):
                return QColor(c.accent)
            if name == "ON_SAVE_ACTIVITY_RECORD":
                return QColor(c.good)
        elif role == self.EventRole:
            return self._log.events[position]
        return None


class InteractionListModel(QAbstractListModel):
    """The agent's live interactions (the engine's list, oldest first)."""

    IdRole = _USER + 1
    NameRole = _USER + 2
    MediaRole = _USER + 3
    StateRole = _USER + 4
    ServiceRole = _USER + 5
    ElapsedRole = _USER + 6
    """Milliseconds in the current state."""
    ActiveRole = _USER + 7
    FlagsRole = _USER + 8
    """Short words: muted, recording, consult."""

    def __init__(self, sim: Simulator, parent: Any = None):
        super().__init__(parent)
        self._sim = sim
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
        if inter is None:
            return None
        if role in (_DISPLAY, self.NameRole):
            return inter.display_name
        if role == _TOOLTIP:
            return f"{inter.display_name}\n{inter.type.value} · {inter.state.value}\n{iid}"
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
            flags = []
            if inter.muted:
                flags.append("muted")
            if inter.recording:
                flags.append("rec")
            if inter.consult_of is not None:
                flags.append("consult")
            if len(inter.parties) > 1:
                flags.append("conference")
            return " · ".join(flags)
        return None


class OutcomeModel(_FlatTable):
    """Handler outcomes as they reached the GUI thread."""

    HEADERS = ("Handler", "Event", "Interaction", "Duration", "Status", "Result or error")
    OutcomeRole = _USER + 1

    def __init__(self, outcomes: list[Any], parent: Any = None):
        super().__init__(parent)
        self._source = outcomes
        self._count = 0

    def sync(self) -> None:
        """Add rows for outcomes that arrived since the last sync."""
        total = len(self._source)
        if total < self._count:
            self.beginResetModel()
            self._count = total
            self.endResetModel()
        elif total > self._count:
            self.beginInsertRows(QModelIndex(), self._count, total - 1)
            self._count = total
            self.endInsertRows()

    def outcome_at(self, row: int) -> Any:
        """The outcome on ``row``."""
        return self._source[row]

    def rowCount(self, parent: Index = _ROOT) -> int:
        """Outcomes shown."""
        return 0 if parent.isValid() else self._count

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        """One outcome's columns."""
        if not index.isValid() or not 0 <= index.row() < self._count:
            return None
        outcome = self._source[index.row()]
        column = index.column()
        status = str(getattr(outcome, "status", ""))
        if role == _DISPLAY:
            if column == 0:
                return str(getattr(outcome, "handler", ""))
            if column == 1:
                return str(getattr(outcome, "event_name", ""))
            if column == 2:
                return _short_id(getattr(outcome, "interaction_id", None))
            if column == 3:
                return f"{float(getattr(outcome, 'duration_ms', 0) or 0):,.1f} ms"
            if column == 4:
                return status
            if column == 5:
                if status == "ok":
                    return _one_line(repr_result(getattr(outcome, "result", None)))
                return _one_line(str(getattr(outcome, "error", "") or ""))
        elif role == _TOOLTIP and column in (0, 2):
            if column == 0:
                return f"{getattr(outcome, 'plugin', '')}: {getattr(outcome, 'handler', '')}"
            return getattr(outcome, "interaction_id", None)
        elif role == _FOREGROUND and column == 4:
            c = colors()
            return QColor(c.good if status == "ok" else c.bad if status else c.muted)
        elif role == _ALIGN and column == 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        elif role == self.OutcomeRole:
            return outcome
        return None


def repr_result(value: Any) -> str:
    """A handler's result as text (already JSON-able in the host's outcome)."""
    if value is None:
        return "returned nothing"
    if isinstance(value, str):
        return value
    import json

    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _one_line(text: str, limit: int = 160) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


class PluginModel(_FlatTable):
    """Load status of each handler plugin."""

    HEADERS = ("Plugin", "Status", "Handlers", "Source", "Error")

    def __init__(self, plugins: Callable[[], Sequence[Any]], parent: Any = None):
        super().__init__(parent)
        self._read = plugins
        self._rows: list[Any] = list(plugins())

    def sync(self) -> None:
        """Re-read the plugin list (after a load or a reload)."""
        self.beginResetModel()
        self._rows = list(self._read())
        self.endResetModel()

    def rowCount(self, parent: Index = _ROOT) -> int:
        """Plugins listed."""
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        """One plugin's columns."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        plugin = self._rows[index.row()]
        loaded = bool(getattr(plugin, "loaded", False))
        column = index.column()
        if role == _DISPLAY:
            if column == 0:
                return str(getattr(plugin, "name", ""))
            if column == 1:
                return "loaded" if loaded else "failed"
            if column == 2:
                return str(getattr(plugin, "handler_count", 0))
            if column == 3:
                return str(getattr(plugin, "source", ""))
            if column == 4:
                return _one_line(str(getattr(plugin, "error", "") or ""))
        elif role == _TOOLTIP and column in (3, 4):
            return str(getattr(plugin, "source" if column == 3 else "error", "") or "")
        elif role == _FOREGROUND and column == 1:
            return QColor(colors().good if loaded else colors().bad)
        return None


class DirectoryModel(QAbstractItemModel):
    """The tenant directory: teams, then their members (name, extension, state)."""

    HEADERS = ("Name", "Ext.", "State")
    PhoneRole = _USER + 1
    """A member's extension (what the dial pad dials)."""
    StateRole = _USER + 2

    def __init__(self, teams: Sequence[Any], parent: Any = None):
        super().__init__(parent)
        self._teams = list(teams)

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
        state = str(getattr(member.state, "value", member.state))
        if role == _DISPLAY:
            return (member.display_name, member.extension, state.replace("_", " "))[column]
        if role == _TOOLTIP:
            return f"{member.display_name} · ext. {member.extension} · {state}"
        if role == _FOREGROUND and column == 2:
            return QColor(state_color(state))
        if role == self.PhoneRole:
            return member.extension
        if role == self.StateRole:
            return state
        return None
