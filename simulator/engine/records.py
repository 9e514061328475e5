"""What the desktop reports besides adApi events: recorded actions, the agent's status, notices
for the window, and offers waiting in a service queue."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulator.contract import AgentState, InteractionType
from simulator.data import Customer, Service
from simulator.engine.interaction import ChatMessage
from simulator.engine.tables import AgentPhase

__all__ = ["ActionRecord", "AgentStatus", "Notice", "QueuedOffer"]


@dataclass(frozen=True, slots=True)
class ActionRecord:
    """One action as it was asked for: what record-and-replay saves."""

    time_ms: int
    actor: str
    """``agent``, ``customer`` or ``system``."""
    name: str
    args: dict[str, Any]
    ok: bool
    by_subscriber: bool
    """True when a subscriber (a handler) asked for it while an event was being delivered."""
    error: str | None = None
    """The error code's name when the action failed (``not_suitable_state`` ...)."""
    order: int = 0
    """Its place among the actions of every desktop of the center (from 1): how a recording
    interleaves several agents' actions."""


@dataclass(frozen=True, slots=True)
class AgentStatus:
    """The agent's session as the window shows it."""

    logged_in: bool
    phase: AgentPhase
    reason: str | None
    since_ms: int
    chosen: tuple[AgentState, str | None] | None
    """A state chosen while busy, applied when the work is done."""


@dataclass(frozen=True, slots=True)
class Notice:
    """A change the window shows that is not an adApi event (a chat line, DTMF, a queued offer)."""

    kind: str
    interaction_id: str | None
    time_ms: int
    detail: str = ""


@dataclass(slots=True)
class QueuedOffer:
    """An interaction waiting in the service queue for the agent (never reported to adApi)."""

    id: str
    type: InteractionType
    service: Service
    customer: Customer
    queued_ms: int
    attached_data: dict[str, str] = field(default_factory=dict)
    transfer_data: dict[str, Any] | None = None
    direct: bool = False
    subject: str = ""
    body: str = ""
    agent: str | None = None
    """A direct offer: the name of the only agent it rings."""
    declined: tuple[str, ...] = ()
    """Agents who rejected it or let it ring out: it is not offered to them again."""
    global_interaction_id: str | None = None
    """Set when it is offered again: every agent's item shares the customer's GIID."""
    transcript: tuple[ChatMessage, ...] = ()
    """A chat sent to a service by an agent: the lines so far, carried to the next agent."""
