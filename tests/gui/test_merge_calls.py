"""Merge calls in the window: enabled exactly when the engine would merge, and a click merges
the held customer and the consult call into one conference (asking the handlers for data, as
the desktop's own button does)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.gui


def test_merge_calls_joins_the_held_customer_and_the_consult_call(desk: Any, host: Any) -> None:
    desk.click("agentLoginButton")
    desk.wait(lambda: desk.sim.agent.logged_in)
    desk.choose("agentStateCombo", "Ready")
    desk.type("customerName", "Ada Lovelace")
    desk.click("offerCallButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    customer = desk.active()
    desk.click("acceptButton")
    assert not desk.widget("mergeCallsButton").isEnabled()  # one call: nothing to merge
    desk.type("transferNumber", "+1 415 555 0177")
    desk.click("consultButton")
    desk.wait(lambda: desk.active() is not None and desk.active().id != customer.id)
    consult = desk.active()
    assert not desk.widget("mergeCallsButton").isEnabled()  # still ringing at the other end
    desk.check_enabling()
    desk.click("customerAnswerButton")
    desk.wait(lambda: desk.widget("mergeCallsButton").isEnabled())
    desk.check_enabling()

    desk.click("mergeCallsButton")
    # The merge waits for the handler's ON_REQUEST_TRANSFER_DATA answer (handler thread),
    # which the window's poll timer applies.
    desk.wait(lambda: desk.sim.interactions == [customer])
    assert customer.state.value == "delivered"
    assert customer.transfer_data == {"caseId": "CASE-42"}
    assert desk.active() is customer
    desk.wait(lambda: desk.widget("partyList").count() == 2)
    assert "14155550177" in desk.widget("partyList").item(1).text()
    assert desk.widget("interactionList").model().rowCount() == 1
    assert not desk.widget("mergeCallsButton").isEnabled()
    desk.check_enabling()
    assert [inter.id for inter in desk.sim.finished] == [consult.id]


# ---------------------------------------------------------------- a handler that answers slowly


@pytest.fixture
def gate() -> Any:
    """What the slow handler waits on before it answers ``ON_REQUEST_TRANSFER_DATA``."""
    import threading

    return threading.Event()


@pytest.fixture
def slow_host(sim: Any, gate: Any) -> Any:
    """A handler host whose ``ON_REQUEST_TRANSFER_DATA`` answers once the test opens ``gate``."""
    from simulator.handlers import HandlerHost

    def transfer_data(interaction_id: str) -> dict[str, str]:
        gate.wait(60)
        return {"caseId": "CASE-7"}

    def register(ad_api: Any) -> None:
        ad_api.on("ON_REQUEST_TRANSFER_DATA", transfer_data)

    handler_host = HandlerHost(sim, timeout=120.0, journal=None)
    handler_host.add_plugin("slow", register)
    yield handler_host
    gate.set()
    handler_host.close(timeout=30.0)


@pytest.fixture
def slow_desk(qtbot: Any, window: Any, sim: Any, slow_host: Any) -> Any:
    """The window over ``slow_host``."""
    from simulator.gui.bridge import SimBridge
    from tests.gui.driver import Desk

    window.attach(SimBridge(sim, slow_host, parent=window))
    return Desk(qtbot, window)


def _one_call(desk: Any) -> Any:
    """A customer's call accepted, a colleague's number typed for a transfer; the call."""
    desk.click("agentLoginButton")
    desk.wait(lambda: desk.sim.agent.logged_in)
    desk.choose("agentStateCombo", "Ready")
    desk.click("offerCallButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    call = desk.active()
    desk.click("acceptButton")
    desk.type("transferNumber", "+1 415 555 0177")
    return call


def _two_calls(desk: Any) -> Any:
    """The customer on hold and a connected consult call; the customer's call."""
    customer = _one_call(desk)
    desk.click("consultButton")
    desk.wait(lambda: desk.active() is not None and desk.active().id != customer.id)
    desk.click("customerAnswerButton")
    desk.wait(lambda: desk.widget("mergeCallsButton").isEnabled())
    return customer


def test_merge_waiting_for_the_handler_says_so_until_it_answers(slow_desk: Any, gate: Any) -> None:
    desk = slow_desk
    customer = _two_calls(desk)
    desk.click("mergeCallsButton")
    status = desk.widget("statusMessage")
    # Nothing merged yet: the status says what it waits for, and the buttons wait with it.
    assert len(desk.sim.interactions) == 2
    assert "ON_REQUEST_TRANSFER_DATA" in status.text(), status.text()
    assert "✓" not in status.text()
    for name in ("mergeCallsButton", "completeTransferButton", "blindTransferButton"):
        assert not desk.widget(name).isEnabled(), name
    gate.set()
    desk.wait(lambda: desk.sim.interactions == [customer])
    desk.wait(lambda: status.text().startswith("✓"))
    assert "merged" in status.text().lower(), status.text()
    assert customer.transfer_data == {"caseId": "CASE-7"}
    desk.check_enabling()


def test_merge_the_calls_changed_during_is_said_not_done(slow_desk: Any, gate: Any) -> None:
    desk = slow_desk
    customer = _two_calls(desk)
    desk.click("mergeCallsButton")
    assert desk.bridge.waiting
    # The far end of the consult call hangs up while the handler has not answered yet.
    desk.click("customerHangUpButton")
    desk.wait(lambda: len([i for i in desk.sim.interactions if not i.in_wrap_up]) == 1)
    gate.set()
    status = desk.widget("statusMessage")
    desk.wait(lambda: not desk.bridge.waiting)
    desk.wait(lambda: "not merged" in status.text())
    assert status.property("error") is True
    assert customer.transfer_data is None
    desk.check_enabling()


def test_a_blind_transfer_waiting_for_the_handler_is_not_said_done(
    slow_desk: Any, gate: Any
) -> None:
    desk = slow_desk
    call = _one_call(desk)
    desk.click("blindTransferButton")
    status = desk.widget("statusMessage")
    assert status.text().startswith("Transferring: waiting"), status.text()
    assert call.state.value == "delivered"
    desk.check_enabling()
    assert not desk.widget("blindTransferButton").isEnabled()
    gate.set()
    desk.wait(lambda: status.text() == "✓ Transferred")
    assert call.transfer_data == {"caseId": "CASE-7"}
    desk.check_enabling()
