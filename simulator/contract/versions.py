"""The adApi versions a tenant can run, and what each one has: its events and its methods.

Three contracts are simulated (reference sections 2-4 mark when each thing appeared):

- ``5.19``: the seed's contract, the default; the payload models of ``simulator.contract.models``;
- ``5.24.1``: ``ON_SAVE_ACTIVITY_RECORD`` carries ``InteractionActivityData``,
  ``associatedObjects.selected`` is a list, new methods (``getInteractionsState``,
  ``setCallRecordingMute``, ``activatePage``, ``setDialCandidates``) and events
  (``ON_VALIDATE_ASSOCIATED_RECORDS``, ``ON_REQUEST_RECORD_INFO`` ...);
- ``2026``: the Comm.Widget 2.0 (``/agent/crmembedded/``): ``openLogin`` replaces ``login``,
  ``formValues``/``contactName`` in the activity, ``interactionKind``/``internal`` in every
  interaction, the summary events, and ``ON_SAVE_ACTIVITY_RECORD`` answered with an
  ``ActivityRecordInfo``.

A method a version lacks answers ``api_method_not_implemented``; an event it lacks is never
fired, and subscribing to it is an error naming the version that has it.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from simulator.contract.events import EVENTS, EventName, EventSpec

__all__ = [
    "API_VERSIONS",
    "DEFAULT_API_VERSION",
    "METHODS",
    "ApiVersion",
    "EventNotInVersionError",
    "MethodSpec",
    "add_api_version_option",
    "event_available",
    "events_for",
    "method_available",
    "method_by_request",
    "method_refusal",
    "parse_api_version",
]


class ApiVersion(StrEnum):
    """An adApi contract version (the value is what ``--api-version`` and files take)."""

    v5_19 = "5.19"
    v5_24_1 = "5.24.1"
    v2026 = "2026"

    @property
    def rank(self) -> int:
        """Position in time: later versions rank higher."""
        return _ORDER.index(self)

    @property
    def widget(self) -> str:
        """The Comm.Widget generation that serves this version (``1.0`` or ``2.0``)."""
        return "2.0" if self is ApiVersion.v2026 else "1.0"

    def has(self, since: str, until: str | None = None) -> bool:
        """True when something that appeared in ``since`` (and was removed in ``until``) is in
        this version."""
        if self.rank < ApiVersion(since).rank:
            return False
        return until is None or self.rank < ApiVersion(until).rank


_ORDER = (ApiVersion.v5_19, ApiVersion.v5_24_1, ApiVersion.v2026)
API_VERSIONS: tuple[str, ...] = tuple(v.value for v in _ORDER)
"""Every version's name, oldest first."""
DEFAULT_API_VERSION = ApiVersion.v5_19


def parse_api_version(text: Any) -> ApiVersion:
    """The version named by ``text``; ``ValueError`` naming the choices otherwise."""
    value = str(text).strip() if isinstance(text, str | int | float) else text
    if isinstance(value, str) and value in API_VERSIONS:
        return ApiVersion(value)
    raise ValueError(f"{text!r} is not an adApi version: use one of {', '.join(API_VERSIONS)}")


# ---------------------------------------------------------------------- events

_EVENT_CHANGES: dict[ApiVersion, dict[EventName, dict[str, Any]]] = {
    ApiVersion.v5_24_1: {
        EventName.ON_SEARCH_KNOWLEDGE_BASE: {"arguments": ("query", "language", "folderId")},
    },
    ApiVersion.v2026: {
        EventName.ON_SEARCH_KNOWLEDGE_BASE: {"arguments": ("query", "language", "folderId")},
        # 2026: the SAVE handler may answer where the activity was saved (ActivityRecordInfo).
        EventName.ON_SAVE_ACTIVITY_RECORD: {"needs_response": True, "default_response": None},
    },
}


def _build_events(version: ApiVersion) -> dict[EventName, EventSpec]:
    changes = _EVENT_CHANGES.get(version, {})
    return {
        name: replace(spec, **changes.get(name, {}))
        for name, spec in EVENTS.items()
        if version.has(spec.since)
    }


