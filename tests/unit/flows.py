"""Driving a simulator into a given interaction state, for table-driven tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulator.contract import InteractionState, InteractionType
from simulator.engine import Action, Simulator

S = InteractionState
V = InteractionType

REACHABLE: list[tuple[InteractionType, InteractionState]] = [
    (V.voice, S.delivery_pending),
    (V.voice, S.unknown),
    (V.voice, S.ivr),
    (V.voice, S.delivered),
    (V.voice, S.hold),
    (V.voice, S.wrap_up),
    (V.chat, S.delivery_pending),
    (V.chat, S.delivered),
    (V.chat, S.wrap_up),
    (V.email, S.delivery_pending),
    (V.email, S.delivered),
    (V.email, S.wrap_up),
]
"""Every (media, state) an agent's interaction can be in (``wrap_up_hold`` and ``queued`` are
never produced by the simulated desktop; ``completed`` items are gone)."""

IVR_NUMBER = "18005550199"


def drive_to(sim: Simulator, media: InteractionType, state: InteractionState) -> str:
    """Log in, make one interaction of ``media`` and bring it to ``state``; returns its id."""
    assert sim.login().ok
    assert sim.set_agent_state("ready").ok
    if media is V.voice and state in (S.unknown, S.ivr):
        number = IVR_NUMBER if state is S.ivr else "+1 415 555 0134"
        iid = sim.start_call(number).data["id"]
        if state is S.ivr:
            assert sim.customer_answer(iid).ok
        return iid
    offer = {
        V.voice: lambda: sim.offer_call("Customer Support"),
        V.chat: lambda: sim.offer_chat("Web Chat", None, "Hi there"),
        V.email: lambda: sim.offer_email("Email Support"),
    }[media]
    iid = offer().data["id"]
    if state is S.delivery_pending:
        return iid
    assert sim.accept_interaction(iid).ok
    if state is S.hold:
        assert sim.set_call_hold(True, iid).ok
    if state is S.wrap_up:
        assert sim.leave_interaction(iid).ok
    assert sim.interaction(iid).state is state
    return iid


def perform(sim: Simulator, action: Action, iid: str) -> Any:
    """Ask for ``action`` on ``iid`` the way the agent, the customer or the API would."""
    calls: dict[Action, Callable[[], Any]] = {
        Action.accept: lambda: sim.accept_interaction(iid),
        Action.reject: lambda: sim.reject_interaction(iid),
        Action.hold: lambda: sim.set_call_hold(True, iid),
        Action.resume: lambda: sim.set_call_hold(False, iid),
        Action.mute: lambda: sim.set_call_mute(True, iid),
        Action.unmute: lambda: sim.set_call_mute(False, iid),
        Action.record_start: lambda: sim.set_call_recording(True, iid),
        Action.record_stop: lambda: sim.set_call_recording(False, iid),
        Action.dtmf: lambda: sim.send_dtmf("1", iid),
        Action.blind_transfer: lambda: sim.blind_transfer("2001", None, iid),
        Action.consult: lambda: sim.consult_call("2001"),
        Action.complete_transfer: sim.transfer,
        Action.conference_invite: lambda: sim.invite_to_call_conference("2001", None, iid),
        Action.conference_remove: lambda: sim.remove_from_call_conference("nobody", iid),
        Action.conference_destroy: lambda: sim.destroy_call_conference(iid),
        Action.conference_merge: sim.merge_all_calls_into_conference,
        Action.leave: lambda: sim.leave_interaction(iid),
        Action.cancel_dial: lambda: sim.cancel_dial(iid),
        Action.disposition: lambda: sim.set_disposition(_a_disposition(sim, iid), iid),
        Action.note: lambda: sim.add_note("a note", iid),
        Action.complete: lambda: sim.complete_interaction(iid),
        Action.send_chat: lambda: sim.send_chat_message("hello", iid),
        Action.chat_invite: lambda: sim.invite_to_chat_conference("2001", iid),
        Action.chat_remove: lambda: sim.remove_from_chat_conference("nobody", iid),
        Action.send_email_reply: lambda: sim.send_email_reply("Dear customer", iid),
        Action.switch_active: lambda: sim.switch_active_interaction(iid),
        Action.set_data: lambda: sim.set_variable("crm", "42", iid),
        Action.remote_answer: lambda: sim.customer_answer(iid),
        Action.customer_hang_up: lambda: sim.customer_hang_up(iid),
        Action.customer_message: lambda: sim.customer_message("are you there?", iid),
    }
    return calls[action]()


def _a_disposition(sim: Simulator, iid: str) -> str:
    inter = sim.interaction(iid)
    if inter is None or inter.service is None or not inter.service.dispositions:
        return "Problem solved"
    return inter.service.dispositions[0].name


def snapshot(sim: Simulator) -> tuple:
    """Everything an illegal action must leave alone."""
    return (
        [inter.wire() for inter in sim.interactions],
        [inter.transcript[:] for inter in sim.interactions],
        [inter.dtmf_sent for inter in sim.interactions],
        sim.agent,
        sim.active_interaction_id,
        sim.bus.count,
        [offer.id for offer in sim.queued],
        len(sim.finished),
    )
