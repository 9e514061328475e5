"""Every adApi method's published signature (5.19 TYPES, ``brightpattern-client-api-types.d.ts``),
and the check of call arguments against it.

``METHODS`` maps the vendor's method name (``setRescheduleWindow``) to its parameters, each with
the TypeScript type the vendor publishes, written the same way (``string``, ``boolean``,
``string | null``, ``RescheduleData``, ``string[]``). ``argument_problem(method, args)`` says in
one sentence what is wrong with a call's arguments (None when they fit), as the widget would
answer ``invalid_args``.

An optional parameter (``interactionId?``) may be left out or ``null``: a page's ``undefined``
arrives as ``null`` in a posted message. Objects may carry keys beyond the published ones (a page
object often does); the published keys must have the published types.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from simulator.contract.enums import AgentState, ChatChannelType, PhoneDevice, PhoneType
from simulator.contract.json_tree import tree_problem

__all__ = [
    "METHODS",
    "RECORDS",
    "Foreign",
    "MethodSpec",
    "Param",
    "argument_problem",
    "method_named",
]

_ENUMS: dict[str, tuple[str, ...]] = {
    "AgentState": tuple(state.value for state in AgentState),
    "ChatChannelType": tuple(channel.value for channel in ChatChannelType),
    "PhoneDevice": tuple(device.value for device in PhoneDevice),
    "PhoneType": tuple(kind.value for kind in PhoneType),
}

RECORDS: dict[str, dict[str, str]] = {
    "LoginData": {"username": "string", "password": "string", "tenant?": "string"},
    "RescheduleData": {
        "numberToDial": "string",
        "fromTime": "DateTime",
        "untilTime": "DateTime",
        "timezoneCode?": "string",
    },
    "InteractionAssociatedObjectData": {
        "id": "string",
        "type": "string",
        "displayName": "string",
        "displayType": "string",
        # Required in the types; the contract model (and the widget) take a record without it.
        "customFields?": "Record<string, string>",
    },
    "DispositionTarget": {"service?": "string", "interactionId?": "string"},
    "PhoneDeviceData": {"type": "PhoneDevice", "phone?": "string"},
    "DialCandidate": {
        "id": "string",
        "displayName": "string",
        "phones": "DialCandidatePhone[]",
        "associatedObjects": "InteractionAssociatedObjectData[]",
        "email?": "string",
        "avatarUrl?": "string",
    },
    "DialCandidatePhone": {"number": "string", "type": "PhoneType", "displayType?": "string"},
}
"""The object types the methods take, field by field (``?``: optional)."""

_SCALAR_RECORDS = {
    # Record<string, scalar>: what InteractionScreen and CustomTransferData hold.
    "InteractionScreen": (str, int, float, bool, type(None)),
    "CustomTransferData": (str, int, float, bool, type(None)),
}
_PLURALS = {"string": "strings", "DialCandidate": "DialCandidate objects"}
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}$")


@dataclass(frozen=True)
class Param:
    """One parameter: its published name and type; ``optional`` for ``name?``."""

    name: str
    type: str
    optional: bool = False


@dataclass(frozen=True)
class MethodSpec:
    """A method: the vendor's name, its request message and its parameters."""

    name: str
    message: str
    params: tuple[Param, ...]

    @property
    def signature(self) -> str:
        """``setCallHold(state: boolean, interactionId?: string)``."""
        inner = ", ".join(f"{p.name}{'?' if p.optional else ''}: {p.type}" for p in self.params)
        return f"{self.name}({inner})"


def _spec(name: str, message: str, *params: str) -> MethodSpec:
    parsed = []
    for text in params:
        key, _, kind = text.partition(":")
        key = key.strip()
        parsed.append(Param(key.rstrip("?"), kind.strip(), key.endswith("?")))
    return MethodSpec(name, message, tuple(parsed))


_IID = "interactionId?: string"