_EVENTS_BY_VERSION = {version: _build_events(version) for version in _ORDER}


def events_for(version: ApiVersion | str) -> dict[EventName, EventSpec]:
    """The events ``version`` fires, with that version's arguments and need-response rules."""
    return _EVENTS_BY_VERSION[ApiVersion(version)]


def event_available(name: EventName, version: ApiVersion | str) -> bool:
    """True when ``version`` has the event ``name``."""
    return name in _EVENTS_BY_VERSION[ApiVersion(version)]


class EventNotInVersionError(ValueError):
    """``on`` with an event the run's adApi version does not have; names the version that has
    it."""

    def __init__(self, name: EventName, version: ApiVersion):
        self.name = name
        self.version = version
        since = EVENTS[name].since
        super().__init__(
            f"{name.value} is not in adApi {version.value}: it appeared in {since} "
            f"(run with --api-version {since}, or api_version: {since!r} in the scenario)"
        )


# ---------------------------------------------------------------------- methods


@dataclass(frozen=True, slots=True)
class MethodSpec:
    """One adApi method: its names, its arguments as the vendor types them, and its versions."""

    name: str
    """The JS method name (``getInteractionsState``)."""
    request: str
    """The request message the adapter posts (``GET_INTERACTIONS_STATE``)."""
    arguments: str
    """The signature as the vendor's types give it, and what it resolves with."""
    since: str = "5.19"
    """The first version that has it."""
    until: str | None = None
    """The version that no longer has it (``login`` in 2026)."""
    simulated: bool = True
    """False for a method the vendor lists without a published signature: it answers
    ``api_method_not_implemented`` even in the versions that have it."""

    @property
    def python_name(self) -> str:
        """The ``ad_api`` facade's name (``get_interactions_state``)."""
        return _CAMEL_BOUNDARY.sub("_", self.name).lower()


_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def _m(name: str, request: str, arguments: str, **kwargs: Any) -> MethodSpec:
    return MethodSpec(name, request, arguments, **kwargs)


