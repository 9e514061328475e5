"""The Qt-free simulation engine: agent session, interaction lifecycles, clock and events."""

from simulator.engine.bus import CommitError, Event, EventBus, Response, SubscriberError
from simulator.engine.clock import DEFAULT_START_MS, Clock, VirtualClock, WallClock
from simulator.engine.errors import ActionError
from simulator.engine.interaction import ChatMessage, Interaction, Party
from simulator.engine.recorder import EventRecorder
from simulator.engine.settings import Settings
from simulator.engine.simulator import ActionRecord, AgentStatus, Notice, QueuedOffer, Simulator
from simulator.engine.tables import Action, AgentPhase, allowed_actions, is_allowed

__all__ = [
    "DEFAULT_START_MS",
    "Action",
    "ActionError",
    "ActionRecord",
    "AgentPhase",
    "AgentStatus",
    "ChatMessage",
    "Clock",
    "CommitError",
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
    "VirtualClock",
    "WallClock",
    "allowed_actions",
    "is_allowed",
]