METHODS: dict[str, MethodSpec] = {
    spec.name: spec
    for spec in (
        _spec("getLoginState", "GET_LOGIN_STATE"),
        _spec("login", "LOGIN", "loginData: LoginData", "force?: boolean"),
        _spec("logout", "LOGOUT"),
        _spec("getAgentState", "GET_AGENT_STATE"),
        _spec("setAgentState", "SET_AGENT_STATE", "state: AgentState", "notReadyReason?: string"),
        _spec("getAgentNotReadyReasons", "GET_AGENT_NOT_READY_REASONS"),
        _spec("acceptInteraction", "ACCEPT_INTERACTION", _IID),
        _spec("rejectInteraction", "REJECT_INTERACTION", _IID),
        _spec("leaveInteraction", "LEAVE_INTERACTION", _IID),
        _spec("completeInteraction", "COMPLETE_INTERACTION", _IID),
        _spec(
            "leaveAndCompleteInteraction",
            "LEAVE_AND_COMPLETE_INTERACTION",
            "disposition?: string",
            "note?: string",
            _IID,
        ),
        _spec("switchActiveInteraction", "SWITCH_ACTIVE_INTERACTION", "interactionId: string"),
        _spec("getInteractionsState", "GET_INTERACTIONS_STATE"),
        _spec(
            "startCall",
            "START_CALL",
            "phoneNumber: string",
            "initialObject?: InteractionAssociatedObjectData",
        ),
        _spec(
            "startChat",
            "START_CHAT",
            "channel: ChatChannelType",
            "address: string",
            "initialObject?: InteractionAssociatedObjectData",
        ),
        _spec(
            "startEmail",
            "START_EMAIL",
            "email: string",
            "initialObject?: InteractionAssociatedObjectData",
        ),
        _spec("sendDtmf", "SEND_DTMF", "dtmf: string", _IID),
        _spec("consultCall", "CONSULT_CALL", "phone: string"),
        _spec(
            "blindTransfer",
            "BLIND_TRANSFER",
            "phone: string",
            "customTransferData?: CustomTransferData",
            _IID,
        ),
        _spec("transfer", "TRANSFER", "customTransferData?: CustomTransferData"),
        _spec(
            "inviteToCallConference",
            "INVITE_TO_CALL_CONFERENCE",
            "phone: string",
            "customTransferData?: CustomTransferData",
            _IID,
        ),
        _spec("removeFromCallConference", "REMOVE_FROM_CALL_CONFERENCE", "partyId: string", _IID),
        _spec("destroyCallConference", "DESTROY_CALL_CONFERENCE", _IID),
        _spec(
            "mergeAllCallsIntoConference",
            "MERGE_ALL_CALLS_INTO_CONFERENCE",
            "customTransferData?: CustomTransferData",
        ),
        _spec("inviteToChatConference", "INVITE_TO_CHAT_CONFERENCE", "partyId: string", _IID),
        _spec("removeFromChatConference", "REMOVE_FROM_CHAT_CONFERENCE", "partyId: string", _IID),
        _spec("setCallHold", "SET_CALL_HOLD", "state: boolean", _IID),
        # Later versions (simulator.contract.versions says which version has which method):
        _spec("setCallRecordingMute", "SET_CALL_RECORDING_MUTE", "state: boolean", _IID),
        _spec("openLogin", "OPEN_LOGIN"),
        _spec("getChatTranscript", "GET_CHAT_TRANSCRIPT", "interactionId?: string"),
        _spec("getVoiceTranscript", "GET_VOICE_TRANSCRIPT", "interactionId?: string"),
        _spec("setCallMute", "SET_CALL_MUTE", "state: boolean", _IID),
        _spec("setCallRecording", "SET_CALL_RECORDING", "state: boolean", _IID),
        _spec("sendChatMessage", "SEND_CHAT_MESSAGE", "message: string", _IID),
        _spec(
            "suggestChatMessage",
            "SUGGEST_CHAT_MESSAGE",
            "message: string",
            "allowOverwrite?: boolean",
            _IID,
        ),
        _spec("getTeams", "GET_TEAMS"),
        _spec("getTeamMembers", "GET_TEAM_MEMBERS", "teamId: string"),
        _spec("getServicesList", "GET_SERVICES_LIST"),
        _spec("getService", "GET_SERVICE"),
        _spec("setService", "SET_SERVICE", "service: string | null"),
        _spec("getDIDNumbersList", "GET_DID_LIST"),
        _spec("getDIDNumber", "GET_DID"),
        _spec("setDIDNumber", "SET_DID", "did: string | null"),
        _spec("getConfig", "GET_CONFIG"),
        _spec("getDispositionsList", "GET_DISPOSITIONS_LIST", "target?: DispositionTarget"),
        _spec("setDisposition", "SET_DISPOSITION", "disposition: string", _IID),
        _spec("setRescheduleWindow", "SET_RESCHEDULE", "rescheduleData: RescheduleData", _IID),
        _spec("addNote", "ADD_NOTE", "note: string", _IID),
        _spec("updateNote", "UPDATE_NOTE", "note: string", _IID),
        _spec("replaceNote", "REPLACE_NOTE", "note: string", _IID),
        _spec("setVariable", "SET_VARIABLE", "key: string", "value: string", _IID),
        _spec("getVariables", "GET_VARIABLES", "keys: string[]", _IID),
        _spec(
            "addInteractionAssociatedObject",
            "ADD_INTERACTION_ASSOCIATED_OBJECT",
            "object: InteractionAssociatedObjectData",
            _IID,
        ),
        _spec(
            "setInteractionActiveScreen",
            "SET_INTERACTION_ACTIVE_SCREEN",
            "screenData: InteractionScreen",
            _IID,
        ),
        _spec("getPhoneDevicesList", "GET_PHONE_DEVICES_LIST"),
        _spec("getPhoneDevice", "GET_PHONE_DEVICE"),
        _spec("setPhoneDevice", "SET_PHONE_DEVICE", "device: PhoneDeviceData"),
        _spec("getScreenRecordingState", "GET_SCREEN_RECORDING_STATE"),
        _spec("setScreenRecordingMute", "SET_SCREEN_RECORDING_MUTE", "state: boolean"),
        _spec("setWidgetMinimized", "SET_WIDGET_MINIMIZED", "state: boolean"),
        _spec("activatePage", "ACTIVATE_PAGE"),
        _spec("setDialCandidates", "SET_DIAL_CANDIDATES", "candidates: DialCandidate[]"),
    )
}
"""Every method by the vendor's name, in the order of the reference's method table."""

