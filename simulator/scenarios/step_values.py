"""The values of the steps that act: who calls, what a chat says, where a transfer goes ...

Each model validates what follows a step's key (``- call: {service: Sales}``); most also take a
short form (``- call: Sales``). The steps themselves are in ``simulator.scenarios.steps``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar, Literal

from pydantic import ConfigDict, Field, model_validator
from pydantic.json_schema import JsonValue

from simulator.contract import InteractionOrigination
from simulator.scenarios.spec import (
    _DURATION_SCHEMA,
    _Spec,
    _text_short,
    parse_duration_ms,
    whole_ms,
)

__all__ = [
    "BlindTransferSpec",
    "CallSpec",
    "ChatConferenceSpec",
    "ChatSpec",
    "ConferenceSpec",
    "ConsultSpec",
    "CustomerSpec",
    "DialSpec",
    "EmailSpec",
    "KbFolderSpec",
    "KbSearchSpec",
    "LeaveAndCompleteSpec",
    "LoginSpec",
    "NoteSpec",
    "Nothing",
    "OpenRecordSpec",
    "RecordRef",
    "RecordRefSpec",
    "SearchRecordsSpec",
    "StartChatSpec",
    "StateSpec",
    "SummarySpec",
    "TranscriptSpec",
    "TransferSpec",
    "VariableSpec",
    "WaitSpec",
]

# ---------------------------------------------------------------------- time


class WaitSpec(_Spec):
    """Simulated time passing: ``- wait: 30s`` (timers fire on the way: ring timeout, far end
    answering, after-call work limit)."""

    short_schema: ClassVar[dict[str, Any] | None] = _DURATION_SCHEMA
    short_help: ClassVar[str] = "a duration (30s, 2m, 1m30s, 250ms or seconds as a number)"

    ms: float = Field(default=0, ge=0)
    """Milliseconds."""
    seconds: float = Field(default=0, ge=0)
    """Seconds."""
    minutes: float = Field(default=0, ge=0)
    """Minutes."""
    hours: float = Field(default=0, ge=0)
    """Hours."""

    @classmethod
    def _short(cls, value: Any) -> Any:
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return {"ms": parse_duration_ms(value)}
        return value

    def _exact_ms(self) -> Decimal:
        return Decimal(str(self.ms)) + 1000 * (
            Decimal(str(self.seconds))
            + 60 * (Decimal(str(self.minutes)) + 60 * Decimal(str(self.hours)))
        )

    @property
    def total_ms(self) -> int:
        """The whole duration in milliseconds."""
        return int(self._exact_ms().to_integral_value())

    @model_validator(mode="after")
    def _not_too_long(self) -> WaitSpec:
        total = self.ms + 1000 * (self.seconds + 60 * (self.minutes + 60 * self.hours))
        if total > 366 * 86_400_000:
            raise ValueError("a duration must be at most a year")
        whole_ms(self._exact_ms(), self.model_dump(exclude_defaults=True))
        return self


# ---------------------------------------------------------------------- customers and offers


class CustomerSpec(_Spec):
    """Who is on the other side; anything left out is drawn from the seed."""

    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    """Any dialable form: ``"+1 415 555 0134"``, ``14155550134``."""
    email: str | None = None
    company: str | None = None


class CallSpec(_Spec):
    """An inbound call arrives: ``- call: Sales`` or
    ``- call: {service: Sales, customer: {...}}``."""

    short_schema: ClassVar[dict[str, Any] | None] = {"type": "string", "description": "service"}
    short_help: ClassVar[str] = "a service name"
    _short = _text_short("service")

    service: str | None = None
    """The service called (id or name); the tenant's first inbound voice service by default."""
    customer: CustomerSpec | None = None
    """The caller; a generated customer by default."""
    attached_data: dict[str, str] = Field(default_factory=dict)
    """Scenario variables the call carries (``attachedData``)."""
    transfer_data: dict[str, Any] | None = None
    """The call arrives as a transfer with this data (``ON_LOAD_TRANSFER_DATA``)."""
    direct: bool = False
    """Called the agent directly: delivered whatever the agent's state."""


