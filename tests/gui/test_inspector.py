"""The event inspector: filters, the exact JSON, copy as JSON, handler outcomes with tracebacks,
plugins and reload, the timeline."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

pytestmark = pytest.mark.gui


def _call_with_hold(desk):
    bridge = desk.bridge
    bridge.act("login")
    bridge.act("set_agent_state", "ready")
    bridge.act("offer_call", None, None)
    bridge.act("accept_interaction")
    bridge.act("set_call_hold", True)
    bridge.act("set_call_hold", False)
    return desk.active()


def test_every_event_is_listed_with_its_exact_payload(desk):
    call = _call_with_hold(desk)
    table = desk.widget("eventTable")
    model = table.model()
    events = desk.bridge.events.events
    assert model.rowCount() == len(events) == desk.sim.bus.count
    assert desk.widget("eventCount").text() == f"{len(events)} events"
    row = next(r for r in range(model.rowCount()) if model.event_at(r).name == "ON_NEW_INTERACTION")
    desk.click_item("eventTable", model.index(row, 1))
    shown = json.loads(desk.widget("eventJson").toPlainText())
    event = model.event_at(row)
    assert shown["event"] == "ON_NEW_INTERACTION"
    assert shown["args"] == json.loads(json.dumps(list(event.wire_args)))
    assert shown["interactionId"] == call.id
    desk.click("copyJsonButton")
    assert json.loads(QGuiApplication.clipboard().text()) == shown


def test_filters_by_name_interaction_and_text(desk):
    call = _call_with_hold(desk)
    desk.bridge.act("offer_chat", None, None)
    model = desk.widget("eventTable").model()
    total = model.rowCount()
    desk.choose("eventFilterName", "ON_INTERACTION_STATE_CHANGE")
    names = {model.event_at(r).name.value for r in range(model.rowCount())}
    assert names == {"ON_INTERACTION_STATE_CHANGE"}
    combo = desk.widget("eventFilterInteraction")
    label = combo.itemText(combo.findData(call.id))
    desk.choose("eventFilterInteraction", label)
    assert model.rowCount() == 3  # delivered, hold, delivered
    assert desk.widget("eventCount").text() == f"3 of {total} events"
    desk.type("eventFilterText", "hold")
    assert model.rowCount() == 1
    desk.click("clearFilterButton")
    assert model.rowCount() == total
    desk.type("eventFilterText", "ON_AGENT_STATE")
    assert {model.event_at(r).name.value for r in range(model.rowCount())} == {
        "ON_AGENT_STATE_CHANGE"
    }


def test_a_new_event_appears_while_filtered_only_when_it_matches(desk):
    _call_with_hold(desk)
    desk.choose("eventFilterName", "ON_AGENT_STATE_CHANGE")
    model = desk.widget("eventTable").model()
    before = model.rowCount()
    desk.bridge.act("set_call_mute", True)
    assert model.rowCount() == before
    desk.bridge.act("leave_interaction")
    assert model.rowCount() == before + 1  # after_call_work


def test_handler_outcomes_show_errors_with_their_traceback(desk, host, tmp_path):
    failing = tmp_path / "failing.py"
    failing.write_text(
        "def boom(interaction):\n"
        "    raise ValueError('CRM said <i>no</i>')\n\n"
        "def register(ad_api):\n"
        "    ad_api.on('ON_NEW_INTERACTION', boom)\n"
    )
    desk.bridge.load_plugin(str(failing))
    plugins = desk.widget("pluginTable").model()
    desk.wait(lambda: plugins.rowCount() == 2)
    desk.bridge.act("login")
    desk.bridge.act("set_agent_state", "ready")
    desk.bridge.act("offer_call", None, None)
    desk.wait(lambda: any(o.status == "error" for o in desk.bridge.outcomes))
    table = desk.widget("outcomeTable")
    model = table.model()
    row = next(r for r in range(model.rowCount()) if model.outcome_at(r).status == "error")
    desk.window.inspector.setCurrentIndex(1)
    desk.click_item("outcomeTable", model.index(row, 0))
    detail = desk.widget("outcomeDetail").toPlainText()
    assert "ValueError: CRM said <i>no</i>" in detail
    assert "Traceback (most recent call last)" in detail
    assert model.data(model.index(row, 4)) == "error"
    assert "<i>no</i>" in model.data(model.index(row, 5))
    assert "failed" in desk.widget("handlerStatus").text()


def test_a_failed_outcome_says_so_in_view_beside_its_handler(desk, tmp_path):
    """The status was the fifth column, out of view in the docked inspector: a handler that
    raised looked like one that passed until you scrolled sideways. It is shown second now
    (the view's order; the model's columns are unchanged: status is still column 4)."""
    failing = tmp_path / "failing.py"
    failing.write_text(
        "def boom(interaction):\n"
        "    raise ValueError('no CRM')\n\n"
        "def register(ad_api):\n"
        "    ad_api.on('ON_NEW_INTERACTION', boom)\n"
    )
    desk.bridge.load_plugin(str(failing))
    desk.wait(lambda: desk.bridge.loading is None and len(desk.bridge.host.plugins) == 2)
    desk.window.inspector.setCurrentIndex(1)
    desk.bridge.act("login")
    desk.bridge.act("set_agent_state", "ready")
    desk.bridge.act("offer_call", None, None)
    table = desk.widget("outcomeTable")
    model = table.model()
    desk.wait(lambda: any(model.outcome_at(r).status == "error" for r in range(model.rowCount())))
    row = next(r for r in range(model.rowCount()) if model.outcome_at(r).status == "error")
    status = model.index(row, 4)
    assert model.data(status) == "error"
    assert model.headerData(4, Qt.Orientation.Horizontal) == "Status"
    header = table.horizontalHeader()
    assert header.visualIndex(4) == 1
    desk.wait(lambda: table.viewport().width() > 0)
    cell = table.visualRect(status)
    assert cell.left() >= 0 and cell.right() <= table.viewport().width(), (cell, table.viewport())


def test_plugins_reload_from_disk(desk, host, recorder_plugin):
    desk.window.inspector.setCurrentIndex(2)
    model = desk.widget("pluginTable").model()
    assert model.data(model.index(0, 1)) == "loaded"
    recorder_plugin.write_text("def register(ad_api):\n    raise RuntimeError('broken now')\n")
    desk.click("reloadPluginsButton")  # off the GUI thread: the window waits for nothing
    desk.wait(lambda: model.data(model.index(0, 1)) == "failed")
    assert "broken now" in model.data(model.index(0, 4))
    assert "failed to load" in desk.widget("pluginStatus").text()


def test_without_handlers_the_plugin_panel_says_how_to_load_them(bare_desk):
    assert "--handler" in bare_desk.widget("pluginStatus").text()
    assert not bare_desk.widget("reloadPluginsButton").isEnabled()


def test_timeline_draws_each_interaction_and_a_click_on_a_mark_selects_its_event(desk):
    _call_with_hold(desk)
    desk.bridge.act("offer_chat", None, None)
    desk.window.inspector.setCurrentIndex(3)
    timeline = desk.widget("timeline")
    desk.wait(lambda: len(timeline.marks()) > 0)
    assert timeline.grab().width() > 0
    chat_id = desk.sim.interactions[-1].id
    marks = timeline.marks()
    ids = {e.seq: e.interaction_id for e in desk.bridge.events.events}
    assert {ids[seq] for seq, _ in marks} == {i.id for i in desk.sim.interactions}
    seq, point = next((s, p) for s, p in marks if ids[s] == chat_id)
    desk.click_at("timeline", point.toPoint())
    assert desk.window.inspector.currentIndex() == 0
    selected = desk.window.inspector.selected_events()
    assert [event.seq for event in selected] == [seq]


def test_copy_several_events_as_a_json_list(desk):
    _call_with_hold(desk)
    table = desk.widget("eventTable")
    model = table.model()
    desk.click_item("eventTable", model.index(0, 0))
    index = model.index(2, 0)
    rect = table.visualRect(index)
    desk.qtbot.mouseClick(
        table.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ShiftModifier,
        rect.center(),
    )
    desk.click("copyJsonButton")
    copied = json.loads(QGuiApplication.clipboard().text())
    assert [item["seq"] for item in copied] == [1, 2, 3]