_BY_MESSAGE = {spec.message: spec for spec in METHODS.values()}


def method_named(name: str) -> MethodSpec | None:
    """The method called ``name``: the vendor's name (``setCallHold``) or its request message
    (``SET_CALL_HOLD``)."""
    return METHODS.get(name) or _BY_MESSAGE.get(name)


@dataclass(frozen=True)
class Foreign:
    """An argument JSON has no form for (bytes, a set, a date), as it comes to adsim's process
    from a plugin's own: its type's name and its ``repr`` (``stable_text``), so that the checks
    say of it what they say of the value itself with thread isolation."""

    type_name: str
    text: str

    def __repr__(self) -> str:
        return self.text


def _shown(value: Any) -> str:
    if isinstance(value, Foreign):
        return value.type_name
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 30 else value[:27] + "..."
        return f'"{text}"'
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "an array"
    return type(value).__name__


def _wanted(kind: str) -> str:
    """The type in words, for the message."""
    if kind.endswith("[]"):
        item = kind[:-2]
        return f"an array of {_PLURALS.get(item, f'{item} objects')}"
    if kind in _ENUMS:
        choices = _ENUMS[kind]
        return "one of " + ", ".join(choices[:6]) + (", ..." if len(choices) > 6 else "")
    return {
        "string": "a string",
        "boolean": "true or false",
        "number": "a number",
        "string | null": "a string or null",
        "DateTime": 'a string written "YYYY-MM-DD HH24:MM:SS"',
        "Record<string, string>": "an object of strings",
    }.get(kind, f"a {kind} object" if kind[0].isupper() else kind)


