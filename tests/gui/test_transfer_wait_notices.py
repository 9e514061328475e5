"""The chat invitation's wait is done when the colleague joined, not when a party left."""

from __future__ import annotations

from types import SimpleNamespace

from simulator.gui.transfer_wait import TransferWaits


def _notice(kind: str, detail: str) -> SimpleNamespace:
    return SimpleNamespace(kind=kind, interaction_id="chat-1", time_ms=0, detail=detail)


def test_a_party_leaving_the_chat_is_not_the_invitation_carried_out():
    waits = TransferWaits()
    pending = SimpleNamespace(pending=True)
    event = SimpleNamespace(
        name="ON_REQUEST_TRANSFER_DATA", response=pending, interaction_id="chat-1"
    )
    wait = waits.begin("invite_to_chat_conference", [event], SimpleNamespace(), "chat-1")
    assert wait is not None
    waits.note(_notice("chat_conference", "Omar left"))
    assert not wait.carried_out(), "someone left: nobody was invited"
    waits.note(_notice("chat_conference", "Omar joined"))
    assert wait.carried_out()


def _asked(interaction_id: str) -> SimpleNamespace:
    return SimpleNamespace(
        name="ON_REQUEST_TRANSFER_DATA",
        response=SimpleNamespace(pending=True),
        interaction_id=interaction_id,
    )


def test_another_interactions_transfer_is_not_this_one_carried_out():
    """Two transfers waiting at once (a chat and a call): the chat's was refused when its
    answer came (the chat changed meanwhile), the call's went through. Notices were counted by
    kind for the whole desktop, so the call's `transferred` read as the chat's: `✓ Transferred`
    for a chat still on the desktop."""
    waits = TransferWaits()
    chat = waits.begin("blind_transfer", [_asked("chat-1")], SimpleNamespace(), None)
    call = waits.begin("blind_transfer", [_asked("call-2")], SimpleNamespace(), None)
    assert chat is not None and call is not None
    waits.note(SimpleNamespace(kind="transferred", interaction_id="call-2", time_ms=0, detail=""))
    assert call.carried_out()
    assert not chat.carried_out(), "the call's transfer was read as the chat's"