_ID = "interactionId?"
METHODS: dict[str, MethodSpec] = {
    spec.name: spec
    for spec in (
        _m("getLoginState", "GET_LOGIN_STATE", "() -> LoginStateData"),
        _m("login", "LOGIN", "(loginData: LoginData, force?) -> null", until="2026"),
        _m("openLogin", "OPEN_LOGIN", "() -> null", since="2026"),
        _m("logout", "LOGOUT", "() -> null"),
        _m("getAgentState", "GET_AGENT_STATE", "() -> AgentStateData"),
        _m("setAgentState", "SET_AGENT_STATE", "(state, notReadyReason?) -> null"),
        _m("getAgentNotReadyReasons", "GET_AGENT_NOT_READY_REASONS", "() -> string[]"),
        _m("acceptInteraction", "ACCEPT_INTERACTION", f"({_ID}) -> null"),
        _m("rejectInteraction", "REJECT_INTERACTION", f"({_ID}) -> null"),
        _m(
            "startCall",
            "START_CALL",
            "(phoneNumber, initialObject?) -> InitiateResult; 5.24.1+: initialObjects "
            "(one object or an array)",
        ),
        _m("startChat", "START_CHAT", "(channel, address, initialObject(s)?) -> InitiateResult"),
        _m("startEmail", "START_EMAIL", "(email, initialObject(s)?) -> InitiateResult"),
        _m("sendDtmf", "SEND_DTMF", f"(dtmf, {_ID}) -> null"),
        _m("consultCall", "CONSULT_CALL", "(phone) -> null"),
        _m("blindTransfer", "BLIND_TRANSFER", f"(phone, customTransferData?, {_ID}) -> null"),
        _m("transfer", "TRANSFER", "(customTransferData?) -> null"),
        _m("leaveInteraction", "LEAVE_INTERACTION", f"({_ID}) -> null"),
        _m("completeInteraction", "COMPLETE_INTERACTION", f"({_ID}) -> null"),
        _m(
            "leaveAndCompleteInteraction",
            "LEAVE_AND_COMPLETE_INTERACTION",
            f"(disposition?, note?, {_ID}) -> null",
        ),
        _m("switchActiveInteraction", "SWITCH_ACTIVE_INTERACTION", "(interactionId) -> null"),
        _m(
            "inviteToCallConference",
            "INVITE_TO_CALL_CONFERENCE",
            f"(phone, customTransferData?, {_ID}) -> null",
        ),
        _m("removeFromCallConference", "REMOVE_FROM_CALL_CONFERENCE", f"(partyId, {_ID}) -> null"),
        _m("destroyCallConference", "DESTROY_CALL_CONFERENCE", f"({_ID}) -> null"),
        _m(
            "mergeAllCallsIntoConference",
            "MERGE_ALL_CALLS_INTO_CONFERENCE",
            "(customTransferData?) -> null",
        ),
        _m(
            "inviteToChatConference",
            "INVITE_TO_CHAT_CONFERENCE",
            f"(partyId, {_ID}) -> null",
            since="5.24.1",
        ),
        _m(
            "removeFromChatConference",
            "REMOVE_FROM_CHAT_CONFERENCE",
            f"(partyId, {_ID}) -> null",
            since="5.24.1",
        ),
        _m("getTeams", "GET_TEAMS", "() -> Team[]"),
        _m("getTeamMembers", "GET_TEAM_MEMBERS", "(teamId) -> TeamMember[]"),
        _m("getServicesList", "GET_SERVICES_LIST", "() -> ServiceData[]"),
        _m("getService", "GET_SERVICE", "() -> ServiceData | null"),
        _m("setService", "SET_SERVICE", "(service: id or name | null) -> null"),
        _m("getDIDNumbersList", "GET_DID_LIST", "() -> DIDNumber[]"),
        _m("getDIDNumber", "GET_DID", "() -> DIDNumber | null"),
        _m("setDIDNumber", "SET_DID", "(did: id or number | null) -> null"),
        _m("getDispositionsList", "GET_DISPOSITIONS_LIST", "(target) -> DispositionData[]"),
        _m("setDisposition", "SET_DISPOSITION", f"(disposition, {_ID}) -> null"),
        _m("setRescheduleWindow", "SET_RESCHEDULE", f"(RescheduleData, {_ID}) -> null"),
        _m("addNote", "ADD_NOTE", f"(note, {_ID}) -> null"),
        _m("updateNote", "UPDATE_NOTE", f"(note, {_ID}) -> null"),
        _m("replaceNote", "REPLACE_NOTE", f"(note, {_ID}) -> null"),
        _m("getConfig", "GET_CONFIG", "() -> IntegrationConfig"),
        _m("setVariable", "SET_VARIABLE", f"(key, value, {_ID}) -> null"),
        _m("getVariables", "GET_VARIABLES", f"(keys: string[], {_ID}) -> Record<string,string>"),
        _m(
            "addInteractionAssociatedObject",
            "ADD_INTERACTION_ASSOCIATED_OBJECT",
            f"(object: InteractionAssociatedObjectData, {_ID}) -> null",
        ),
        _m(
            "setInteractionActiveScreen",
            "SET_INTERACTION_ACTIVE_SCREEN",
            f"(screenData: InteractionScreen, {_ID}) -> null",
        ),
        _m("getPhoneDevicesList", "GET_PHONE_DEVICES_LIST", "() -> PhoneDevice[]"),
        _m("getPhoneDevice", "GET_PHONE_DEVICE", "() -> PhoneDeviceData"),
        _m("setPhoneDevice", "SET_PHONE_DEVICE", "(PhoneDeviceData) -> null"),
        _m("setCallHold", "SET_CALL_HOLD", f"(state: boolean, {_ID}) -> null"),
        _m("setCallRecording", "SET_CALL_RECORDING", f"(state: boolean, {_ID}) -> null"),
        _m("setCallMute", "SET_CALL_MUTE", f"(state: boolean, {_ID}) -> null"),
        _m(
            "setCallRecordingMute",
            "SET_CALL_RECORDING_MUTE",
            "(state: boolean, interactionId?: string | 'all') -> null",
            since="5.24.1",
        ),
        _m("setScreenRecordingMute", "SET_SCREEN_RECORDING_MUTE", "(state: boolean) -> null"),
        _m("getScreenRecordingState", "GET_SCREEN_RECORDING_STATE", "() -> ScreenRecordingState"),
        _m("setWidgetMinimized", "SET_WIDGET_MINIMIZED", "(state: boolean) -> null"),
        _m("sendChatMessage", "SEND_CHAT_MESSAGE", f"(message, {_ID}) -> null"),
        _m("suggestChatMessage", "SUGGEST_CHAT_MESSAGE", f"(message, allowOverwrite?, {_ID})"),
        _m("activatePage", "ACTIVATE_PAGE", "() -> null", since="5.24.1"),
        _m(
            "getInteractionsState",
            "GET_INTERACTIONS_STATE",
            "() -> {activeInteractionId, interactions: InteractionData[]}",
            since="5.24.1",
        ),
        _m(
            "setDialCandidates",
            "SET_DIAL_CANDIDATES",
            "(candidates: DialCandidate[]) -> null",
            since="5.24.1",
        ),
        _m(
            "getChatTranscript",
            "GET_CHAT_TRANSCRIPT",
            "(interactionId?) -> {party, text, time}[] (unpublished: the simulator's shape)",
            since="2026",
        ),
        _m(
            "getVoiceTranscript",
            "GET_VOICE_TRANSCRIPT",
            "(interactionId?) -> {party, text, time}[] (unpublished: the simulator's shape)",
            since="2026",
        ),
    )
}
"""Every adApi method of every version, keyed by its JS name, in the reference's order."""

