"""The chat invitation's wait is done when the colleague joined, not when a party left."""

from __future__ import annotations

from types import SimpleNamespace

from simulator.gui.transfer_wait import TransferWaits


def _notice(kind: str, detail: str) -> SimpleNamespace:
    return SimpleNamespace(kind=kind, interaction_id="chat-1", time_ms=0, detail=detail)


def test_a_party_leaving_the_chat_is_not_the_invitation_carried_out():
    waits = TransferWaits()
    pending = SimpleNamespace(pending=True)
    event = SimpleNamespace(name="ON_REQUEST_TRANSFER_DATA", response=pending)
    wait = waits.begin("invite_to_chat_conference", [event], SimpleNamespace(), "chat-1")
    assert wait is not None
    waits.note(_notice("chat_conference", "Omar left"))
    assert not wait.carried_out(), "someone left: nobody was invited"
    waits.note(_notice("chat_conference", "Omar joined"))
    assert wait.carried_out()
