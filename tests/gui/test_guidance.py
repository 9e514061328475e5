"""The window guides: a control is enabled exactly when its action can succeed (inputs included),
a ringing offer shows Accept/Reject only, a required disposition is marked, and a refused action
explains itself next to its control."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.gui


def _ready(desk: Any) -> None:
    desk.click("agentLoginButton")
    desk.select("agentStateCombo", "ready")


def test_call_is_disabled_until_a_number_is_typed(bare_desk):
    desk = bare_desk
    _ready(desk)
    call = desk.widget("callButton")
    assert not call.isEnabled()
    desk.type("dialNumber", "4155550123")
    assert call.isEnabled()
    desk.check_enabling()
    desk.widget("dialNumber").clear()
    assert not call.isEnabled()
    desk.widget("dialNumber").setText("   ")
    assert not call.isEnabled()


def test_transfer_and_consult_are_disabled_with_an_empty_number(bare_desk):
    desk = bare_desk
    _ready(desk)
    desk.click("offerCallButton")
    desk.click("acceptButton")
    allowed = desk.allowed()
    assert {"blind_transfer", "consult", "conference_invite"} <= allowed
    for name in ("blindTransferButton", "consultButton", "conferenceButton"):
        assert not desk.widget(name).isEnabled(), name
    desk.check_enabling()
    desk.type("transferNumber", "1002")
    for name in ("blindTransferButton", "consultButton", "conferenceButton"):
        assert desk.widget(name).isEnabled(), name
    desk.check_enabling()


def test_a_ringing_offer_shows_accept_and_reject_only(bare_desk):
    desk = bare_desk
    _ready(desk)
    desk.click("offerCallButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    assert desk.widget("acceptButton").isVisible()
    assert desk.widget("rejectButton").isVisible()
    assert not desk.widget("hangUpButton").isVisible()
    for name in ("dispositionCombo", "noteEdit", "addNoteButton", "completeButton"):
        assert not desk.widget(name).isEnabled(), f"{name} is editable while ringing"
    desk.check_enabling()
    desk.click("acceptButton")
    assert desk.widget("hangUpButton").isVisible()
    assert not desk.widget("acceptButton").isVisible()
    assert desk.widget("dispositionCombo").isEnabled()
    desk.check_enabling()


def test_complete_waits_for_a_required_disposition(bare_desk):
    desk = bare_desk
    _ready(desk)
    desk.select("customerService", "Sales")
    desk.click("offerCallButton")
    desk.click("acceptButton")
    assert desk.widget("dispositionRequired").isVisible()
    assert desk.widget("dispositionRequired").text() == "Required"
    desk.click("hangUpButton")
    assert desk.state() == "wrap_up"
    assert "complete" in desk.allowed()
    assert not desk.widget("completeButton").isEnabled()
    desk.check_enabling()
    desk.select("dispositionCombo", "Product sold")
    desk.wait(lambda: desk.widget("completeButton").isEnabled())
    assert desk.active().disposition == "Product sold"
    desk.check_enabling()
    desk.click("completeButton")
    desk.wait(lambda: desk.sim.interactions == [])


def test_a_service_without_a_required_disposition_is_not_marked(bare_desk):
    desk = bare_desk
    _ready(desk)
    desk.select("customerService", "Customer Support")
    desk.click("offerCallButton")
    desk.click("acceptButton")
    assert not desk.widget("dispositionRequired").isVisible()
    desk.click("hangUpButton")
    assert desk.widget("completeButton").isEnabled()


def test_a_refused_action_explains_itself_next_to_its_control(bare_desk):
    desk = bare_desk
    _ready(desk)
    desk.type("dialNumber", "not a number")
    desk.click("callButton")
    note = desk.widget("refusalNote")
    desk.wait(note.isVisible)
    assert note.property("control") == "callButton"
    assert "not a valid phone number" in note.text()
    assert note.text().startswith("Cannot call:")
    call = desk.widget("callButton")
    below = call.mapTo(desk.window, call.rect().bottomLeft())
    assert abs(note.y() - below.y()) < 20  # right under the button
    status = desk.widget("statusMessage")
    assert status.text() == note.text()
    assert status.property("error") is True
    # The next success clears it.
    desk.widget("dialNumber").clear()
    desk.type("dialNumber", "4155550123")
    desk.click("callButton")
    desk.wait(lambda: not note.isVisible())


def test_the_status_bar_uses_human_words(bare_desk):
    desk = bare_desk
    _ready(desk)
    desk.click("offerCallButton")
    desk.click("acceptButton")
    desk.click("recordButton")
    assert desk.widget("statusMessage").text() == "✓ Recording"
    desk.click("holdButton")
    assert desk.widget("statusMessage").text() == "✓ Call on hold"
