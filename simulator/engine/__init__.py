"""The Qt-free simulation engine: a contact center of agent desktops (sessions, interaction
lifecycles, routing, transfers), its clock and its events."""

from simulator.engine.bus import NOBODY, CommitError, Event, EventBus, Response, SubscriberError
from simulator.engine.center import ContactCenter, UnknownAgentError
from simulator.engine.clock import DEFAULT_START_MS, Clock, VirtualClock, WallClock
from simulator.engine.desktop import AgentDesktop
from simulator.engine.errors import ActionError
from simulator.engine.interaction import ChatMessage, Interaction, Party
from simulator.engine.recorder import EventRecorder
from simulator.engine.settings import Settings
from simulator.engine.simulator import ActionRecord, AgentStatus, Notice, QueuedOffer, Simulator
from simulator.engine.tables import Action, AgentPhase, allowed_actions, is_allowed

__all__ = [
    "DEFAULT_START_MS",
    "NOBODY",
    "Action",
    "ActionError",
    "ActionRecord",
    "AgentDesktop",
    "AgentPhase",
    "AgentStatus",
    "ChatMessage",
    "Clock",
    "CommitError",
    "ContactCenter",
    "Event",
    "EventBus",
    "EventRecorder",
    "Interaction",
    "Notice",
    "Party",
    "QueuedOffer",
    "Response",
    "Settings",
    "Simulator",
    "SubscriberError",
    "UnknownAgentError",
    "VirtualClock",
    "WallClock",
    "allowed_actions",
    "is_allowed",
]
