"""The Bright Pattern adApi contract: payload models, enums, event names, error codes.

The models here are 5.19's (the default); what 5.24.1 and 2026 change is in ``models_5_24_1``,
``models_2026`` and ``versions`` (which events and methods each version has).

Nothing here knows about the simulation; everything here is what the vendor puts on the wire.
"""

import typing as _typing

from simulator.contract.enums import (
    AgentState,
    CallDirection,
    ChatChannelType,
    ChatPartyType,
    DispositionType,
    InteractionOrigination,
    InteractionState,
    InteractionType,
    PhoneDevice,
    PhoneType,
    ResultErrorCode,
    ServerErrorCode,
    SystemNotReadyReason,
    TeamMemberState,
)
from simulator.contract.events import EVENTS, EventName, EventSpec, suggest_event_name
from simulator.contract.versions import (
    API_VERSIONS,
    DEFAULT_API_VERSION,
    ApiVersion,
    EventNotInVersionError,
    parse_api_version,
)

if _typing.TYPE_CHECKING:
    from simulator.contract.models import (
        AgentStateData,
        AttachedData,
        CallParty,
        ChatParty,
        CustomTransferData,
        DIDNumber,
        DispositionData,
        DispositionTarget,
        InitiateResult,
        InteractionAssociatedObject,
        InteractionAssociatedObjectData,
        InteractionAssociatedObjectsData,
        InteractionData,
        InteractionScreen,
        InteractionsState,
        LoginData,
        LoginStateData,
        PhoneCapabilities,
        PhoneDeviceData,
        RecordsValidationResult,
        RescheduleData,
        ScreenRecordingState,
        ServerErrorData,
        ServiceData,
        Team,
        TeamMember,
        WebScreenPop,
    )
    from simulator.contract.results import (
        OperationError,
        OperationResult,
        OperationSuccess,
        ResultError,
        fail,
        ok,
    )

# The payload models and results (pydantic) load on first use: the window and `adsim --help`
# read versions and event names at start, long before any payload is built.
_LAZY = {
    "AgentStateData": "models",
    "AttachedData": "models",
    "CallParty": "models",
    "ChatParty": "models",
    "CustomTransferData": "models",
    "DIDNumber": "tenant_payloads",
    "DispositionData": "models",
    "DispositionTarget": "models",
    "InitiateResult": "models",
    "InteractionAssociatedObject": "models",
    "InteractionAssociatedObjectData": "models",
    "InteractionAssociatedObjectsData": "models",
    "InteractionData": "models",
    "InteractionScreen": "models",
    "InteractionsState": "models",
    "LoginData": "models",
    "LoginStateData": "models",
    "PhoneCapabilities": "models",
    "PhoneDeviceData": "models",
    "RecordsValidationResult": "models",
    "RescheduleData": "models",
    "ScreenRecordingState": "models",
    "ServerErrorData": "models",
    "ServiceData": "models",
    "Team": "models",
    "TeamMember": "models",
    "WebScreenPop": "tenant_payloads",
    "OperationError": "results",
    "OperationResult": "results",
    "OperationSuccess": "results",
    "ResultError": "results",
    "fail": "results",
    "ok": "results",
}

__all__ = [
    "API_VERSIONS",
    "DEFAULT_API_VERSION",
    "EVENTS",
    "AgentState",
    "AgentStateData",
    "ApiVersion",
    "AttachedData",
    "CallDirection",
    "CallParty",
    "ChatChannelType",
    "ChatParty",
    "ChatPartyType",
    "CustomTransferData",
    "DIDNumber",
    "DispositionData",
    "DispositionTarget",
    "DispositionType",
    "EventName",
    "EventNotInVersionError",
    "EventSpec",
    "InitiateResult",
    "InteractionAssociatedObject",
    "InteractionAssociatedObjectData",
    "InteractionAssociatedObjectsData",
    "InteractionData",
    "InteractionOrigination",
    "InteractionScreen",
    "InteractionState",
    "InteractionType",
    "InteractionsState",
    "LoginData",
    "LoginStateData",
    "OperationError",
    "OperationResult",
    "OperationSuccess",
    "PhoneCapabilities",
    "PhoneDevice",
    "PhoneDeviceData",
    "PhoneType",
    "RecordsValidationResult",
    "RescheduleData",
    "ResultError",
    "ResultErrorCode",
    "ScreenRecordingState",
    "ServerErrorCode",
    "ServerErrorData",
    "ServiceData",
    "SystemNotReadyReason",
    "Team",
    "TeamMember",
    "TeamMemberState",
    "WebScreenPop",
    "fail",
    "ok",
    "parse_api_version",
    "suggest_event_name",
]


def __getattr__(name: str) -> _typing.Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
