"""The event inspector: events with filters, their exact JSON and what they changed; handler
outcomes; plugins; and the timeline. Every view says why it is empty."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from simulator.gui.controls import button, plain_label
from simulator.gui.inspector.empty import EmptyState
from simulator.gui.inspector.events_tab import EventsTab
from simulator.gui.inspector.json_view import JsonView
from simulator.gui.inspector.models import EventTableModel, OutcomeModel, PluginModel, repr_result
from simulator.gui.inspector.tables import ColumnFit, fit_headers, table
from simulator.gui.inspector.timeline import Timeline
from simulator.gui.plugin_loading import loading_text
from simulator.gui.theme.icons import icon

if TYPE_CHECKING:
    from simulator.gui.bridge import SimBridge

__all__ = ["Inspector"]


class Inspector(QTabWidget):
    """Tabs: Events, Handler outcomes, Plugins, Timeline."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("inspectorTabs")
        self.setDocumentMode(False)
        self._bridge: SimBridge | None = None
        self.outcomes: OutcomeModel | None = None
        self.plugins: PluginModel | None = None
        self._loading_shown = False
        self.events_tab = EventsTab(self)
        self.addTab(self.events_tab, "Events")
        # The events tab's parts under the names the window and tests have always used.
        self.json = self.events_tab.json
        self.follow = self.events_tab.follow
        self.event_table = self.events_tab.table
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
        self.timeline_empty = EmptyState(
            "timelineEmpty",
            scroll,
            "No interactions yet: each one appears here as a bar of its states over time.",
            timeline_tab,
        )
        timeline_layout.addWidget(self.timeline_empty)
        self.addTab(timeline_tab, "Timeline")
        self.retint()
        self.timeline.eventClicked.connect(self.select_event)

    @property
    def events(self) -> EventTableModel | None:
        """The event table's model."""
        return self.events_tab.model

    def retint(self) -> None:
        """Tab icons and the JSON colours in the colours in use."""
        for index, name in enumerate(("list", "bolt", "plug", "timeline")):
            self.setTabIcon(index, icon(name))
        self.events_tab.recolor()

    # ------------------------------------------------------------------ building

    def _build_outcomes(self) -> None:
        tab = QWidget()
        tab.setObjectName("outcomesTab")
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(8, 8, 8, 8)
        split = QSplitter(Qt.Orientation.Horizontal, tab)
        split.setObjectName("outcomeSplitter")
        split.setChildrenCollapsible(False)
        self.outcome_table = table("outcomeTable", split)
        self.outcome_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.outcomes_empty = EmptyState("outcomesEmpty", self.outcome_table, "", split)
        self.outcome_detail = JsonView(
            "outcomeDetail", "Select an outcome to see its result or traceback", split
        )
        self.outcome_detail.whole = "the journal has it whole"
        split.addWidget(self.outcomes_empty)
        split.addWidget(self.outcome_detail)
        # The table first (its six columns), the detail beside it in a third.
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 1)
        split.setSizes([660, 330])
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
        self.load_plugin.setToolTip("Load a handler plugin file (.py)")
        self.reload_plugins = button("reloadPluginsButton", "Reload all", "refresh")
        self.reload_plugins.setToolTip("Re-read every loaded plugin from disk")
        row.addWidget(self.plugin_status, 1)
        row.addWidget(self.load_plugin)
        row.addWidget(self.reload_plugins)
        layout.addLayout(row)
        self.plugin_table = table("pluginTable", tab)
        self.plugins_empty = EmptyState("pluginsEmpty", self.plugin_table, "", tab)
        layout.addWidget(self.plugins_empty, 1)
        self.addTab(tab, "Plugins")
        self.load_plugin.clicked.connect(self._choose_plugin)

    # ------------------------------------------------------------------ attaching

    def attach(self, bridge: SimBridge) -> None:
        """Inspect ``bridge``'s events and handler outcomes."""
        self._bridge = bridge
        self.events_tab.attach(bridge)
        self.outcomes = OutcomeModel(bridge.outcomes, self)
        self.outcome_table.setModel(self.outcomes)
        outcome_header = self.outcome_table.horizontalHeader()
        for column, width in enumerate((150, 230, 104, 80, 66)):
            outcome_header.resizeSection(column, width)
        # Status beside the handler, where it is seen: fifth, it was out of view in the docked
        # inspector (a handler that raised, timed out or crashed looked like the ones that
        # passed). The view's order only: the model's columns stay as documented.
        outcome_header.moveSection(outcome_header.visualIndex(OutcomeModel.STATUS), 1)
        # Handler, Event and Interaction give up room before Duration and Result leave view.
        ColumnFit(self.outcome_table, {0: 150, 1: 230, 2: 104})
        self.outcome_table.selectionModel().selectionChanged.connect(self._outcome_selected)
        host = bridge.host
        self.plugins = PluginModel(lambda: list(host.plugins) if host is not None else [], self)
        self.plugin_table.setModel(self.plugins)
        plugin_header = self.plugin_table.horizontalHeader()
        for column, width in enumerate((160, 70, 70, 320)):
            plugin_header.resizeSection(column, width)
        fit_headers(self.plugin_table)
        bridge.pluginsChanged.connect(self.refresh_plugins)
        bridge.pluginsLoading.connect(lambda _what: self.refresh_plugins())
        bridge.tick.connect(self._loading_tick)
        bridge.outcomeArrived.connect(self._outcome_arrived)
        self.reload_plugins.clicked.connect(bridge.reload_plugins)
        self.timeline.attach(bridge)
        self.refresh_plugins()
        self._outcomes_state()
        self.refresh()

    def refresh(self) -> None:
        """Take in new events (and interactions for the filter)."""
        if self._bridge is None:
            return
        self.events_tab.refresh()
        self.timeline.refresh()
        has_bars = bool(self._bridge.sim.interactions or self._bridge.sim.finished)
        self.timeline_empty.show_content(has_bars)

    def refresh_plugins(self) -> None:
        """Re-read the plugin list."""
        host = self._bridge.host if self._bridge is not None else None
        if self.plugins is not None:
            self.plugins.sync()
        has_host = host is not None
        plugins = list(host.plugins) if host is not None else []
        loading = loading_text(self._bridge) if self._bridge is not None else None
        self._loading_shown = loading is not None
        # One load at a time: a second would wait behind one that may never end.
        self.load_plugin.setEnabled(has_host and loading is None)
        # Reloading nothing would only look like it did something.
        self.reload_plugins.setEnabled(bool(plugins) and loading is None)
        if loading is not None:
            text, tip, _stuck = loading
            self.plugin_status.setText(f"{text}. {tip}")
            self.plugins_empty.show_content(bool(plugins))
            self.plugins_empty.set_text(text)
            return
        self.plugins_empty.show_content(bool(plugins))
        if not has_host:
            text = (
                "Handlers are not loaded. Start the window with --handler PATH (a .py file or a "
                "directory) to run an integration's handlers."
            )
            self.plugin_status.setText(text)
            self.plugins_empty.set_text("No handler host in this session.")
            return
        self.plugins_empty.set_text("No plugins loaded yet: “Load plugin…” adds a .py file.")
        failed = [plugin for plugin in plugins if not getattr(plugin, "loaded", False)]
        handlers = sum(int(getattr(plugin, "handler_count", 0) or 0) for plugin in plugins)
        text = f"{len(plugins)} plugin(s), {handlers} handler(s)"
        if failed:
            text += f", {len(failed)} failed to load"
        self.plugin_status.setText(text)

    # ------------------------------------------------------------------ events

    def current_filter(self) -> Any:
        """The filter the event controls describe."""
        return self.events_tab.current_filter()

    def clear_filters(self) -> None:
        """Show every event."""
        self.events_tab.clear_filters()

    def selected_events(self) -> list[Any]:
        """The events selected in the table, in order."""
        return self.events_tab.selected_events()

    def copy_json(self) -> None:
        """Put the selected events' exact payloads on the clipboard as JSON."""
        self.events_tab.copy_json()

    def select_event(self, seq: int) -> None:
        """Select the event with sequence number ``seq`` (clearing filters that hide it)."""
        self.setCurrentIndex(0)
        self.events_tab.select_event(seq)

    # ------------------------------------------------------------------ outcomes, plugins

    def _loading_tick(self) -> None:
        """Count a load's seconds while it lasts, and show its end."""
        if self._loading_shown or (self._bridge is not None and self._bridge.loading):
            self.refresh_plugins()

    def _outcome_arrived(self, _outcome: Any) -> None:
        if self.outcomes is not None:
            self.outcomes.sync()
        if self.plugins is not None and self.plugins.rowCount() == 0:
            self.refresh_plugins()
        self._outcomes_state()

    def _outcomes_state(self) -> None:
        has_host = self._bridge is not None and self._bridge.host is not None
        self.outcomes_empty.set_text(
            "No handler outcomes yet: each event a handler receives shows its result here."
            if has_host
            else "No handlers in this session: start the window with --handler PATH."
        )
        self.outcomes_empty.show_content(self.outcomes is not None and self.outcomes.rowCount() > 0)

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
