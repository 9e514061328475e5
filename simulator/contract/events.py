"""The adApi callback (event) names of reference section 3, with what each handler receives.

``EVENTS`` maps each name to its ``EventSpec``: the positional arguments the JS callback gets,
whether the widget waits for the handler's answer (``needResponse``), and the answer it uses when
no handler answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = ["EVENTS", "EventName", "EventSpec", "suggest_event_name"]


class EventName(StrEnum):
    """Every event string an integration can subscribe to with ``adApi.on``."""

    ON_LOGIN = "ON_LOGIN"
    ON_LOGOUT = "ON_LOGOUT"
    ON_NEW_INTERACTION = "ON_NEW_INTERACTION"
    ON_INTERACTION_STATE_CHANGE = "ON_INTERACTION_STATE_CHANGE"
    ON_INTERACTION_REMOVED = "ON_INTERACTION_REMOVED"
    ON_ACTIVE_INTERACTION_SWITCHED = "ON_ACTIVE_INTERACTION_SWITCHED"
    ON_AGENT_STATE_CHANGE = "ON_AGENT_STATE_CHANGE"
    ON_REQUEST_TRANSFER_DATA = "ON_REQUEST_TRANSFER_DATA"
    ON_LOAD_TRANSFER_DATA = "ON_LOAD_TRANSFER_DATA"
    ON_SEARCH_KNOWLEDGE_BASE = "ON_SEARCH_KNOWLEDGE_BASE"
    ON_GET_KNOWLEDGE_BASE_ARTICLE = "ON_GET_KNOWLEDGE_BASE_ARTICLE"
    ON_GET_KNOWLEDGE_BASE_FOLDER = "ON_GET_KNOWLEDGE_BASE_FOLDER"
    ON_OPEN_RECORD = "ON_OPEN_RECORD"
    ON_SEARCH_RECORDS = "ON_SEARCH_RECORDS"
    ON_SHOW_SCREEN = "ON_SHOW_SCREEN"
    ON_SCREEN_RECORDING_STATE_CHANGE = "ON_SCREEN_RECORDING_STATE_CHANGE"
    ON_WIDGET_MINIMIZED_CHANGE = "ON_WIDGET_MINIMIZED_CHANGE"
    ON_SERVER_ERROR = "ON_SERVER_ERROR"
    ON_SOFTPHONE_STATUS_CHANGE = "ON_SOFTPHONE_STATUS_CHANGE"
    ON_AUDIO_DEVICE_CHANGE = "ON_AUDIO_DEVICE_CHANGE"
    ON_PHONE_CAPABILITIES_CHANGE = "ON_PHONE_CAPABILITIES_CHANGE"
    ON_CALL_AUDIO_QUALITY_ALERT = "ON_CALL_AUDIO_QUALITY_ALERT"
    ON_WEB_SCREEN_POP_CUSTOM = "ON_WEB_SCREEN_POP_CUSTOM"
    ON_SAVE_ACTIVITY_RECORD = "ON_SAVE_ACTIVITY_RECORD"
    ON_VALIDATE_ASSOCIATED_RECORDS = "ON_VALIDATE_ASSOCIATED_RECORDS"
    ON_REQUEST_RECORD_INFO = "ON_REQUEST_RECORD_INFO"
    ON_REQUEST_RECORD_ON_SCREEN = "ON_REQUEST_RECORD_ON_SCREEN"
    ON_SUMMARY_GENERATION_STARTED = "ON_SUMMARY_GENERATION_STARTED"
    ON_SUMMARY_GENERATION_COMPLETED = "ON_SUMMARY_GENERATION_COMPLETED"
    ON_VOICE_TRANSCRIPT_MESSAGE = "ON_VOICE_TRANSCRIPT_MESSAGE"


@dataclass(frozen=True, slots=True)
class EventSpec:
    """What a handler of one event receives and whether its answer is used."""

    name: EventName
    arguments: tuple[str, ...]
    """The JS callback's positional parameters, in order."""
    needs_response: bool = False
    """True when the widget waits for the last non-undefined handler result."""
    default_response: Any = None
    """The answer used when no handler answers (the vendor's built-in default handler)."""
    since: str = "5.19"
    """The first API version with this event."""