class ChatSpec(_Spec):
    """A chat starts: ``- chat: Web Chat`` or ``- chat: {message: "Hi", customer: {...}}``."""

    short_schema: ClassVar[dict[str, Any] | None] = {"type": "string", "description": "service"}
    short_help: ClassVar[str] = "a service name"
    _short = _text_short("service")

    service: str | None = None
    """The chat service (id or name); the tenant's first chat service by default."""
    customer: CustomerSpec | None = None
    message: str | None = None
    """The customer's first message."""
    attached_data: dict[str, str] = Field(default_factory=dict)


class EmailSpec(_Spec):
    """An email arrives: ``- email: {subject: "Order 1234", body: "Where is it?"}``."""

    short_schema: ClassVar[dict[str, Any] | None] = {"type": "string", "description": "service"}
    short_help: ClassVar[str] = "a service name"
    _short = _text_short("service")

    service: str | None = None
    """The email service (id or name); the tenant's first email service by default."""
    customer: CustomerSpec | None = None
    subject: str | None = None
    body: str | None = None
    attached_data: dict[str, str] = Field(default_factory=dict)


class DialSpec(_Spec):
    """The agent dials out: ``- dial: "+1 415 555 0134"`` (an extension dials a colleague)."""

    short_schema: ClassVar[dict[str, Any] | None] = {"type": "string", "description": "number"}
    short_help: ClassVar[str] = "a phone number"
    _short = _text_short("phone")

    phone: str
    """The number or extension."""
    origination: InteractionOrigination | None = None
    """``integration-api`` (the default), ``dialpad`` (typed in the window), ..."""
    initial_object: dict[str, Any] | None = None
    """A CRM record to associate (``startCall``'s ``initialObject``)."""


class StartChatSpec(_Spec):
    """The agent starts a chat on the selected chat service (``startChat``):
    ``- start_chat: {channel: sms, address: "+1 415 555 0134"}``."""

    channel: str
    """``sms``, ``web``, ``facebook``, ``telegram`` ... (``ChatChannelType``)."""
    address: str
    """Where to write: a phone number for SMS, an address or id otherwise."""
    initial_object: dict[str, Any] | None = None
    """A CRM record to associate (``initialObject``)."""


def _given(*keys: str) -> list[JsonValue]:
    """One JSON Schema alternative per key: that key is there, and not null."""
    return [{"required": [key], "properties": {key: {"not": {"type": "null"}}}} for key in keys]


class ChatConferenceSpec(_Spec):
    """A colleague joins or leaves a chat: ``{invite: "2001"}`` or ``{remove: "2001"}`` (a user
    id, an extension, or a ``ChatParty`` id). ``- chat_conference: "2001"`` invites."""

    short_schema: ClassVar[dict[str, Any] | None] = {"type": "string", "description": "invite"}
    short_help: ClassVar[str] = "a colleague to invite"
    _short = _text_short("invite")
    # The editor refuses what ``_one_thing`` refuses: neither, or both.
    model_config = ConfigDict(json_schema_extra={"oneOf": _given("invite", "remove")})

    invite: str | None = None
    remove: str | None = None

    @model_validator(mode="after")
    def _one_thing(self) -> ChatConferenceSpec:
        if (self.invite is None) == (self.remove is None):
            raise ValueError("give exactly one of invite or remove")
        return self


class ConsultSpec(_Spec):
    """Hold the active call and dial someone to consult: ``- consult: "2001"``."""

    short_schema: ClassVar[dict[str, Any] | None] = {"type": "string", "description": "number"}
    short_help: ClassVar[str] = "a phone number or extension"
    _short = _text_short("phone")

    phone: str
    origination: InteractionOrigination | None = None


