"""How the window words what happened: an action done, an action refused (human words, never
method names). Qt-free."""

from __future__ import annotations

from typing import Any

__all__ = ["done_text", "refused_text"]

_DONE = {
    "login": "Logged in",
    "logout": "Logged out",
    "acw_limit_note": "After-call work limit: the wrap-up ends with your typed note in its record",
    "accept_interaction": "Accepted",
    "reject_interaction": "Rejected",
    "leave_interaction": "Ended",
    "cancel_dial": "Call cancelled",
    "complete_interaction": "Completed",
    "start_call": "Calling…",
    "blind_transfer": "Transferred",
    "consult_call": "Consult call started; the customer is on hold",
    "transfer": "Transfer completed",
    "invite_to_call_conference": "Added to the conference",
    "remove_from_call_conference": "Removed from the conference",
    "destroy_call_conference": "Conference ended",
    "merge_all_calls_into_conference": "Calls merged into one conference",
    "send_dtmf": "Tone sent",
    "send_chat_message": "Message sent",
    "send_email_reply": "Reply sent",
    "set_disposition": "Disposition set",
    "add_note": "Note added",
    "switch_active_interaction": "Switched",
    "customer_message": "The customer wrote",
    "customer_answer": "The far end answered",
    "customer_hang_up": "The customer hung up",
    "offer_call": "A call is coming in",
    "offer_chat": "A chat is coming in",
    "offer_email": "An email is coming in",
}

_OFFERS = {"offer_call": "A call", "offer_chat": "A chat", "offer_email": "An email"}

_VERBS = {
    "login": "log in",
    "logout": "log out",
    "set_agent_state": "change state",
    "accept_interaction": "accept",
    "reject_interaction": "reject",
    "leave_interaction": "end it",
    "cancel_dial": "hang up the call",
    "complete_interaction": "complete",
    "start_call": "call",
    "set_call_hold": "hold or resume",
    "set_call_mute": "mute or unmute",
    "set_call_recording": "record",
    "blind_transfer": "transfer",
    "consult_call": "consult",
    "transfer": "complete the transfer",
    "invite_to_call_conference": "add to the conference",
    "remove_from_call_conference": "remove the party",
    "destroy_call_conference": "end the conference",
    "merge_all_calls_into_conference": "merge the calls",
    "send_dtmf": "send the tone",
    "send_chat_message": "send",
    "send_email_reply": "send the reply",
    "set_disposition": "set the disposition",
    "add_note": "add the note",
    "switch_active_interaction": "switch",
    "customer_message": "write as the customer",
    "customer_answer": "answer as the far end",
    "customer_hang_up": "hang up as the customer",
    "offer_call": "offer a call",
    "offer_chat": "offer a chat",
    "offer_email": "offer an email",
}


def done_text(action: str, sim: Any, data: Any = None, about: Any = None) -> str:
    """``✓`` and what the action did, read from the engine after it (toggles say which way);
    ``data``: the action's result data (an offer's ``{id, queued}``); ``about``: the
    interaction it was about, as it is now."""
    iid = sim.active_interaction_id
    inter = sim.interaction(iid) if iid else None
    if action in ("leave_interaction", "cancel_dial") and about is not None:
        return "✓ " + _ended(about, "Cancelled" if action == "cancel_dial" else "Ended")
    if action == "set_agent_state":
        chosen = sim.agent.chosen
        if chosen is not None:
            return "✓ Your next state is set: it applies when the work ends"
        return "✓ State changed"
    if action in _OFFERS and isinstance(data, dict) and data.get("queued"):
        # Queued, not ringing: "is coming in" had the tester wait for a ring that could not come.
        return f"✓ {_OFFERS[action]} waits in the queue: it rings when an agent is Ready and free"
    if action == "set_call_hold" and inter is not None:
        return "✓ Call on hold" if inter.state.value == "hold" else "✓ Call resumed"
    if action == "set_call_mute" and inter is not None:
        return "✓ Microphone muted" if inter.muted else "✓ Microphone on"
    if action == "set_call_recording" and inter is not None:
        return "✓ Recording" if inter.recording else "✓ Recording stopped"
    return "✓ " + _DONE.get(action, action.replace("_", " ").capitalize())


def _ended(inter: Any, ended: str = "Ended") -> str:
    """What Hang up did, by the service's after-call work setting: the interaction went to
    wrap-up (until Complete, or the service's limit), or it was completed at once."""
    service = inter.service
    # Quoted as the other names are (repr quoted "Bob's line" with double quotes).
    named = f"'{service.name}'" if service is not None else "no service"
    if inter.in_wrap_up:
        limit = service.acw_timeout_seconds if service is not None else None
        then = (
            "complete it when you are done"
            if limit is None
            else f"complete it, or it completes by itself after {limit} s"
        )
        return f"{ended}: in wrap-up ({named} has after-call work): {then}"
    if getattr(inter.state, "value", "") == "completed":
        return (
            f"{ended} and completed ({named} has no after-call work): its activity record is saved"
        )
    return ended


def refused_text(action: str, message: str, code: str) -> str:
    """``Cannot complete: service 'Sales' requires a disposition (no_disposition)``."""
    verb = _VERBS.get(action, action.replace("_", " "))
    return f"Cannot {verb}: {message} ({code})"
