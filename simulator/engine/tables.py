"""The interaction lifecycle and the agent state as literal tables (the h11 way).

``TRANSITIONS`` says where a state-changing action takes an interaction; ``GUARDS`` says in which
states an action that only changes flags or data is allowed; ``MEDIA`` limits actions to media
types. Anything not in the tables is illegal: the simulator answers ``not_suitable_state`` and
changes nothing. ``allowed_actions()`` is what the window enables its buttons from.
"""

from __future__ import annotations

from enum import StrEnum

from simulator.contract import AgentState, InteractionState, InteractionType

__all__ = [
    "AGENT_SELECTABLE",
    "AGENT_TRANSITIONS",
    "GUARDS",
    "LIVE_STATES",
    "MEDIA",
    "RELEASED",
    "REMOVED",
    "TRANSITIONS",
    "Action",
    "AgentAction",
    "AgentPhase",
    "Target",
    "allowed_actions",
    "is_allowed",
]

S = InteractionState
V = InteractionType


class Action(StrEnum):
    """Everything that can happen to one interaction, by the agent or the other side."""

    # agent
    accept = "accept"
    reject = "reject"
    hold = "hold"
    resume = "resume"
    mute = "mute"
    unmute = "unmute"
    record_start = "record_start"
    record_stop = "record_stop"
    dtmf = "dtmf"
    blind_transfer = "blind_transfer"
    consult = "consult"
    complete_transfer = "complete_transfer"
    conference_invite = "conference_invite"
    conference_remove = "conference_remove"
    conference_destroy = "conference_destroy"
    conference_merge = "conference_merge"
    """``mergeAllCallsIntoConference``: every call of the agent (this one included) merged."""
    leave = "leave"
    cancel_dial = "cancel_dial"
    """The desktop's Hang up on a call the agent placed that nobody answered yet (not adApi's:
    ``leaveInteraction`` refuses a call in ``unknown``)."""
    disposition = "disposition"
    note = "note"
    complete = "complete"
    send_chat = "send_chat"
    chat_invite = "chat_invite"
    chat_remove = "chat_remove"
    send_email_reply = "send_email_reply"
    switch_active = "switch_active"
    set_data = "set_data"
    # the other side and the system
    remote_answer = "remote_answer"
    remote_answer_ivr = "remote_answer_ivr"
    remote_join = "remote_join"
    customer_hang_up = "customer_hang_up"
    customer_message = "customer_message"
    ring_timeout = "ring_timeout"
    acw_timeout = "acw_timeout"


class Target(StrEnum):
    """Pseudo-states a transition can lead to."""

    released = "released"
    """Wrap-up when the service has after-call work, else completed and removed."""
    removed = "removed"
    """Completed and removed without wrap-up (never connected: missed, rejected, abandoned)."""


RELEASED = Target.released
REMOVED = Target.removed

TRANSITIONS: dict[tuple[InteractionState, Action], InteractionState | Target] = {
    # offered, ringing at the agent
    (S.delivery_pending, Action.accept): S.delivered,
    (S.delivery_pending, Action.reject): REMOVED,
    (S.delivery_pending, Action.leave): REMOVED,
    (S.delivery_pending, Action.ring_timeout): REMOVED,
    (S.delivery_pending, Action.customer_hang_up): REMOVED,
    # agent-initiated, dialling
    (S.unknown, Action.remote_answer): S.delivered,
    (S.unknown, Action.remote_answer_ivr): S.ivr,
    (S.unknown, Action.remote_join): S.delivered,
    (S.unknown, Action.ring_timeout): RELEASED,
    (S.unknown, Action.customer_hang_up): RELEASED,
    (S.unknown, Action.cancel_dial): RELEASED,
    # connected
    (S.delivered, Action.hold): S.hold,
    (S.delivered, Action.leave): RELEASED,
    (S.delivered, Action.customer_hang_up): RELEASED,
    (S.delivered, Action.blind_transfer): RELEASED,
    (S.delivered, Action.complete_transfer): RELEASED,
    (S.delivered, Action.send_email_reply): RELEASED,
    (S.hold, Action.resume): S.delivered,
    (S.hold, Action.leave): RELEASED,
    (S.hold, Action.customer_hang_up): RELEASED,
    (S.hold, Action.blind_transfer): RELEASED,
    (S.hold, Action.complete_transfer): RELEASED,
    # in a self-service IVR the agent dialled
    (S.ivr, Action.leave): RELEASED,
    (S.ivr, Action.customer_hang_up): RELEASED,
    # after-call work
    (S.wrap_up, Action.complete): S.completed,
    (S.wrap_up, Action.acw_timeout): S.completed,
    (S.wrap_up_hold, Action.complete): S.completed,
    (S.wrap_up_hold, Action.acw_timeout): S.completed,
}

LIVE_STATES = frozenset(
    {S.unknown, S.ivr, S.delivery_pending, S.delivered, S.hold, S.wrap_up, S.wrap_up_hold}
)
"""States of an interaction the agent still has."""

_CONNECTED = frozenset({S.delivered, S.hold})

