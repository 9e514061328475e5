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
