"""The simulated agent desktop: one agent's session, its interactions, and the adApi events.

Every public action returns the vendor's ``OperationResult`` envelope. An action that cannot
happen answers with the vendor's error code and changes nothing. Events are emitted by the rules
of reference section 6.1 and delivered, in order, once the action is done.

``Simulator`` composes one module per concern (each checks its actions against the literal
transition tables in ``simulator.engine.tables``):

- ``core``: state, subscribers, clock and timers, how an action runs;
- ``lifecycle``: interaction moves by the table, wrap-up, removal, the active interaction;
- ``session``: login, logout, the agent's states;
- ``routing``: customers' offers, the service queue, delivery, accept and reject;
- ``voice``: hold, mute, recording, DTMF, agent-initiated calls;
- ``transfers``: consult, blind and consult transfer, conference;
- ``chat_email``: chat lines, email replies;
- ``wrapup``: completion, dispositions, notes, variables, associated records;
- ``directory``: teams, services, DIDs, dispositions lists.
"""

from __future__ import annotations

from simulator.engine.chat_email import ChatEmail
from simulator.engine.directory import Directory
from simulator.engine.records import ActionRecord, AgentStatus, Notice, QueuedOffer
from simulator.engine.routing import Routing
from simulator.engine.session import AgentSession
from simulator.engine.transfers import Transfers
from simulator.engine.wrapup import WrapUp

__all__ = ["ActionRecord", "AgentStatus", "Notice", "QueuedOffer", "Simulator"]


class Simulator(AgentSession, Routing, Transfers, ChatEmail, WrapUp, Directory):
    """One agent's desktop, driven by actions and the clock, emitting adApi events."""