GUARDS: dict[Action, frozenset[InteractionState]] = {
    Action.mute: _CONNECTED,
    Action.unmute: _CONNECTED,
    Action.record_start: _CONNECTED,
    Action.record_stop: _CONNECTED,
    Action.dtmf: frozenset({S.delivered}),
    Action.consult: _CONNECTED,
    Action.conference_invite: frozenset({S.delivered}),
    Action.conference_remove: _CONNECTED,
    Action.conference_destroy: _CONNECTED,
    Action.conference_merge: _CONNECTED,
    Action.disposition: LIVE_STATES,
    Action.note: LIVE_STATES,
    Action.switch_active: LIVE_STATES,
    Action.set_data: LIVE_STATES,
    Action.send_chat: frozenset({S.delivered}),
    Action.chat_invite: frozenset({S.delivered}),
    Action.chat_remove: frozenset({S.delivered}),
    Action.customer_message: frozenset({S.delivery_pending, S.delivered}),
}

_VOICE = frozenset({V.voice})
MEDIA: dict[Action, frozenset[InteractionType]] = {
    Action.hold: _VOICE,
    Action.resume: _VOICE,
    Action.mute: _VOICE,
    Action.unmute: _VOICE,
    Action.record_start: _VOICE,
    Action.record_stop: _VOICE,
    Action.dtmf: _VOICE,
    Action.cancel_dial: _VOICE,
    # A chat is transferred by adding the colleague (or a chat service) and leaving it.
    Action.blind_transfer: frozenset({V.voice, V.chat}),
    Action.consult: _VOICE,
    Action.complete_transfer: _VOICE,
    Action.conference_invite: _VOICE,
    Action.conference_remove: _VOICE,
    Action.conference_destroy: _VOICE,
    Action.conference_merge: _VOICE,
    Action.remote_answer: _VOICE,
    Action.remote_answer_ivr: _VOICE,
    Action.send_chat: frozenset({V.chat}),
    Action.chat_invite: frozenset({V.chat}),
    Action.chat_remove: frozenset({V.chat}),
    Action.remote_join: frozenset({V.chat}),
    Action.customer_message: frozenset({V.chat}),
    Action.send_email_reply: frozenset({V.email}),
    Action.customer_hang_up: frozenset({V.voice, V.chat}),
}


def _by_the_tables(state: InteractionState, media: InteractionType, action: Action) -> bool:
    allowed_media = MEDIA.get(action)
    if allowed_media is not None and media not in allowed_media:
        return False
    if (state, action) in TRANSITIONS:
        return True
    return state in GUARDS.get(action, frozenset())


_ALLOWED: dict[tuple[InteractionState, InteractionType], frozenset[Action]] = {
    (state, media): frozenset(action for action in Action if _by_the_tables(state, media, action))
    for state in InteractionState
    for media in InteractionType
}
"""The tables resolved once for every (state, media): every action is checked against them."""


def is_allowed(state: InteractionState, media: InteractionType, action: Action) -> bool:
    """Whether ``action`` may happen to an interaction of ``media`` in ``state``."""
    allowed = _ALLOWED.get((state, media))
    if allowed is None:
        return _by_the_tables(state, media, action)
    return action in allowed


def allowed_actions(state: InteractionState, media: InteractionType) -> frozenset[Action]:
    """Every action allowed now (flags such as muted are checked by the simulator itself)."""
    allowed = _ALLOWED.get((state, media))
    if allowed is None:
        return frozenset(action for action in Action if _by_the_tables(state, media, action))
    return allowed


class AgentPhase(StrEnum):
    """Where the agent's session is; ``logged_out`` is not an adApi state."""

    logged_out = "logged_out"
    ready = "ready"
    not_ready = "not_ready"
    supervising = "supervising"
    busy = "busy"
    after_call_work = "after_call_work"


class AgentAction(StrEnum):
    """What moves the agent's state: the agent's own choices and the system's moves."""

    login = "login"
    logout = "logout"
    select_ready = "select_ready"
    select_not_ready = "select_not_ready"
    select_supervising = "select_supervising"
    interaction_live = "interaction_live"
    """The agent got an interaction that is not in wrap-up (delivery or own call)."""
    all_in_wrap_up = "all_in_wrap_up"
    """Every remaining interaction is in after-call work."""
    all_done = "all_done"
    """No interaction left."""


P = AgentPhase
A = AgentAction
_IDLE = (P.ready, P.not_ready, P.supervising)
_WORKING = (P.busy, P.after_call_work)

# None as a target: the state the agent returns to after work (chosen by the simulator).
AGENT_TRANSITIONS: dict[tuple[AgentPhase, AgentAction], AgentPhase | None] = {
    (P.logged_out, A.login): P.not_ready,
    **{(phase, A.logout): P.logged_out for phase in _IDLE},
    **{(phase, A.select_ready): P.ready for phase in _IDLE},
    **{(phase, A.select_not_ready): P.not_ready for phase in _IDLE},
    **{(phase, A.select_supervising): P.supervising for phase in _IDLE},
    **{(phase, A.interaction_live): P.busy for phase in (*_IDLE, P.after_call_work)},
    (P.busy, A.interaction_live): P.busy,
    (P.busy, A.all_in_wrap_up): P.after_call_work,
    (P.after_call_work, A.all_in_wrap_up): P.after_call_work,
    (P.busy, A.all_done): None,
    (P.after_call_work, A.all_done): None,
    # While working, a chosen state is remembered and applied when the work is done.
    **{(phase, A.select_ready): phase for phase in _WORKING},
    **{(phase, A.select_not_ready): phase for phase in _WORKING},
    **{(phase, A.select_supervising): phase for phase in _WORKING},
}

AGENT_SELECTABLE = frozenset({AgentState.ready, AgentState.not_ready, AgentState.supervising})
"""States an agent (or ``setAgentState``) may choose; busy and after_call_work are the system's."""
