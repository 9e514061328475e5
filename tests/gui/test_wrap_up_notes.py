"""Wrap-up as a tester does it: a note typed but not added yet belongs to the activity record
when the tester completes (with the button or Ctrl+Return from the note field), or hangs up on
a service without after-call work."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

pytestmark = pytest.mark.gui


def _in_wrap_up(desk: Any) -> Any:
    desk.click("agentLoginButton")
    desk.wait(lambda: desk.sim.agent.logged_in)
    desk.select("agentStateCombo", "ready")
    desk.click("offerCallButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    desk.click("acceptButton")
    desk.click("hangUpButton")
    desk.wait(lambda: desk.state() == "wrap_up")
    return desk.active()


def _saved(desk: Any, host: Any, iid: str) -> dict[str, Any]:
    desk.wait(lambda: host.pending == 0 and len(desk.bridge.outcomes) == len(host.outcomes))
    (record,) = [
        outcome.result
        for outcome in host.outcomes
        if outcome.event_name == "ON_SAVE_ACTIVITY_RECORD" and outcome.interaction_id == iid
    ]
    return record


@pytest.mark.parametrize("how", ["Complete button", "Ctrl+Return in the note field"])
def test_a_note_typed_but_not_added_is_in_the_activity_record(desk, host, how):
    """It was dropped without a word: the record had no description."""
    call = _in_wrap_up(desk)
    desk.type("noteEdit", "Asked about the premium plan.")
    if how == "Complete button":
        desk.click("completeButton")
    else:
        desk.qtbot.keyClick(
            desk.widget("noteEdit"), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )
    desk.wait(lambda: not desk.sim.interactions)
    assert call.notes == ["Asked about the premium plan."]
    assert desk.widget("noteEdit").toPlainText() == ""
    assert _saved(desk, host, call.id)["description"] == "Asked about the premium plan."


def test_an_added_note_is_not_added_twice_at_complete(desk, host):
    call = _in_wrap_up(desk)
    desk.type("noteEdit", "Called back.")
    desk.click("addNoteButton")
    desk.click("completeButton")
    desk.wait(lambda: not desk.sim.interactions)
    assert call.notes == ["Called back."]
    assert _saved(desk, host, call.id)["description"] == "Called back."


@pytest.mark.parametrize("service", ["IT Helpdesk", "Customer Support"])
def test_a_note_typed_during_the_call_is_in_the_record_without_after_call_work(desk, host, service):
    """IT Helpdesk has no after-call work: hanging up saved the record without the note typed
    during the call. With wrap-up the note stays in the field for Complete."""
    desk.click("agentLoginButton")
    desk.wait(lambda: desk.sim.agent.logged_in)
    desk.select("agentStateCombo", "ready")
    desk.select("customerService", service)
    desk.click("offerCallButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    call = desk.active()
    assert call.service.name == service
    desk.click("acceptButton")
    desk.type("noteEdit", "Printer on floor 3.")
    desk.click("hangUpButton")
    if call.service.after_call_work:
        assert desk.state() == "wrap_up"
        assert call.notes == []
        assert desk.widget("noteEdit").toPlainText() == "Printer on floor 3."
        desk.click("completeButton")
    desk.wait(lambda: not desk.sim.interactions)
    assert call.notes == ["Printer on floor 3."]
    assert _saved(desk, host, call.id)["description"] == "Printer on floor 3."


@pytest.fixture
def acw_desk(qtbot: Any, window: Any, recorder_plugin: Any) -> Any:
    """The window on a tenant whose Card Services ends after-call work after 60 s, on a clock
    the test moves (as the wall clock moves: the window's poll fires what is due)."""
    from pathlib import Path

    from simulator.data import load_tenant
    from simulator.engine import Settings, Simulator, VirtualClock
    from simulator.gui.bridge import SimBridge
    from simulator.handlers import HandlerHost
    from tests.gui.driver import Desk

    tenant = load_tenant(Path(__file__).parents[2] / "fixtures" / "tenants" / "northwind-bank.yaml")
    sim = Simulator(
        tenant,
        seed=7,
        clock=VirtualClock(),
        settings=Settings(ring_timeout_seconds=None, outbound_answer_seconds=None),
    )
    host = HandlerHost(sim, timeout=5.0)
    host.load(recorder_plugin)
    window.attach(SimBridge(sim, host, parent=window))
    yield Desk(qtbot, window), host
    host.close(timeout=2)


def test_the_after_call_work_limit_keeps_the_note_typed_but_not_added(acw_desk):
    """The limit completed the interaction without the note in the note field: the record had
    no description and the note was gone, nothing said. The window adds it first, as Complete
    does (the vendor's desktop has no unsaved note: what is in the notes field is the note)."""
    desk, host = acw_desk
    desk.click("agentLoginButton")
    desk.wait(lambda: desk.sim.agent.logged_in)
    desk.select("agentStateCombo", "ready")
    desk.select("customerService", "Card Services")
    desk.click("offerCallButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    desk.click("acceptButton")
    desk.click("hangUpButton")
    desk.wait(lambda: desk.state() == "wrap_up")
    call = desk.active()
    desk.type("noteEdit", "Card blocked, new one posted.")
    clock = desk.sim.clock
    clock.set_ms(clock.now_ms() + 60_000)  # the wall clock's minute, fired at the next poll
    desk.bridge.poll()
    assert not desk.sim.interactions
    assert call.notes == ["Card blocked, new one posted."]
    assert _saved(desk, host, call.id)["description"] == "Card blocked, new one posted."
    assert desk.widget("noteEdit").toPlainText() == ""
    assert "typed note" in desk.widget("statusMessage").text()


def test_the_limit_before_its_time_adds_nothing(acw_desk):
    desk, _host = acw_desk
    desk.click("agentLoginButton")
    desk.wait(lambda: desk.sim.agent.logged_in)
    desk.select("agentStateCombo", "ready")
    desk.select("customerService", "Card Services")
    desk.click("offerCallButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    desk.click("acceptButton")
    desk.click("hangUpButton")
    desk.wait(lambda: desk.state() == "wrap_up")
    call = desk.active()
    desk.type("noteEdit", "Still typing")
    clock = desk.sim.clock
    clock.set_ms(clock.now_ms() + 59_000)
    desk.bridge.poll()
    assert desk.state() == "wrap_up"
    assert call.notes == []
    assert desk.widget("noteEdit").toPlainText() == "Still typing"


def test_the_limit_keeps_the_note_of_an_interaction_not_in_front(acw_desk):
    """The note typed for the call in wrap-up stays with it while the tester dials another
    number; the limit then ends that call's wrap-up with the note, and the other's field
    keeps what was typed there."""
    desk, host = acw_desk
    desk.click("agentLoginButton")
    desk.wait(lambda: desk.sim.agent.logged_in)
    desk.select("agentStateCombo", "ready")
    desk.select("customerService", "Card Services")
    desk.click("offerCallButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    desk.click("acceptButton")
    desk.click("hangUpButton")
    desk.wait(lambda: desk.state() == "wrap_up")
    first = desk.active()
    desk.type("noteEdit", "Card blocked.")
    desk.type("dialNumber", "5102", enter=True)  # a colleague: the new call comes in front
    desk.wait(lambda: desk.active() is not first)
    second = desk.active()
    assert desk.widget("noteEdit").toPlainText() == ""
    desk.type("noteEdit", "Asked Ada")
    clock = desk.sim.clock
    clock.set_ms(clock.now_ms() + 60_000)
    desk.bridge.poll()
    desk.wait(lambda: first.id not in {inter.id for inter in desk.sim.interactions})
    assert first.notes == ["Card blocked."]
    assert _saved(desk, host, first.id)["description"] == "Card blocked."
    assert second.notes == []
    assert desk.widget("noteEdit").toPlainText() == "Asked Ada"