class TransferSpec(_Spec):
    """Transfer data for a transfer or conference (``CustomTransferData``); without it the engine
    asks the handlers with ``ON_REQUEST_TRANSFER_DATA``."""

    data: dict[str, Any] | None = None


class BlindTransferSpec(_Spec):
    """Send the call on: ``- blind_transfer: "2001"``; a chat goes to a colleague or a chat
    service (added to the chat, then the agent leaves)."""

    short_schema: ClassVar[dict[str, Any] | None] = {"type": "string", "description": "number"}
    short_help: ClassVar[str] = "a phone number or extension"
    _short = _text_short("to")

    to: str
    """Where to: a number or an extension; for a chat, a colleague's extension or user id, or a
    chat service's name."""
    data: dict[str, Any] | None = None
    """Transfer data; without it the handlers are asked (``ON_REQUEST_TRANSFER_DATA``)."""


class ConferenceSpec(_Spec):
    """A conference: ``{invite: "2001"}``, ``{remove: "2001"}`` (a number or a party id) or
    ``{end: true}`` (drop everyone added). ``- conference: "2001"`` invites. On a chat, a chat
    conference (as ``chat_conference``)."""

    short_schema: ClassVar[dict[str, Any] | None] = {"type": "string", "description": "invite"}
    short_help: ClassVar[str] = "a number to invite"
    _short = _text_short("invite")
    # The editor refuses what ``_one_thing`` refuses: none of them, or two.
    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [
                *_given("invite", "remove"),
                {"required": ["end"], "properties": {"end": {"const": True}}},
            ],
            # Transfer data goes with an invite only: ``{remove, data}`` sent it nowhere.
            "if": {"required": ["data"], "properties": {"data": {"type": "object"}}},
            "then": {"oneOf": _given("invite")},
        }
    )

    invite: str | None = None
    remove: str | None = None
    end: bool = False
    data: dict[str, Any] | None = None
    """Transfer data for an invite; without it the handlers are asked."""

    @model_validator(mode="after")
    def _one_thing(self) -> ConferenceSpec:
        chosen = [n for n in ("invite", "remove") if getattr(self, n) is not None]
        if self.end:
            chosen.append("end")
        if len(chosen) != 1:
            raise ValueError("give exactly one of invite, remove or end")
        if self.data is not None and chosen != ["invite"]:
            # Only an invite carries transfer data: with remove or end it was dropped, silently.
            raise ValueError(
                f"data: is the transfer data of an invite: with {chosen[0]} it would go "
                "nowhere; drop it, or invite"
            )
        return self


class NoteSpec(_Spec):
    """A note: ``- note: "Asked for a refund"``; ``mode: update`` replaces the latest note,
    ``replace`` replaces them all."""

    short_schema: ClassVar[dict[str, Any] | None] = {"type": "string"}
    short_help: ClassVar[str] = "the note's text"
    _short = _text_short("text")

    text: str
    mode: Literal["add", "update", "replace"] = "add"


class StateSpec(_Spec):
    """The agent chooses a state: ``- set_state: ready`` or
    ``- set_state: {state: not_ready, reason: Lunch}``."""

    short_schema: ClassVar[dict[str, Any] | None] = {"enum": ["ready", "not_ready", "supervising"]}
    short_help: ClassVar[str] = "ready, not_ready or supervising"
    _short = _text_short("state")
    # The editor refuses what ``_reason_only_when_not_ready`` refuses.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"required": ["reason"], "properties": {"reason": {"not": {"type": "null"}}}},
            "then": {"properties": {"state": {"const": "not_ready"}}},
        }
    )

    state: Literal["ready", "not_ready", "supervising"]
    reason: str | None = None
    """A configured Not Ready reason (required for not_ready)."""

    @model_validator(mode="after")
    def _reason_only_when_not_ready(self) -> StateSpec:
        # The desktop drops a reason given with ready or supervising: the run passed, and the
        # agent was never "ready (Lunch)" as the file says.
        if self.reason is not None and self.state != "not_ready":
            raise ValueError(
                f"a reason goes with not_ready only: in {self.state} the desktop drops it; "
                "drop reason:, or set state: not_ready"
            )
        return self


