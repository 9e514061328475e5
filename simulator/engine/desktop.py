"""One agent's desktop: the concern modules composed into the class every simulated agent gets.

Each concern checks its actions against the literal transition tables in
``simulator.engine.tables``:

- ``core``: state, subscribers, clock and timers, how an action runs;
- ``lifecycle``: interaction moves by the table, wrap-up, removal, the active interaction;
- ``session``: login, logout, the agent's states;
- ``routing``: customers' offers, the service queue, delivery, accept and reject;
- ``voice``: hold, mute, recording, DTMF, agent-initiated calls;
- ``transfers``: consult, blind and consult transfer, conference (landing on another desktop);
- ``conference_merge``: the agent's calls merged into one conference;
- ``chat_transfers``: chat conferences and chat transfers (landing on another desktop);
- ``chat_email``: chat lines (shared by every desktop in the chat), email replies;
- ``wrapup``: completion, dispositions, notes, variables, associated records;
- ``directory``: teams (with the simulated agents' live states), services, DIDs, dispositions;
- ``version_actions``: what adApi versions after 5.19 add (``simulator.engine.versioning``
  reshapes the events at the emission edge).
"""

from __future__ import annotations

from simulator.engine.chat_email import ChatEmail
from simulator.engine.chat_transfers import ChatTransfers
from simulator.engine.conference_merge import ConferenceMerge
from simulator.engine.directory import Directory
from simulator.engine.routing import Routing
from simulator.engine.session import AgentSession
from simulator.engine.transcripts import Transcripts
from simulator.engine.version_actions import ApiVersionActions
from simulator.engine.wrapup import WrapUp

__all__ = ["AgentDesktop"]


class AgentDesktop(
    ApiVersionActions,
    Transcripts,
    AgentSession,
    Routing,
    ConferenceMerge,
    ChatTransfers,
    ChatEmail,
    WrapUp,
    Directory,
):
    """One agent's desktop in a ``ContactCenter``: its session, its interactions, its adApi
    event stream. Built by ``ContactCenter.add_agent``."""
