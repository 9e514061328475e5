"""The automation contract's controls of the event inspector: events, handler outcomes, plugins and
the timeline.
"""

from __future__ import annotations

from simulator.gui.automation.control import Control

__all__ = ["INSPECTOR_CONTROLS"]

_C = Control

INSPECTOR_CONTROLS: tuple[Control, ...] = (
    _C("inspectorTabs", "QTabWidget", "Inspector", "Events, handler outcomes, plugins, timeline"),
    _C("eventsTab", "QWidget", "Inspector", "Every adApi event"),
    _C(
        "eventFilterName",
        "QComboBox",
        "Inspector",
        "Show one event name (or all); item data: the event name, `*` for all",
    ),
    _C(
        "eventFilterInteraction",
        "QComboBox",
        "Inspector",
        "Show one interaction (or all); item data: the interactionId, `*` for all",
    ),
    _C(
        "eventFilterText",
        "QLineEdit",
        "Inspector",
        "Show events whose name, id or summary contains the text",
    ),
    _C("clearFilterButton", "QPushButton", "Inspector", "Show every event"),
    _C("eventFollow", "QCheckBox", "Inspector", "Keep the newest event in view"),
    _C("eventCount", "QLabel", "Inspector", "Shown and total events"),
    _C("eventTable", "QTableView", "Inspector", "Time, event, interaction, summary"),
    _C(
        "inspectorSplitter",
        "QSplitter",
        "Inspector",
        "The event table beside the details; its position is remembered between runs",
    ),
    _C("eventsEmpty", "QLabel", "Inspector", "Why the event table is empty (no events, filtered)"),
    _C(
        "eventDetailSplitter",
        "QSplitter",
        "Inspector",
        "The JSON above the changes; its position is remembered between runs",
    ),
    _C(
        "eventJson",
        "QPlainTextEdit",
        "Inspector",
        "The selected event's exact payload (wrapped, syntax colours)",
    ),
    _C(
        "eventDiff",
        "QTableWidget",
        "Inspector",
        "For an ON_INTERACTION_STATE_CHANGE: each field that changed since the interaction's "
        "previous payload (Field, Before, After; `(absent)` / `(removed)`)",
    ),
    _C("eventDiffEmpty", "QLabel", "Inspector", "Why there is no diff to show"),
    _C(
        "copyExpectButton",
        "QPushButton",
        "Inspector",
        "Copy the selected event as a scenario `expect` step (YAML)",
    ),
    _C(
        "copyJsonButton",
        "QPushButton",
        "Inspector",
        "Copy the selected events as JSON",
        shortcut="Ctrl+Shift+C",
    ),
    _C("outcomesTab", "QWidget", "Inspector", "Handler outcomes"),
    _C(
        "outcomeTable",
        "QTableView",
        "Inspector",
        "Handler, status, event, interaction, duration, result or error (shown in that "
        "order; the model's columns: handler 0, event 1, interaction 2, duration 3, status 4, "
        "result or error 5)",
    ),
    _C("outcomesEmpty", "QLabel", "Inspector", "Why there are no outcomes yet"),
    _C(
        "outcomeSplitter",
        "QSplitter",
        "Inspector",
        "The outcome table beside the detail (remembered)",
    ),
    _C("outcomeDetail", "QPlainTextEdit", "Inspector", "The selected outcome with its traceback"),
    _C("pluginsTab", "QWidget", "Inspector", "Handler plugins"),
    _C("pluginTable", "QTableView", "Inspector", "Each plugin's load status and error"),
    _C("pluginsEmpty", "QLabel", "Inspector", "Why there are no plugins"),
    _C("pluginStatus", "QLabel", "Inspector", "Whether handlers are available"),
    _C("loadPluginButton", "QPushButton", "Inspector", "Load a plugin file"),
    _C(
        "reloadPluginsButton",
        "QPushButton",
        "Inspector",
        "Re-read every plugin from disk (enabled with at least one plugin)",
    ),
    _C("timelineTab", "QWidget", "Inspector", "The timeline"),
    _C("timelineEmpty", "QLabel", "Inspector", "Shown before the first interaction"),
    _C(
        "timeline",
        "QWidget",
        "Inspector",
        "Each interaction as a bar of its states with its events as marks",
    ),
)