def _type_problem(kind: str, value: Any, label: str) -> str | None:
    """What is wrong with ``value`` as a ``kind`` (None when it fits)."""
    fits: bool
    if kind == "string":
        fits = isinstance(value, str)
    elif kind == "string | null":
        fits = value is None or isinstance(value, str)
    elif kind == "boolean":
        fits = isinstance(value, bool)
    elif kind == "number":
        fits = isinstance(value, int | float) and not isinstance(value, bool)
    elif kind == "DateTime":
        fits = isinstance(value, str) and _is_date_time(value)
    elif kind in _ENUMS:
        fits = isinstance(value, str) and value in _ENUMS[kind]
    elif kind == "Record<string, string>":
        fits = isinstance(value, Mapping) and all(isinstance(v, str) for v in value.values())
    elif kind in _SCALAR_RECORDS:
        if not isinstance(value, Mapping):
            return f"{label} must be an object, not {_shown(value)}"
        for key, item in value.items():
            if not isinstance(item, _SCALAR_RECORDS[kind]):
                return (
                    f"{label}.{key} must be text, a number, true, false or null, not {_shown(item)}"
                )
        return None
    elif kind.endswith("[]"):
        if not isinstance(value, list | tuple):
            return f"{label} must be {_wanted(kind)}, not {_shown(value)}"
        for index, item in enumerate(value):
            problem = _type_problem(kind[:-2], item, f"{label}[{index}]")
            if problem is not None:
                return problem
        return None
    elif kind in RECORDS:
        if not isinstance(value, Mapping):
            return f"{label} must be {_wanted(kind)}, not {_shown(value)}"
        for key, field_kind in RECORDS[kind].items():
            name = key.rstrip("?")
            if name not in value or (key.endswith("?") and value[name] is None):
                if key.endswith("?"):
                    continue
                return f"{label} needs {name} ({_wanted(field_kind)})"
            problem = _type_problem(field_kind, value[name], f"{label}.{name}")
            if problem is not None:
                return problem
        return None
    else:  # an unknown type name in the table is a bug of the table, not of the call
        raise KeyError(kind)
    return None if fits else f"{label} must be {_wanted(kind)}, not {_shown(value)}"


def _is_date_time(text: str) -> bool:
    if not _DATE_TIME.match(text):
        return False
    try:
        datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        return False
    return True


# Parameters whose type widened in a later version: (method, parameter) -> (since, type).
_WIDENED: dict[tuple[str, str], tuple[str, str]] = {
    # 5.24.1: startCall's second argument is InitialObjects (one record or an array of them);
    # so is startChat's and startEmail's third ("initialObject(s)?", reference section 2).
    ("startCall", "initialObject"): ("5.24.1", "InteractionAssociatedObjectData[]"),
    ("startChat", "initialObject"): ("5.24.1", "InteractionAssociatedObjectData[]"),
    ("startEmail", "initialObject"): ("5.24.1", "InteractionAssociatedObjectData[]"),
}
_LATER = ("5.24.1", "2026")


def argument_problem(
    method: str, args: Sequence[Any], api_version: str = "5.19", *, trees_checked: bool = False
) -> str | None:
    """One sentence saying what is wrong with ``args`` for ``method`` (the vendor's name or
    request message), or None when they fit its published signature in ``api_version``.
    ``trees_checked``: each of ``args`` is known to be a JSON tree already (``json_tree.scan``
    found no problem in it), and is not walked again for that."""
    spec = method_named(method)
    if spec is None:
        raise KeyError(method)
    params = spec.params
    widened = {
        param.name: kind
        for param in params
        for since, kind in [_WIDENED.get((spec.name, param.name), ("", ""))]
        if since and api_version in _LATER[_LATER.index(since) :]
    }
    for index, value in enumerate(() if trees_checked else args):
        # First: a value that contains itself would send every walk below round forever.
        name = params[index].name if index < len(params) else f"argument {index + 1}"
        problem = tree_problem(value, name)
        if problem is not None:
            return f"{spec.name}: {problem}; pass JSON data."
    if len(args) > len(params):
        most = len(params)
        return (
            f"{spec.name} takes {most or 'no'} argument{'' if most == 1 else 's'}, "
            f"not {len(args)}: {spec.signature}."
        )
    for index, param in enumerate(params):
        given = index < len(args)
        value = args[index] if given else None
        if not given or value is None:
            if param.optional or param.type == "string | null":
                continue
            return f"{spec.name} needs {param.name} ({_wanted(param.type)}): {spec.signature}."
        kind = param.type
        if param.name in widened and isinstance(value, list | tuple):
            kind = widened[param.name]
        problem = _type_problem(kind, value, param.name)
        if problem is not None:
            return f"{spec.name}: {problem}."
    return None
