"""What an expectation can pick out of each event: whether the desktop ever sends it about an
interaction (what ``on:`` keeps), and whether its first argument is a mapping (what ``payload:``,
``present``, ``absent`` and ``satisfies`` read).

An expectation that asks for what an event never has kept no event, so ``count: 0`` passed
every run whatever happened; the loader refuses it (``cross_checks``). A test runs every
fixture flow and holds these lists to the events the engine sends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

from simulator.contract.models import (
    LoginStateData,
    PhoneCapabilities,
    ScreenRecordingState,
    ServerErrorData,
)
from simulator.contract.versions import API_VERSIONS, event_available

if TYPE_CHECKING:
    from simulator.contract import EventName
    from simulator.scenarios.expect_spec import CountSpec, ExpectSpec

__all__ = [
    "EVENTS_ON_AN_INTERACTION",
    "FIRST_ARGUMENT_KEYS",
    "FIRST_ARGUMENT_NOT_A_MAPPING",
    "not_in_version",
]

EVENTS_ON_AN_INTERACTION = frozenset(
    {
        "ON_NEW_INTERACTION",
        "ON_INTERACTION_STATE_CHANGE",
        "ON_INTERACTION_REMOVED",
        "ON_SAVE_ACTIVITY_RECORD",
        "ON_LOAD_TRANSFER_DATA",
        "ON_REQUEST_TRANSFER_DATA",
        "ON_SHOW_SCREEN",
        "ON_WEB_SCREEN_POP_CUSTOM",
        "ON_VALIDATE_ASSOCIATED_RECORDS",
        "ON_REQUEST_RECORD_INFO",  # of a crm_pop; a record_info step's is about none
        "ON_OPEN_RECORD",
        "ON_SEARCH_RECORDS",
        "ON_SUMMARY_GENERATION_STARTED",
        "ON_SUMMARY_GENERATION_COMPLETED",
        "ON_VOICE_TRANSCRIPT_MESSAGE",
    }
)
"""The events the engine sends about one interaction (some of them only at times): the only
ones ``on:`` can pick. The others (``ON_AGENT_STATE_CHANGE``, ``ON_LOGIN``, the knowledge base's,
``ON_ACTIVE_INTERACTION_SWITCHED`` ...) are about none, so ``on:`` left none of them: ``count: 0``
passed every run."""

FIRST_ARGUMENT_NOT_A_MAPPING = frozenset(
    {
        "ON_LOGOUT",  # no argument
        "ON_ACTIVE_INTERACTION_SWITCHED",  # an id, or null
        "ON_AGENT_STATE_CHANGE",  # the state's name
        "ON_REQUEST_TRANSFER_DATA",  # an interaction id
        "ON_LOAD_TRANSFER_DATA",
        "ON_WEB_SCREEN_POP_CUSTOM",
        "ON_VALIDATE_ASSOCIATED_RECORDS",
        "ON_SUMMARY_GENERATION_STARTED",
        "ON_SEARCH_KNOWLEDGE_BASE",  # the query
        "ON_GET_KNOWLEDGE_BASE_ARTICLE",  # the article's id
        "ON_REQUEST_RECORD_ON_SCREEN",  # no argument
        "ON_WIDGET_MINIMIZED_CHANGE",  # true or false
        "ON_SOFTPHONE_STATUS_CHANGE",
        "ON_AUDIO_DEVICE_CHANGE",  # a device's name
        "ON_CALL_AUDIO_QUALITY_ALERT",  # a call id
    }
)
"""The events whose first argument is never a mapping (in every adApi version): ``payload:``
(the first argument's fields) never matches one; its arguments are matched with ``args:``."""


def _wire_keys(model: type[BaseModel]) -> frozenset[str]:
    return frozenset((info.alias or name) for name, info in model.model_fields.items())


FIRST_ARGUMENT_KEYS: dict[str, tuple[str, frozenset[str]]] = {
    "ON_LOGIN": ("LoginStateData", _wire_keys(LoginStateData)),
    "ON_SERVER_ERROR": ("ServerErrorData", _wire_keys(ServerErrorData)),
    "ON_PHONE_CAPABILITIES_CHANGE": ("caps", _wire_keys(PhoneCapabilities)),
    "ON_SCREEN_RECORDING_STATE_CHANGE": ("ScreenRecordingState", _wire_keys(ScreenRecordingState)),
    "ON_REQUEST_RECORD_INFO": ("the record's payload", frozenset({"id", "type"})),
    "ON_SEARCH_RECORDS": ("the search", frozenset({"text", "types"})),
    "ON_GET_KNOWLEDGE_BASE_FOLDER": ("the options", frozenset({"language", "folderId"})),
    "ON_SUMMARY_GENERATION_COMPLETED": (
        "the result",
        frozenset({"interactionId", "success", "topics", "errorCode"}),
    ),
    "ON_VOICE_TRANSCRIPT_MESSAGE": (
        "the message",
        frozenset({"interactionId", "party", "text", "time"}),
    ),
}
"""The keys of each event's first argument where they are fixed (the interaction events' are
``InteractionData``'s, checked per version): a key misspelt there (``payload: {Code: 109},
count: 0``, ``absent: [mesage]``) was never there, and the expectation passed whatever came.
``ON_OPEN_RECORD``'s and ``ON_SHOW_SCREEN``'s are the scenario's own (``open_record``,
``screen``), so any key goes."""


def _versions_with(name: EventName) -> str:
    quoted = [f'"{v}"' if v.isdigit() else v for v in API_VERSIONS if event_available(name, v)]
    return f"[{', '.join(quoted)}]"


def _takes_none(count: CountSpec | None) -> bool:
    return count is not None and count.accepts(0)


def not_in_version(spec: ExpectSpec, version: str) -> str | None:
    """Why ``spec`` can never match in a run of adApi ``version``: an event it needs to come
    that the version does not have, or None. (It failed saying only "No
    ON_GET_KNOWLEDGE_BASE_FOLDER at all", as if the flow were wrong.) A count that takes 0 is
    left alone: "none came" is true of a version without the event, and files say so of the
    versions before it (``{event: ON_REQUEST_RECORD_INFO, api_version: "5.19", count: 0}``)."""
    names = list(spec.order or ())
    if spec.event is not None and not _takes_none(spec.count):
        names.append(spec.event)
    handler = spec.handler
    if handler is not None and handler.event is not None and not _takes_none(handler.count):
        names.append(handler.event)
    for name in names:
        if not event_available(name, version):
            return (
                f"{name.value} is not an event of adApi {version}: no run of it sends one, so "
                f"this can never match; give this expectation api_version: "
                f"{_versions_with(name)}, the versions that have it"
            )
    return None