_SPECS = (
    EventSpec(EventName.ON_LOGIN, ("loginState",)),
    EventSpec(EventName.ON_LOGOUT, ()),
    EventSpec(EventName.ON_NEW_INTERACTION, ("newInteraction",)),
    EventSpec(EventName.ON_INTERACTION_STATE_CHANGE, ("interaction",)),
    EventSpec(EventName.ON_INTERACTION_REMOVED, ("removedInteraction",)),
    EventSpec(EventName.ON_ACTIVE_INTERACTION_SWITCHED, ("activatedInteractionId",)),
    EventSpec(EventName.ON_AGENT_STATE_CHANGE, ("state", "notReadyReason")),
    EventSpec(EventName.ON_REQUEST_TRANSFER_DATA, ("interactionId",), needs_response=True),
    EventSpec(EventName.ON_LOAD_TRANSFER_DATA, ("interactionId", "data")),
    EventSpec(
        EventName.ON_SEARCH_KNOWLEDGE_BASE, ("query",), needs_response=True, default_response=[]
    ),
    EventSpec(EventName.ON_GET_KNOWLEDGE_BASE_ARTICLE, ("articleId",), needs_response=True),
    EventSpec(
        EventName.ON_GET_KNOWLEDGE_BASE_FOLDER,
        ("options",),
        needs_response=True,
        default_response=[],
        since="5.24.1",
    ),
    EventSpec(EventName.ON_OPEN_RECORD, ("record", "interactionId", "options")),
    EventSpec(EventName.ON_SEARCH_RECORDS, ("search", "interactionId", "inNewTab")),
    EventSpec(EventName.ON_SHOW_SCREEN, ("screen", "interactionId")),
    EventSpec(EventName.ON_SCREEN_RECORDING_STATE_CHANGE, ("state",)),
    EventSpec(EventName.ON_WIDGET_MINIMIZED_CHANGE, ("widgetMinimized",)),
    EventSpec(EventName.ON_SERVER_ERROR, ("error",)),
    EventSpec(EventName.ON_SOFTPHONE_STATUS_CHANGE, ("ready", "error")),
    EventSpec(EventName.ON_AUDIO_DEVICE_CHANGE, ("inputDevice", "outputDevice")),
    EventSpec(EventName.ON_PHONE_CAPABILITIES_CHANGE, ("caps",)),
    EventSpec(EventName.ON_CALL_AUDIO_QUALITY_ALERT, ("callId", "alert")),
    EventSpec(
        EventName.ON_WEB_SCREEN_POP_CUSTOM,
        ("interactionId", "webScreenPop"),
        needs_response=True,
        default_response=False,
    ),
    EventSpec(EventName.ON_SAVE_ACTIVITY_RECORD, ("activity",)),
    EventSpec(
        EventName.ON_VALIDATE_ASSOCIATED_RECORDS,
        ("interactionId", "records"),
        needs_response=True,
        default_response={"valid": True},
        since="5.24.1",
    ),
    EventSpec(EventName.ON_REQUEST_RECORD_INFO, ("payload",), needs_response=True, since="5.24.1"),
    EventSpec(EventName.ON_REQUEST_RECORD_ON_SCREEN, (), needs_response=True, since="5.24.1"),
    EventSpec(EventName.ON_SUMMARY_GENERATION_STARTED, ("interactionId",), since="2026"),
    EventSpec(EventName.ON_SUMMARY_GENERATION_COMPLETED, ("result",), since="2026"),
    EventSpec(EventName.ON_VOICE_TRANSCRIPT_MESSAGE, ("message",), since="2026"),
)

EVENTS: dict[EventName, EventSpec] = {spec.name: spec for spec in _SPECS}
"""Every event, keyed by name."""


def suggest_event_name(name: str) -> str | None:
    """The closest real event name to a misspelt one, or None when nothing is close."""
    import difflib  # only for a misspelt name: not with every import of the contract

    matches = difflib.get_close_matches(name.upper(), [e.value for e in EventName], n=1, cutoff=0.6)
    return matches[0] if matches else None
