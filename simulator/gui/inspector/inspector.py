"""The event inspector: events with filters and their exact JSON, handler outcomes, plugins, and
the timeline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, QModelIndex, Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from simulator.gui.controls import button, plain_label
from simulator.gui.inspector.eventlog import EventFilter, payload_json
from simulator.gui.inspector.models import EventTableModel, OutcomeModel, PluginModel, repr_result
from simulator.gui.inspector.timeline import Timeline
from simulator.gui.theme.icons import icon

if TYPE_CHECKING:
    from simulator.gui.bridge import SimBridge

__all__ = ["Inspector"]

_ALL = "__all__"


def _mono() -> QFont:
    font = QFont("monospace")
    font.setStyleHint(QFont.StyleHint.TypeWriter)
    return font


def _table(name: str, parent: QWidget) -> QTableView:
    table = QTableView(parent)
    table.setObjectName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(24)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.horizontalHeader().setHighlightSections(False)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class Inspector(QTabWidget):
    """Tabs: Events, Handler outcomes, Plugins, Timeline."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("inspectorTabs")
        self.setDocumentMode(False)
        self._bridge: SimBridge | None = None
        self.events: EventTableModel | None = None
        self.outcomes: OutcomeModel | None = None
        self.plugins: PluginModel | None = None
        self._interactions_listed: set[str] = set()
        self._interactions_seen = 0
        self._build_events()
        self._build_outcomes()
        self._build_plugins()
        self.timeline = Timeline()
        timeline_tab = QWidget()
        timeline_tab.setObjectName("timelineTab")
        timeline_layout = QVBoxLayout(timeline_tab)
        timeline_layout.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(timeline_tab)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.timeline)
        timeline_layout.addWidget(scroll)
        self.addTab(timeline_tab, "Timeline")
        self.retint()
        self.timeline.eventClicked.connect(self.select_event)

    def retint(self) -> None:
        """Tab icons in the colours in use."""
        for index, name in enumerate(("list", "bolt", "plug", "timeline")):
            self.setTabIcon(index, icon(name))

    # ------------------------------------------------------------------ building

    def _build_events(self) -> None:
        tab = QWidget()
        tab.setObjectName("eventsTab")
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        bar = QHBoxLayout()
        self.name_filter = QComboBox(tab)
        self.name_filter.setObjectName("eventFilterName")
        self.name_filter.addItem("All events", _ALL)
        self.name_filter.setMinimumWidth(230)
        self.interaction_filter = QComboBox(tab)
        self.interaction_filter.setObjectName("eventFilterInteraction")
        self.interaction_filter.addItem("All interactions", _ALL)
        self.interaction_filter.setMinimumWidth(230)
        self.text_filter = QLineEdit(tab)
        self.text_filter.setObjectName("eventFilterText")
        self.text_filter.setPlaceholderText("Search name, id, summary")
        self.text_filter.setClearButtonEnabled(True)
        self.clear_filter = button("clearFilterButton", "Show all", "x")
        self.clear_filter.setEnabled(True)
        self.follow = QCheckBox("Follow", tab)
        self.follow.setObjectName("eventFollow")
        self.follow.setChecked(True)
        self.count = plain_label("0 events", "eventCount", role="muted")
        bar.addWidget(self.name_filter)
        bar.addWidget(self.interaction_filter)
        bar.addWidget(self.text_filter, 1)
        bar.addWidget(self.clear_filter)
        bar.addWidget(self.follow)
        bar.addWidget(self.count)
        layout.addLayout(bar)
        split = QSplitter(Qt.Orientation.Horizontal, tab)
        self.event_table = _table("eventTable", split)
        right = QWidget(split)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(6)
        self.json = QPlainTextEdit(right)
        self.json.setObjectName("eventJson")
        self.json.setReadOnly(True)
        self.json.setFont(_mono())
        self.json.setPlaceholderText("Select an event to see its exact payload")
        self.json.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.copy = button("copyJsonButton", "Copy as JSON", "copy", tooltip="Ctrl+Shift+C")
        right_layout.addWidget(self.json, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.copy)
        right_layout.addLayout(row)
        split.addWidget(self.event_table)
        split.addWidget(right)
        split.setStretchFactor(0, 7)
        split.setStretchFactor(1, 4)
        layout.addWidget(split, 1)
        self.addTab(tab, "Events")
        self.name_filter.currentIndexChanged.connect(self._apply_filter)
        self.interaction_filter.currentIndexChanged.connect(self._apply_filter)
        self.text_filter.textChanged.connect(self._apply_filter)
        self.clear_filter.clicked.connect(self.clear_filters)
        self.copy.clicked.connect(self.copy_json)

    def _build_outcomes(self) -> None:
        tab = QWidget()
        tab.setObjectName("outcomesTab")
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(8, 8, 8, 8)
        split = QSplitter(Qt.Orientation.Horizontal, tab)
        self.outcome_table = _table("outcomeTable", split)
        self.outcome_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.outcome_detail = QPlainTextEdit(split)
        self.outcome_detail.setObjectName("outcomeDetail")
        self.outcome_detail.setReadOnly(True)
        self.outcome_detail.setFont(_mono())
        self.outcome_detail.setPlaceholderText("Select an outcome to see its result or traceback")
        self.outcome_detail.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        split.addWidget(self.outcome_table)
        split.addWidget(self.outcome_detail)
        split.setStretchFactor(0, 7)
        split.setStretchFactor(1, 4)
        layout.addWidget(split)
        self.addTab(tab, "Handler outcomes")

    def _build_plugins(self) -> None:
        tab = QWidget()
        tab.setObjectName("pluginsTab")
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(8, 8, 8, 8)
        row = QHBoxLayout()
        self.plugin_status = plain_label("", "pluginStatus", role="muted")
        self.plugin_status.setWordWrap(True)
        self.load_plugin = button("loadPluginButton", "Load plugin…", "folder")
        self.reload_plugins = button("reloadPluginsButton", "Reload all", "refresh")
        row.addWidget(self.plugin_status, 1)
        row.addWidget(self.load_plugin)
        row.addWidget(self.reload_plugins)
        layout.addLayout(row)
        self.plugin_table = _table("pluginTable", tab)
        layout.addWidget(self.plugin_table, 1)
        self.addTab(tab, "Plugins")
        self.load_plugin.clicked.connect(self._choose_plugin)

    # ------------------------------------------------------------------ attaching

    def attach(self, bridge: SimBridge) -> None:
        """Inspect ``bridge``'s events and handler outcomes."""
        from simulator.contract import EventName

        self._bridge = bridge
        self.name_filter.blockSignals(True)
        for name in EventName:
            self.name_filter.addItem(name.value, name.value)
        self.name_filter.blockSignals(False)
        self.events = EventTableModel(bridge.events, self)
        self.event_table.setModel(self.events)
        header = self.event_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 100)
        header.resizeSection(1, 236)
        header.resizeSection(2, 100)
        self.event_table.selectionModel().selectionChanged.connect(self._event_selected)
        self.events.rowsInserted.connect(self._follow_tail)
        self.outcomes = OutcomeModel(bridge.outcomes, self)
        self.outcome_table.setModel(self.outcomes)
        outcome_header = self.outcome_table.horizontalHeader()
        for column, width in enumerate((150, 230, 104, 80, 66)):
            outcome_header.resizeSection(column, width)
        self.outcome_table.selectionModel().selectionChanged.connect(self._outcome_selected)
        host = bridge.host
        self.plugins = PluginModel(lambda: list(host.plugins) if host is not None else [], self)
        self.plugin_table.setModel(self.plugins)
        plugin_header = self.plugin_table.horizontalHeader()
        for column, width in enumerate((160, 70, 70, 320)):
            plugin_header.resizeSection(column, width)
        bridge.pluginsChanged.connect(self.refresh_plugins)
        bridge.outcomeArrived.connect(self._outcome_arrived)
        self.reload_plugins.clicked.connect(bridge.reload_plugins)
        self.timeline.attach(bridge)
        self.refresh_plugins()
        self.refresh()

    def refresh(self) -> None:
        """Take in new events (and interactions for the filter)."""
        if self._bridge is None or self.events is None:
            return
        self.events.sync()
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
        self.timeline.refresh()

    def refresh_plugins(self) -> None:
        """Re-read the plugin list."""
        host = self._bridge.host if self._bridge is not None else None
        if self.plugins is not None:
            self.plugins.sync()
        has_host = host is not None
        self.load_plugin.setEnabled(has_host)
        self.reload_plugins.setEnabled(has_host)
        if not has_host:
            self.plugin_status.setText(
                "Handlers are not loaded. Start the window with --handler PATH (a .py file or a "
                "directory) to run an integration's handlers."
            )
            return
        plugins = list(host.plugins)
        failed = [plugin for plugin in plugins if not getattr(plugin, "loaded", False)]
        handlers = sum(int(getattr(plugin, "handler_count", 0) or 0) for plugin in plugins)
        text = f"{len(plugins)} plugin(s), {handlers} handler(s)"
        if failed:
            text += f", {len(failed)} failed to load"
        self.plugin_status.setText(text)

    # ------------------------------------------------------------------ events

    def current_filter(self) -> EventFilter:
        """The filter the controls describe."""
        name = self.name_filter.currentData()
        iid = self.interaction_filter.currentData()
        return EventFilter(
            name=None if name in (None, _ALL) else str(name),
            interaction_id=None if iid in (None, _ALL) else str(iid),
            text=self.text_filter.text(),
        )

    def _apply_filter(self) -> None:
        if self.events is None:
            return
        self.events.set_filter(self.current_filter())
        self.json.clear()
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
        if self.events is None:
            return
        shown, total = self.events.rowCount(), self.events.total
        text = f"{total:,} events" if shown == total else f"{shown:,} of {total:,} events"
        self.count.setText(text)

    def _follow_tail(self, *args: Any) -> None:
        if self.follow.isChecked():
            self.event_table.scrollToBottom()

    def selected_events(self) -> list[Any]:
        """The events selected in the table, in order."""
        if self.events is None:
            return []
        rows = sorted({index.row() for index in self.event_table.selectionModel().selectedRows()})
        return [self.events.event_at(row) for row in rows]

    def _event_selected(self, *_: QItemSelection) -> None:
        events = self.selected_events()
        self.copy.setEnabled(bool(events))
        if not events:
            self.json.clear()
            return
        self.json.setPlainText(self._json_of(events))

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

    def select_event(self, seq: int) -> None:
        """Select the event with sequence number ``seq`` (clearing filters that hide it)."""
        if self.events is None:
            return
        row = self.events.row_of_seq(seq)
        if row is None:
            self.clear_filters()
            row = self.events.row_of_seq(seq)
        if row is None:
            return
        self.setCurrentIndex(0)
        self.follow.setChecked(False)
        index = self.events.index(row, 0)
        self.event_table.selectRow(row)
        self.event_table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    # ------------------------------------------------------------------ outcomes, plugins

    def _outcome_arrived(self, _outcome: Any) -> None:
        if self.outcomes is not None:
            self.outcomes.sync()
        if self.plugins is not None and self.plugins.rowCount() == 0:
            self.refresh_plugins()

    def _outcome_selected(self, *_: QItemSelection) -> None:
        if self.outcomes is None:
            return
        rows = self.outcome_table.selectionModel().selectedRows()
        if not rows:
            self.outcome_detail.clear()
            return
        outcome = self.outcomes.outcome_at(rows[0].row())
        self.outcome_detail.setPlainText(self._describe(outcome))

    @staticmethod
    def _describe(outcome: Any) -> str:
        def field(name: str) -> Any:
            return getattr(outcome, name, None)

        lines = [
            f"handler:     {field('handler')}",
            f"plugin:      {field('plugin')}",
            f"event:       #{field('event_seq')} {field('event_name')}",
            f"interaction: {field('interaction_id')}",
            f"status:      {field('status')}",
            f"duration:    {float(field('duration_ms') or 0):,.2f} ms",
            "",
        ]
        if field("status") == "ok":
            result = field("result")
            try:
                text = json.dumps(result, indent=2, ensure_ascii=False)
            except (TypeError, ValueError):
                text = repr_result(result)
            lines += ["result:", text]
        else:
            lines += ["error:", str(field("error") or "")]
            trace = field("traceback")
            if trace:
                lines += ["", str(trace)]
        return "\n".join(lines)

    def _choose_plugin(self) -> None:
        if self._bridge is None:
            return
        path, _ = QFileDialog.getOpenFileName(
            self, "Load a handler plugin", str(Path.cwd()), "Python files (*.py)"
        )
        if path:
            self._bridge.load_plugin(path)

    def select_first_outcome(self) -> QModelIndex:
        """Select the first outcome row (for tests and keyboard users)."""
        if self.outcomes is None or self.outcomes.rowCount() == 0:
            return QModelIndex()
        self.outcome_table.selectRow(0)
        return self.outcomes.index(0, 0)
