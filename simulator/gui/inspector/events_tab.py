"""The inspector's Events tab: every adApi event with filters, its exact JSON, what it changed.

Left, the event table; right, the selected event's payload as highlighted, wrapped JSON above
the per-interaction diff of an ``ON_INTERACTION_STATE_CHANGE`` (each field that changed since the
interaction's previous payload, old -> new), with "Copy as JSON" and "Copy as expect step".
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from simulator.gui.controls import ElidedComboBox, button, plain_label, section
from simulator.gui.inspector.empty import EmptyState
from simulator.gui.inspector.eventlog import EventFilter, changes, payload_json
from simulator.gui.inspector.expect_step import expect_step
from simulator.gui.inspector.json_view import JsonView, mono_font
from simulator.gui.inspector.models import EventTableModel
from simulator.gui.inspector.tables import fit_headers, table
from simulator.gui.long_lines import tip
from simulator.gui.theme.palette import colors

if TYPE_CHECKING:
    from simulator.gui.bridge import SimBridge

__all__ = ["ALL", "EventsTab"]

ALL = "*"
"""The item data of the filters' "all" entries."""


def _value(value: Any) -> str:
    if value is None:
        return "—"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class EventsTab(QWidget):
    """Filters, the event table, the JSON pane and the diff."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("eventsTab")
        self._bridge: SimBridge | None = None
        self.model: EventTableModel | None = None
        self._interactions_listed: set[str] = set()
        self._interactions_seen = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addLayout(self._filter_bar())
        self.split = QSplitter(Qt.Orientation.Horizontal, self)
        self.split.setObjectName("inspectorSplitter")
        self.split.setChildrenCollapsible(False)
        # The copy buttons under the table whose selection they copy: under the details they
        # made the tab taller than the inspector's room at 1440x900, which scrolled the table's
        # last rows and its horizontal scroll bar out of sight.
        left = QWidget(self.split)
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        left_column.setSpacing(6)
        self.table = table("eventTable", left)
        self.empty = EmptyState(
            "eventsEmpty",
            self.table,
            "No events yet. Log in, go Ready, or make a contact arrive from the customer side.",
            left,
        )
        left_column.addWidget(self.empty, 1)
        left_column.addLayout(self._copy_row())
        self.split.addWidget(left)
        self.split.addWidget(self._detail())
        # The table's share leaves its Summary column in view at the default size: at 4:5 the
        # table was ~380 px wide at 1440x900 and its first three columns took ~436, the
        # Summary (what each event changed) started past its right edge.
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.split.setSizes([600, 400])
        layout.addWidget(self.split, 1)

    def _filter_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.name_filter = ElidedComboBox(self)
        self.name_filter.setObjectName("eventFilterName")
        self.name_filter.addItem("All events", ALL)
        self.name_filter.setMinimumWidth(230)
        self.interaction_filter = ElidedComboBox(self)
        self.interaction_filter.setObjectName("eventFilterInteraction")
        self.interaction_filter.addItem("All interactions", ALL)
        self.interaction_filter.setMinimumWidth(230)
        self.text_filter = QLineEdit(self)
        self.text_filter.setObjectName("eventFilterText")
        self.text_filter.setPlaceholderText("Search name, id, summary")
        self.text_filter.setClearButtonEnabled(True)
        self.clear_filter = button("clearFilterButton", "Show all", "x")
        self.clear_filter.setEnabled(True)
        self.follow = QCheckBox("Follow", self)
        self.follow.setObjectName("eventFollow")
        self.follow.setToolTip("Keep the newest event in view")
        self.follow.setChecked(True)
        self.count_label = plain_label("0 events", "eventCount", role="muted")
        bar.addWidget(self.name_filter)
        bar.addWidget(self.interaction_filter)
        bar.addWidget(self.text_filter, 1)
        bar.addWidget(self.clear_filter)
        bar.addWidget(self.follow)
        bar.addWidget(self.count_label)
        self.name_filter.currentIndexChanged.connect(self._apply_filter)
        self.interaction_filter.currentIndexChanged.connect(self._apply_filter)
        self.text_filter.textChanged.connect(self._apply_filter)
        self.clear_filter.clicked.connect(self.clear_filters)
        return bar

    def _detail(self) -> QWidget:
        right = QWidget(self.split)
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        self.detail_split = QSplitter(Qt.Orientation.Vertical, right)
        self.detail_split.setObjectName("eventDetailSplitter")
        self.detail_split.setChildrenCollapsible(False)
        self.json = JsonView(
            "eventJson", "Select an event to see its exact payload", self.detail_split
        )
        self.json.setMinimumHeight(56)  # three lines; the splitter gives it more
        self.json.whole = "Copy as JSON and the journal have it whole"
        changes_box = QWidget(self.detail_split)
        changes_column = QVBoxLayout(changes_box)
        changes_column.setContentsMargins(0, 0, 0, 0)
        changes_column.setSpacing(4)
        changes_column.addWidget(section("Changed since the interaction's previous payload"))
        self.diff = QTableWidget(0, 3, changes_box)
        self.diff.setObjectName("eventDiff")
        self.diff.setHorizontalHeaderLabels(["Field", "Before", "After"])
        self.diff.verticalHeader().hide()
        self.diff.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.diff.setTabKeyNavigation(False)  # Tab leaves it, as it leaves the tables
        self.diff.setWordWrap(True)
        self.diff.setFont(mono_font())
        self.diff.setMinimumHeight(56)  # the header and a row
        header = self.diff.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # Wrapped values: row heights follow the column widths.
        header.sectionResized.connect(lambda *_: self.diff.resizeRowsToContents())
        self.diff_empty = EmptyState(
            "eventDiffEmpty",
            self.diff,
            "Select an ON_INTERACTION_STATE_CHANGE to see which fields changed.",
            changes_box,
        )
        changes_column.addWidget(self.diff_empty, 1)
        self.detail_split.addWidget(self.json)
        self.detail_split.addWidget(changes_box)
        self.detail_split.setStretchFactor(0, 3)
        self.detail_split.setStretchFactor(1, 2)
        column.addWidget(self.detail_split, 1)
        return right

    def _copy_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.copy_expect = button(
            "copyExpectButton",
            "Copy as expect step",
            "copy",
            tooltip="Copy the selected event as a scenario expect step (YAML)",
        )
        self.copy = button(
            "copyJsonButton",
            "Copy as JSON",
            "copy",
            tooltip="Copy the selected events as JSON (Ctrl+Shift+C)",
        )
        row.addWidget(self.copy_expect)
        row.addWidget(self.copy)
        row.addStretch(1)
        self.copy.clicked.connect(self.copy_json)
        self.copy_expect.clicked.connect(self.copy_expect_step)
        return row

    # ------------------------------------------------------------------ attaching

    def attach(self, bridge: SimBridge) -> None:
        """Show ``bridge``'s events."""
        from simulator.contract import EventName

        self._bridge = bridge
        self.name_filter.blockSignals(True)
        for name in EventName:
            self.name_filter.addItem(name.value, name.value)
        self.name_filter.blockSignals(False)
        self.model = EventTableModel(bridge.events, self)
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((100, 236, 100)):
            header.resizeSection(column, width)
        fit_headers(self.table)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.model.rowsInserted.connect(self._follow_tail)
        # And when the table's height changes: a desktop shown the first time (a colleague's,
        # behind the agent switcher) followed its events on a table laid out at another
        # height, and its newest rows were below the edge once shown.
        self.table.verticalScrollBar().rangeChanged.connect(self._follow_tail)
        self.refresh()

    def refresh(self) -> None:
        """Take in new events (and interactions for the filter)."""
        if self._bridge is None or self.model is None:
            return
        self.model.sync()
        log = self._bridge.events
        if len(log) < self._interactions_seen:  # the log was cleared
            self._interactions_seen = 0
        for iid in log.interaction_ids[self._interactions_seen :]:
            if iid is not None and iid not in self._interactions_listed:
                self._interactions_listed.add(iid)
                inter = self._bridge.sim.interaction(iid)
                who = inter.display_name if inter is not None else ""
                label = f"{iid[:8]}…  {who}" if who else iid
                self.interaction_filter.addItem(label, iid)
        self._interactions_seen = len(log)
        self._count()

    # ------------------------------------------------------------------ filtering

    def current_filter(self) -> EventFilter:
        """The filter the controls describe."""
        name = self.name_filter.currentData()
        iid = self.interaction_filter.currentData()
        return EventFilter(
            name=None if name in (None, ALL) else str(name),
            interaction_id=None if iid in (None, ALL) else str(iid),
            text=self.text_filter.text(),
        )

    def _apply_filter(self) -> None:
        if self.model is None:
            return
        self.model.set_filter(self.current_filter())
        self._show([])
        self._count()
        self._follow_tail()

    def clear_filters(self) -> None:
        """Show every event."""
        for widget in (self.name_filter, self.interaction_filter, self.text_filter):
            widget.blockSignals(True)
        self.name_filter.setCurrentIndex(0)
        self.interaction_filter.setCurrentIndex(0)
        self.text_filter.clear()
        for widget in (self.name_filter, self.interaction_filter, self.text_filter):
            widget.blockSignals(False)
        self._apply_filter()

    def _count(self) -> None:
        if self.model is None:
            return
        shown, total = self.model.rowCount(), self.model.total
        text = f"{total:,} events" if shown == total else f"{shown:,} of {total:,} events"
        self.count_label.setText(text)
        if total == 0:
            self.empty.set_text(
                "No events yet. Log in, go Ready, or make a contact arrive from the customer side."
            )
        else:
            self.empty.set_text("No event matches the filters. “Show all” clears them.")
        self.empty.show_content(shown > 0)

    def _follow_tail(self, *args: Any) -> None:
        if self.follow.isChecked():
            self.table.scrollToBottom()

    # ------------------------------------------------------------------ selection

    def selected_rows(self) -> list[int]:
        """Log indexes of the selected events, in order."""
        if self.model is None:
            return []
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.log_index(row) for row in rows]

    def selected_events(self) -> list[Any]:
        """The events selected in the table, in order."""
        if self._bridge is None:
            return []
        return [self._bridge.events.events[i] for i in self.selected_rows()]

    def _selected(self, *_: QItemSelection) -> None:
        self._show(self.selected_rows())

    def _show(self, indexes: list[int]) -> None:
        self.copy.setEnabled(bool(indexes))
        self.copy_expect.setEnabled(len(indexes) == 1)
        if not indexes or self._bridge is None:
            self.json.clear()
            self._show_diff(None)
            return
        events = [self._bridge.events.events[i] for i in indexes]
        self.json.setPlainText(self._json_of(events))
        self._show_diff(indexes[0] if len(indexes) == 1 else None)

    def _show_diff(self, index: int | None) -> None:
        self.diff.setRowCount(0)
        log = self._bridge.events if self._bridge is not None else None
        if index is None or log is None:
            self.diff_empty.set_text(
                "Select an ON_INTERACTION_STATE_CHANGE to see which fields changed."
            )
            self.diff_empty.show_content(False)
            return
        event = log.events[index]
        previous = log.previous[index]
        first = event.wire_args[0] if event.wire_args else None
        if str(event.name) != "ON_INTERACTION_STATE_CHANGE" or not isinstance(first, dict):
            # Short enough for the two lines the pane has at 1440x900 with a call (the
            # event's name, said in the table and the JSON, made it three: the last was cut).
            self.diff_empty.set_text("Not a state change: select an ON_INTERACTION_STATE_CHANGE.")
            self.diff_empty.show_content(False)
            return
        if previous is None:
            self.diff_empty.set_text("The interaction's first payload: nothing to compare.")
            self.diff_empty.show_content(False)
            return
        found = changes(previous, first)
        c = colors()
        for change in found:
            row = self.diff.rowCount()
            self.diff.insertRow(row)
            before = "(absent)" if change.added else _value(change.before)
            after = "(removed)" if change.removed else _value(change.after)
            items = (
                QTableWidgetItem(change.key),
                QTableWidgetItem(before),
                QTableWidgetItem(after),
            )
            items[1].setForeground(QColor(c.bad))
            items[2].setForeground(QColor(c.good))
            for column, item in enumerate(items):
                item.setTextAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
                item.setToolTip(tip(item.text()))
                self.diff.setItem(row, column, item)
        self.diff.resizeRowsToContents()
        if not found:
            self.diff_empty.set_text("Nothing changed since the previous payload.")
        self.diff_empty.show_content(bool(found))

    @staticmethod
    def _json_of(events: list[Any]) -> str:
        if len(events) == 1:
            return payload_json(events[0])
        return "[\n" + ",\n".join(payload_json(event) for event in events) + "\n]"

    def copy_json(self) -> None:
        """Put the selected events' exact payloads on the clipboard as JSON."""
        events = self.selected_events()
        if events:
            QGuiApplication.clipboard().setText(self._json_of(events))

    def expect_text(self) -> str:
        """The selected event as a scenario ``expect`` step ("" unless one event is selected)."""
        indexes = self.selected_rows()
        if len(indexes) != 1 or self._bridge is None:
            return ""
        log = self._bridge.events
        index = indexes[0]
        return expect_step(log.events[index], log.previous[index], self._bridge.names)

    def copy_expect_step(self) -> None:
        """Put the selected event on the clipboard as a scenario ``expect`` step."""
        text = self.expect_text()
        if text:
            QGuiApplication.clipboard().setText(text)

    def select_event(self, seq: int) -> None:
        """Select the event with sequence number ``seq`` (clearing filters that hide it)."""
        if self.model is None:
            return
        row = self.model.row_of_seq(seq)
        if row is None:
            self.clear_filters()
            row = self.model.row_of_seq(seq)
        if row is None:
            return
        self.follow.setChecked(False)
        index = self.model.index(row, 0)
        self.table.selectRow(row)
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def recolor(self) -> None:
        """Repaint the JSON and the diff in the colours in use."""
        self.json.highlighter.recolor()
        self._show(self.selected_rows())