_BY_REQUEST = {spec.request: spec for spec in METHODS.values()}
_BY_PYTHON = {spec.python_name: spec for spec in METHODS.values()}


def method_by_request(request: str) -> MethodSpec | None:
    """The method posting ``request`` (``GET_INTERACTIONS_STATE``), or None."""
    return _BY_REQUEST.get(request)


def method_available(name: str, version: ApiVersion | str) -> bool:
    """True when ``version`` has the method (JS ``getInteractionsState`` or Python
    ``get_interactions_state``); a method in no table (``injectMessageLogger``) is local to the
    adapter and always there."""
    spec = METHODS.get(name) or _BY_PYTHON.get(name)
    return spec is None or ApiVersion(version).has(spec.since, spec.until)


def method_refusal(name: str, version: ApiVersion | str) -> str | None:
    """Why ``version``'s widget answers ``api_method_not_implemented`` to the method, or None
    when it runs it."""
    spec = METHODS.get(name) or _BY_PYTHON.get(name)
    if spec is None:
        return None
    version = ApiVersion(version)
    if not version.has(spec.since):
        return f"{spec.name} is not in adApi {version.value}: it appeared in {spec.since}"
    if spec.until is not None and not version.has(spec.since, spec.until):
        replacement = " (use openLogin)" if spec.name == "login" else ""
        return f"{spec.name} was removed in adApi {spec.until}{replacement}"
    if not spec.simulated:
        return f"{spec.name} is listed by the vendor without a published signature: not simulated"
    return None


# ---------------------------------------------------------------------- the command line


def _api_version_arg(text: str) -> str:
    try:
        return parse_api_version(text).value
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


_SCENARIO_DEFAULT = "the adApi contract to simulate (default: a scenario's api_version:, else 5.19)"


def add_api_version_option(
    parser: argparse.ArgumentParser | Any,
    *,
    dest: str = "api_version",
    help: str = _SCENARIO_DEFAULT,
) -> None:
    """``--api-version 5.19|5.24.1|2026`` (default: the scenario's, else 5.19; ``help`` for a
    command that runs no scenario)."""
    parser.add_argument(
        "--api-version",
        dest=dest,
        type=_api_version_arg,
        default=None,
        metavar="|".join(API_VERSIONS),
        help=help,
    )
