"""The inspector's item models: thin adapters over Qt-free lists (event log, outcomes, plugins).

Each model keeps only a list of row keys (indexes or ids) so that ``beginInsertRows`` /
``beginRemoveRows`` match what the view saw; the data itself is read from the simulator, the
event log or the handler host when a view asks for it. Every model passes ``qtmodeltester``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from simulator.gui.inspector.eventlog import EventFilter, EventLog
from simulator.gui.long_lines import tip
from simulator.gui.theme.palette import colors
from simulator.gui.times import clock_text

if TYPE_CHECKING:
    from simulator.engine import Event

__all__ = ["EventTableModel", "OutcomeModel", "PluginModel", "repr_result"]

Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_FONT = Qt.ItemDataRole.FontRole
_USER = Qt.ItemDataRole.UserRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_ROOT = QModelIndex()
"""The invisible root (a default argument, never mutated)."""


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

    def log_index(self, row: int) -> int:
        """The event log's index of the event on ``row``."""
        return self._rows[row]

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
            if column == 1:  # whole where the column is too narrow for it ("ON_REQUEST_…")
                return self._log.names[position]
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


class OutcomeModel(_FlatTable):
    """Handler outcomes as they reached the GUI thread."""

    HEADERS = ("Handler", "Event", "Interaction", "Duration", "Status", "Result or error")
    STATUS = 4
    """The status column (shown second: the view moves it beside the handler)."""
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
                return _one_line(_result_text(outcome, status))
        elif role == _TOOLTIP and column == 5:  # whole where the column ends it in "…"
            return tip(" ".join(_result_text(outcome, status).split()))
        elif role == _TOOLTIP and column in (0, 1, 2):
            if column == 0:
                return f"{getattr(outcome, 'plugin', '')}: {getattr(outcome, 'handler', '')}"
            if column == 1:  # whole where a narrow inspector ends the name in "…"
                return str(getattr(outcome, "event_name", ""))
            return getattr(outcome, "interaction_id", None)
        elif role == _FOREGROUND and column == 4:
            c = colors()
            return QColor(c.good if status == "ok" else c.bad if status else c.muted)
        elif role == _ALIGN and column == 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        elif role == self.OutcomeRole:
            return outcome
        return None


def _result_text(outcome: Any, status: str) -> str:
    """An outcome's result (``ok``) or error, as text."""
    if status == "ok":
        return repr_result(getattr(outcome, "result", None))
    return str(getattr(outcome, "error", "") or "")


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
            return tip(str(getattr(plugin, "source" if column == 3 else "error", "") or ""))
        elif role == _FOREGROUND and column == 1:
            return QColor(colors().good if loaded else colors().bad)
        return None