class VariableSpec(_Spec):
    """Set a scenario variable (``setVariable``): ``- variable: {name: order, value: "1234"}``."""

    name: str
    value: str


class LoginSpec(_Spec):
    """Log in (the tenant's credentials by default)."""

    username: str | None = None
    password: str | None = None


class LeaveAndCompleteSpec(_Spec):
    """Disconnect and finish in one go (``leaveAndCompleteInteraction``)."""

    disposition: str | None = None
    note: str | None = None


class KbSearchSpec(_Spec):
    """The agent searches the knowledge base: ``- kb_search: "reset password"`` or
    ``- kb_search: {query: ..., language: en, folder_id: F-1}`` (``ON_SEARCH_KNOWLEDGE_BASE``)."""

    short_schema: ClassVar[dict[str, Any] | None] = {"type": "string", "description": "query"}
    short_help: ClassVar[str] = "the search text"
    _short = _text_short("query")

    query: str
    language: str | None = None
    folder_id: str | None = None
    """Search inside this folder (5.24.1)."""


class KbFolderSpec(_Spec):
    """The agent opens a knowledge-base folder (the root without ``folder_id``)."""

    short_schema: ClassVar[dict[str, Any] | None] = {"type": "string", "description": "folder"}
    short_help: ClassVar[str] = "a folder id"
    _short = _text_short("folder_id")

    folder_id: str | None = None
    language: str | None = None


class RecordRefSpec(_Spec):
    """A CRM record by id and type: ``{id: "0031", type: Contact}``."""

    id: str
    type: str


class OpenRecordSpec(_Spec):
    """The agent opens a CRM record (``ON_OPEN_RECORD``)."""

    record: dict[str, Any]
    """The record (``InteractionAssociatedObjectData``)."""
    in_new_tab: bool = False
    source: Literal["user", "scenario"] = "user"


class SearchRecordsSpec(_Spec):
    """The agent searches CRM records: ``- search_records: "Ann Lee"`` (``ON_SEARCH_RECORDS``)."""

    short_schema: ClassVar[dict[str, Any] | None] = {"type": "string", "description": "text"}
    short_help: ClassVar[str] = "the search text"
    _short = _text_short("text")

    text: str
    types: list[str] = Field(default_factory=list)
    """Record types to search (all when empty)."""


# ---------------------------------------------------------------------- the desktop's own


class Nothing(_Spec):
    """A step that takes no value: ``- accept``, ``- accept:`` or ``- accept: {}``."""


class RecordRef(_Spec):
    """A CRM record known by id and type only (a Bright Pattern scenario's CRM screen pop)."""

    id: str
    type: str


class SummarySpec(_Spec):
    """The desktop generates the interaction's summary (2026): ``- summary: {topics: {Reason:
    Billing}}``, or ``{error: timeout}`` for a failed generation."""

    topics: dict[str, str] | None = None
    """The summary's topics, name -> value (``ON_SUMMARY_GENERATION_COMPLETED`` success)."""
    error: str | None = None
    """A failed generation's ``errorCode`` (instead of topics)."""
    seconds: float = Field(default=2, ge=0, le=86_400, allow_inf_nan=False)
    """How long the generation takes (STARTED now, COMPLETED this much later)."""


class TranscriptSpec(_Spec):
    """A line speech recognition heard on a call (2026, ``ON_VOICE_TRANSCRIPT_MESSAGE``):
    ``- transcript: "I want a refund"`` (the customer) or ``{text: ..., party: agent}``."""

    short_schema: ClassVar[dict[str, Any] | None] = {"type": "string", "description": "text"}
    short_help: ClassVar[str] = "what the customer said"
    _short = _text_short("text")

    text: str
    party: Literal["customer", "agent"] = "customer"
