"""The transfer field's number is used up by a transfer that went through: the next call's
transfer starts empty. One refused, or not done, keeps the number to correct or try again."""

from __future__ import annotations

from typing import Any

import pytest

from tests.gui.test_merge_calls import gate, slow_desk, slow_host  # noqa: F401 (fixtures)

pytestmark = pytest.mark.gui

NUMBER = "+1 415 555 0177"


def _answer(desk: Any) -> Any:
    """A customer's call offered and accepted; the call."""
    desk.click("offerCallButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    call = desk.active()
    desk.click("acceptButton")
    desk.wait(lambda: desk.state() == "delivered")
    return call


def _ready(desk: Any) -> None:
    desk.click("agentLoginButton")
    desk.wait(lambda: desk.sim.agent.logged_in)
    desk.choose("agentStateCombo", "Ready")


def test_the_next_call_after_a_blind_transfer_starts_with_an_empty_transfer_field(bare_desk):
    """The field kept the last number: the next caller's transfer started pre-filled with the
    previous party, one click from sending them there."""
    desk = bare_desk
    _ready(desk)
    first = _answer(desk)
    desk.type("transferNumber", NUMBER)
    desk.click("blindTransferButton")
    desk.wait(lambda: first.state.value != "delivered")
    field = desk.widget("transferNumber")
    assert field.text() == ""
    if desk.active() is not None:  # the first call's wrap-up
        desk.click("completeButton")
    desk.wait(lambda: desk.active() is None)
    desk.choose("agentStateCombo", "Ready")
    _answer(desk)
    assert field.text() == ""
    assert not desk.widget("blindTransferButton").isEnabled()


def test_a_refused_transfer_keeps_the_number_to_correct(bare_desk):
    desk = bare_desk
    _ready(desk)
    _answer(desk)
    desk.type("transferNumber", "12ab")
    desk.click("blindTransferButton")
    desk.wait(lambda: desk.widget("refusalNote").isVisible())
    assert desk.widget("transferNumber").text() == "12ab"


def test_a_consult_uses_the_number_up(bare_desk):
    desk = bare_desk
    _ready(desk)
    customer = _answer(desk)
    desk.type("transferNumber", NUMBER)
    desk.click("consultButton")
    desk.wait(lambda: desk.active() is not None and desk.active().id != customer.id)
    assert desk.widget("transferNumber").text() == ""


def test_a_transfer_waiting_for_the_handlers_empties_the_field_once_done(
    slow_desk: Any,  # noqa: F811
    gate: Any,  # noqa: F811
) -> None:
    desk = slow_desk
    _ready(desk)
    call = _answer(desk)
    desk.type("transferNumber", NUMBER)
    desk.click("blindTransferButton")
    field = desk.widget("transferNumber")
    assert desk.bridge.waiting
    assert field.text() == NUMBER  # nothing happened yet
    gate.set()
    desk.wait(lambda: desk.widget("statusMessage").text() == "✓ Transferred")
    assert call.state.value != "delivered"
    assert field.text() == ""


def test_a_transfer_not_done_keeps_the_number_to_try_again(
    slow_desk: Any,  # noqa: F811
    gate: Any,  # noqa: F811
) -> None:
    """The customer hung up while the handlers answered: nothing was transferred."""
    desk = slow_desk
    _ready(desk)
    _answer(desk)
    desk.type("transferNumber", NUMBER)
    desk.click("blindTransferButton")
    assert desk.bridge.waiting
    desk.click("customerHangUpButton")
    gate.set()
    status = desk.widget("statusMessage")
    desk.wait(lambda: not desk.bridge.waiting and "did not happen" in status.text())
    assert desk.widget("transferNumber").text() == NUMBER


def test_a_number_picked_in_the_directory_and_used_by_the_call_leaves_no_chat_prefilled(
    bare_desk,
):
    """A click in the directory puts the extension in the call's and the chat's transfer
    fields; a consult used the call's up, and the next chat opened with the colleague already
    in its transfer field: one click on Transfer chat sent the new customer there."""
    from PySide6.QtCore import Qt

    desk = bare_desk
    _ready(desk)
    customer = _answer(desk)
    tree = desk.widget("directoryTree")
    (omar,) = tree.model().match(
        tree.model().index(0, 0),
        Qt.ItemDataRole.DisplayRole,
        "Omar Haddad",
        1,
        Qt.MatchFlag.MatchRecursive,
    )
    desk.click_item("directoryTree", omar)
    assert desk.widget("transferNumber").text() == "1002"
    assert desk.widget("chatTransferNumber").text() == "1002"
    desk.click("consultButton")
    desk.wait(lambda: desk.active() is not None and desk.active().id != customer.id)
    assert desk.widget("transferNumber").text() == ""
    assert desk.widget("chatTransferNumber").text() == ""
    assert desk.widget("dialNumber").text() == "1002"  # the dial pad's is no transfer's


def test_a_number_typed_for_the_chat_stays_when_the_call_uses_another(bare_desk):
    desk = bare_desk
    _ready(desk)
    customer = _answer(desk)
    desk.widget("chatTransferNumber").setText("2001")
    desk.type("transferNumber", NUMBER)
    desk.click("consultButton")
    desk.wait(lambda: desk.active() is not None and desk.active().id != customer.id)
    assert desk.widget("chatTransferNumber").text() == "2001"
