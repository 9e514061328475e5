"""The scenario file format: pydantic models of every step, validated from YAML.

A scenario is a mapping with a list of ``steps``. Each step is a one-key mapping named after what
happens (``- call: Sales``, ``- wait: 30s``, ``- expect: {...}``), or just the name when it needs
nothing (``- accept``). A few modifiers may sit beside the step's key:

- ``as: NAME`` on the steps that create an interaction (call, chat, email, dial, consult), so
  that later steps and expectations can refer to it;
- ``on: NAME`` on the steps that act on one interaction (the active one by default);
- ``expect_error: CODE`` on any action, to test an action the engine must refuse
  (``not_suitable_state``, ``no_disposition`` ..., or ``any``).

``Step`` is the discriminated union of every step model, keyed by the step's name;
``STEP_TYPES`` maps each name to its model. The JSON Schema (``scenario.schema.json``) is
generated from these models.
"""

from __future__ import annotations

import difflib
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from simulator.contract import (
    EventName,
    InteractionOrigination,
    InteractionState,
    ResultErrorCode,
)
from simulator.contract.methods import METHODS, method_named
from simulator.engine import Settings

__all__ = [
    "ERROR_NAMES",
    "STEP_TYPES",
    "AgentExpect",
    "AgentSpec",
    "ApiExpect",
    "CallSpec",
    "ChatSpec",
    "ConferenceSpec",
    "CountSpec",
    "CustomerSpec",
    "DialSpec",
    "EmailSpec",
    "ExpectSpec",
    "HandlerExpect",
    "NoteSpec",
    "Nothing",
    "Scenario",
    "Step",
    "StepModel",
    "parse_duration_ms",
]


ApiVersionName = Literal["5.19", "5.24.1", "2026"]
"""An adApi version a scenario can run against."""


class _Spec(BaseModel):
    """Base of every scenario model: unknown keys are errors, numbers are accepted as text."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        coerce_numbers_to_str=True,
        use_attribute_docstrings=True,
        populate_by_name=True,
    )

    short_schema: ClassVar[dict[str, Any] | None] = None
    """JSON Schema of the short form (``- call: Sales``) when the model has one."""
    short_help: ClassVar[str] = ""
    """What the short form is, for error messages (``a service name``)."""

    @classmethod
    def _short(cls, value: Any) -> Any:
        """Turn the short form into the mapping form (unchanged when there is none)."""
        return value

    @model_validator(mode="before")
    @classmethod
    def _expand_short_form(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return data
        return cls._short(data)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        schema = handler(core_schema)
        if cls.short_schema is None:
            return schema
        return {"anyOf": [dict(cls.short_schema), handler.resolve_ref_schema(schema)]}


def _text_short(field: str):
    """A ``_short`` that turns a plain value into ``{field: value}``."""

    def short(cls: type[_Spec], value: Any) -> Any:
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return {field: value}
        return value

    return classmethod(short)


# ---------------------------------------------------------------------- durations

_DURATION = re.compile(r"(\d+(?:\.\d+)?|\.\d+)\s*(ms|h|m|s)", re.IGNORECASE)
_UNIT_MS = {"ms": Decimal(1), "s": Decimal(1000), "m": Decimal(60_000), "h": Decimal(3_600_000)}


def parse_duration_ms(value: Any) -> int:
    """Milliseconds of a duration: seconds as a number, or text like ``30s``, ``1m30s``,
    ``250ms``, ``1.5s``, ``2h``. Raises ``ValueError`` saying what is accepted."""
    if isinstance(value, bool):
        raise ValueError("a duration is a number of seconds or text like 30s, 2m, 1m30s, 250ms")
    if isinstance(value, int | float):
        try:
            ms = Decimal(str(value)) * 1000
        except InvalidOperation:
            raise ValueError("a duration must be a finite number of seconds") from None
    elif isinstance(value, str):
        text = value.strip().replace(" ", "")
        if not text:
            raise ValueError("a duration cannot be empty: write 30s, 2m, 1m30s or 250ms")
        try:
            ms = Decimal(text) * 1000
        except InvalidOperation:
            parts = list(_DURATION.finditer(text))
            if not parts or "".join(p.group(0) for p in parts) != text:
                raise ValueError(
                    f"{value!r} is not a duration: write 30s, 2m, 1m30s, 1.5s or 250ms"
                ) from None
            ms = sum((Decimal(p.group(1)) * _UNIT_MS[p.group(2).lower()] for p in parts), Decimal())
    else:
        raise ValueError("a duration is a number of seconds or text like 30s, 2m, 1m30s, 250ms")
    if not ms.is_finite():
        raise ValueError("a duration must be a finite number")
    if ms < 0:
        raise ValueError("a duration must be zero or more")
    if ms > 366 * 86_400_000:
        raise ValueError("a duration must be at most a year")
    return int(ms.to_integral_value())


_DURATION_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "number", "minimum": 0, "description": "seconds"},
        {
            "type": "string",
            "pattern": r"^\s*((\d+(\.\d+)?|\.\d+)\s*(ms|h|m|s)\s*)+$",
            "description": "30s, 2m, 1m30s, 1.5s, 250ms",
        },
    ]
}


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

    @property
    def total_ms(self) -> int:
        """The whole duration in milliseconds."""
        total = Decimal(str(self.ms)) + 1000 * (
            Decimal(str(self.seconds))
            + 60 * (Decimal(str(self.minutes)) + 60 * Decimal(str(self.hours)))
        )
        return int(total.to_integral_value())

    @model_validator(mode="after")
    def _not_too_long(self) -> WaitSpec:
        total = self.ms + 1000 * (self.seconds + 60 * (self.minutes + 60 * self.hours))
        if total > 366 * 86_400_000:
            raise ValueError("a duration must be at most a year")
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


class ChatConferenceSpec(_Spec):
    """A colleague joins or leaves a chat: ``{invite: "2001"}`` or ``{remove: "2001"}`` (a user
    id, an extension, or a ``ChatParty`` id). ``- chat_conference: "2001"`` invites."""

    short_schema: ClassVar[dict[str, Any] | None] = {"type": "string", "description": "invite"}
    short_help: ClassVar[str] = "a colleague to invite"
    _short = _text_short("invite")

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

    state: Literal["ready", "not_ready", "supervising"]
    reason: str | None = None
    """A configured Not Ready reason (required for not_ready)."""


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


# ---------------------------------------------------------------------- expectations

ERROR_NAMES: tuple[str, ...] = (*(code.name for code in ResultErrorCode), "any")
"""What ``expect_error`` accepts: a ``ResultErrorCodes`` name, or ``any``."""

ErrorName = Literal[ERROR_NAMES]  # type: ignore[valid-type]
CodeName = Literal[tuple(code.name for code in ResultErrorCode)]  # type: ignore[valid-type]


class CountSpec(_Spec):
    """How many: ``count: 2`` or ``count: {at_least: 1, at_most: 3}``."""

    short_schema: ClassVar[dict[str, Any] | None] = {"type": "integer", "minimum": 0}
    short_help: ClassVar[str] = "a whole number"

    exactly: int | None = Field(default=None, ge=0)
    at_least: int | None = Field(default=None, ge=0)
    at_most: int | None = Field(default=None, ge=0)

    @classmethod
    def _short(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return {"exactly": value}
        if isinstance(value, str) and value.strip().isdigit():
            return {"exactly": int(value)}
        return value

    def accepts(self, n: int) -> bool:
        """Whether ``n`` is an accepted count."""
        if self.exactly is not None and n != self.exactly:
            return False
        if self.at_least is not None and n < self.at_least:
            return False
        return not (self.at_most is not None and n > self.at_most)

    def describe(self) -> str:
        """``exactly 2``, ``at least 1``, ``between 1 and 3``."""
        if self.exactly is not None:
            return f"exactly {self.exactly}"
        if self.at_least is not None and self.at_most is not None:
            return f"between {self.at_least} and {self.at_most}"
        if self.at_most is not None:
            return f"at most {self.at_most}"
        return f"at least {self.at_least if self.at_least is not None else 1}"


AgentStateName = Literal[
    "ready", "not_ready", "supervising", "busy", "after_call_work", "logged_out"
]


class AgentExpect(_Spec):
    """The agent's state now: ``agent: ready`` or ``agent: {state: not_ready, reason: Lunch}``."""

    short_schema: ClassVar[dict[str, Any] | None] = {
        "enum": ["ready", "not_ready", "supervising", "busy", "after_call_work", "logged_out"]
    }
    short_help: ClassVar[str] = "an agent state"
    _short = _text_short("state")

    state: AgentStateName
    reason: str | None = None


class HandlerExpect(_Spec):
    """Handler outcomes (needs ``--handler``): ``handler: {event: ON_SAVE_ACTIVITY_RECORD,
    status: ok}``; ``count: 0`` with ``status: error`` asserts that no handler failed."""

    event: EventName | None = None
    handler: str | None = None
    """The handler's qualified name, or its last part."""
    plugin: str | None = None
    status: Literal["ok", "error", "timeout", "junk"] | None = None
    result: Any = None
    """A matcher for what the handler returned (as for ``payload``)."""
    count: CountSpec | None = None
    """How many outcomes match; at least one by default."""


Matcher = Annotated[
    Any,
    Field(
        json_schema_extra={
            "description": "A value to compare with (a literal), a mapping of fields to match "
            "(partial), or operators: equals, not, at_least, at_most, greater_than, less_than, "
            "one_of, contains, matches, present, length, interaction."
        }
    ),
]


class ApiExpect(_Spec):
    """The envelopes the handlers' ``ad_api`` calls received (needs ``--handler``):
    ``api: {method: setDisposition, error: object_not_found}``; ``count: 0`` with ``status:
    error`` asserts that no call was refused."""

    method: str
    """The vendor's method name (``setDisposition``) or its request message
    (``SET_DISPOSITION``)."""
    plugin: str | None = None
    """Only calls of this plugin."""
    status: Literal["success", "error"] | None = None
    """The envelope's status."""
    error: CodeName | None = None  # type: ignore[valid-type]
    """The error's name (``invalid_args`` ...): the call was refused with it."""
    args: list[Matcher] | None = None
    """The call's arguments, in order (as for an event's ``args``)."""
    data: Any = None
    """A matcher for the envelope's ``data``."""
    count: CountSpec | None = None
    """How many calls match; at least one by default."""

    @field_validator("method")
    @classmethod
    def _known_method(cls, value: str) -> str:
        if method_named(value) is None:
            close = difflib.get_close_matches(value, list(METHODS), n=1, cutoff=0.6)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            raise ValueError(f"`{value}` is not an adApi method{hint}")
        return value


class ExpectSpec(_Spec):
    """An assertion on what happened so far: events and their payloads, the state of an
    interaction or of the agent, handler outcomes."""

    event: EventName | None = None
    """The event to look for."""
    on: str | None = None
    """Only events of this interaction (named with ``as``); also the interaction ``state``
    reads."""
    payload: dict[str, Matcher] | None = None
    """Fields of the event's first argument (``InteractionData`` ...) to match."""
    args: list[Matcher] | None = None
    """The event's positional arguments to match, in order."""
    present: list[str] = Field(default_factory=list)
    """Payload keys that must be there."""
    absent: list[str] = Field(default_factory=list)
    """Payload keys that must be left out (the vendor omits unset keys)."""
    count: CountSpec | None = None
    """How many matching events; at least one by default."""
    last: bool = False
    """Match only the last such event (the interaction as it is now)."""
    since: Literal["start", "last_step", "last_expect"] = "start"
    """Which events to look at: all, those of the step just before, or those since the
    previous ``expect``."""
    order: list[EventName] | None = None
    """These events came in this order (others may come in between unless ``adjacent``)."""
    adjacent: bool = False
    """With ``order``: the events came one right after the other, nothing in between (among
    ``on``'s events when ``on`` is given)."""
    exact_args: bool = False
    """With ``args``: the event has exactly these arguments, no more (``[not_ready]`` does not
    match ``[not_ready, "No Answer"]``)."""
    no_events: bool = False
    """No event at all came in the span (``since``; only ``on``'s events when given)."""
    satisfies: str | None = None
    """A computed check on the payload, e.g. ``duration == floor((endTime - startTime) / 1000)``
    (fields, numbers, + - * / // %, comparisons, and/or/not, floor/ceil/round/abs/len/present)."""
    duration_rule: Literal["floor", "ceil", "round"] | None = None
    """Named rule: ``duration`` is ``(endTime - startTime) / 1000`` rounded this way."""
    api: ApiExpect | None = None
    answer: Any = None
    """With ``event``: a matcher for the answer the integration gave to an event that needs one
    (``ON_SEARCH_KNOWLEDGE_BASE`` ...): the last handler's, or the default when none answered."""
    state: InteractionState | None = None
    """The interaction's state now (``completed`` once it is gone)."""
    agent: AgentExpect | None = None
    handler: HandlerExpect | None = None
    by: str | None = None
    """Look at this agent's desktop (of ``agents``): its events, its interactions (``on``
    names the item of that customer interaction on this desktop) and its state; the tenant's
    agent by default."""
    api_version: list[ApiVersionName] | None = None
    """Check this only when the run's adApi version is one of these (payloads differ by
    version: ``api_version: [5.24.1, "2026"]``); every version by default."""

    @field_validator("api_version", mode="before")
    @classmethod
    def _versions_as_text(cls, value: Any) -> Any:
        if value is None:
            return None
        values = value if isinstance(value, list) else [value]
        return [
            str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v for v in values
        ]

    @model_validator(mode="after")
    def _something_to_check(self) -> ExpectSpec:
        checks = (self.event, self.order, self.state, self.agent, self.handler, self.api)
        if not self.no_events and not any(value is not None for value in checks):
            raise ValueError(
                "say what to expect: event, order, no_events, state, agent, handler or api"
            )
        if self.no_events and self.event is not None:
            raise ValueError("no_events checks that nothing came; for one event use count: 0")
        needs_event = [
            name
            for name in ("payload", "args", "count", "satisfies", "duration_rule", "answer")
            if getattr(self, name) is not None
        ]
        needs_event += [name for name in ("present", "absent", "last") if getattr(self, name)]
        if needs_event and self.event is None:
            raise ValueError(f"{', '.join(needs_event)} need an event: add event: NAME")
        if self.adjacent and self.order is None:
            raise ValueError("adjacent goes with order: list the events that come together")
        if self.exact_args and self.args is None:
            raise ValueError("exact_args goes with args: list every argument")
        return self


# ---------------------------------------------------------------------- steps


class StepModel(_Spec):
    """Base of every step model: ``key`` is the step's name."""

    key: ClassVar[str] = ""
    bare: ClassVar[bool] = False
    """True when the step may be written as just its name (``- accept``)."""
    is_action: ClassVar[bool] = True
    """False for ``wait`` and ``expect``, which ask nothing of the engine."""
    example: ClassVar[str] = ""

    @model_validator(mode="before")
    @classmethod
    def _expand_bare(cls, data: Any) -> Any:
        if isinstance(data, str) and data == cls.key:
            return {cls.key: None}
        return data

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        schema = handler(core_schema)
        if not cls.bare:
            return schema
        return {"anyOf": [{"const": cls.key}, handler.resolve_ref_schema(schema)]}

    @property
    def value(self) -> Any:
        """The step's own value (what follows ``key:``)."""
        return getattr(self, self.key)

    @property
    def target(self) -> str | None:
        """The interaction named with ``on``, if the step has one."""
        return getattr(self, "on", None)

    @property
    def name_given(self) -> str | None:
        """The name given with ``as``, if the step has one."""
        return getattr(self, "as_", None)


class _ActionStep(StepModel):
    expect_error: ErrorName | None = None  # type: ignore[valid-type]
    """This action must fail with this error code (``any``: with any error)."""
    by: str | None = None
    """The agent (of ``agents``) whose desktop acts; the tenant's agent by default."""


class _OnStep(_ActionStep):
    on: str | None = None
    """The interaction to act on (named with ``as``); the active one by default."""


class _AsStep(_ActionStep):
    as_: str | None = Field(default=None, alias="as")
    """A name for the interaction this step creates, for ``on:`` and ``expect``."""


def _step(
    key: str, annotation: Any, base: type[StepModel], doc: str, example: str, **extra: Any
) -> type[StepModel]:
    """Build the model of one step whose value is ``annotation`` under the key ``key``."""
    bare = extra.pop("bare", False)
    is_action = extra.pop("is_action", True)
    namespace: dict[str, Any] = {
        "__doc__": doc,
        "__module__": __name__,
        "__annotations__": {key: annotation},
        "key": key,
        "bare": bare,
        "is_action": is_action,
        "example": example,
    }
    name = "".join(part.capitalize() for part in key.split("_")) + "Step"
    return type(name, (base,), namespace)


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


_NONE = Nothing | None
_STEPS: list[type[StepModel]] = [
    # the agent's session
    _step("login", LoginSpec | None, _ActionStep, "Log in.", "- login", bare=True),
    _step("logout", _NONE, _ActionStep, "Log out (no interactions left).", "- logout", bare=True),
    _step(
        "set_state",
        StateSpec,
        _ActionStep,
        "The agent picks a state.",
        "- set_state: {state: not_ready, reason: Lunch}",
    ),
    # the customer's side
    _step("call", CallSpec | None, _AsStep, "An inbound call.", "- call: Sales", bare=True),
    _step("chat", ChatSpec | None, _AsStep, "A chat starts.", "- chat: {message: Hi}", bare=True),
    _step(
        "email", EmailSpec | None, _AsStep, "An email arrives.", "- email: {subject: Hi}", bare=True
    ),
    _step(
        "hang_up",
        Literal["agent", "customer"] | None,
        _OnStep,
        "Someone hangs up (the agent by default; a chat customer leaves).",
        "- hang_up: customer",
        bare=True,
    ),
    _step(
        "answer",
        None,
        _OnStep,
        "The far end of a dialled call answers.",
        "- answer",
        bare=True,
    ),
    _step("customer_says", str, _OnStep, "The customer writes in a chat.", '- customer_says: "Hi"'),
    # the agent's actions on interactions
    _step("accept", _NONE, _OnStep, "Accept the offered interaction.", "- accept", bare=True),
    _step("reject", _NONE, _OnStep, "Reject the offered interaction.", "- reject", bare=True),
    _step("leave", _NONE, _OnStep, "Hang up / close (leaveInteraction).", "- leave", bare=True),
    _step("hold", _NONE, _OnStep, "Put the call on hold.", "- hold", bare=True),
    _step("resume", _NONE, _OnStep, "Take the call off hold.", "- resume", bare=True),
    _step("mute", _NONE, _OnStep, "Mute the microphone.", "- mute", bare=True),
    _step("unmute", _NONE, _OnStep, "Unmute the microphone.", "- unmute", bare=True),
    _step(
        "record",
        Literal["start", "stop"] | bool | None,
        _OnStep,
        "Start (default) or stop recording the call.",
        "- record: start",
        bare=True,
    ),
    _step("dtmf", str, _OnStep, "Send DTMF tones.", '- dtmf: "123#"'),
    _step("dial", DialSpec, _AsStep, "Dial out.", '- dial: "+1 415 555 0134"'),
    _step("consult", ConsultSpec, _AsStep, "Start a consult call.", '- consult: "2001"'),
    _step(
        "transfer",
        TransferSpec | None,
        _ActionStep,
        "Complete the consult transfer.",
        "- transfer",
        bare=True,
    ),
    _step(
        "blind_transfer",
        BlindTransferSpec,
        _OnStep,
        "Transfer the call without consulting.",
        '- blind_transfer: "2001"',
    ),
    _step(
        "conference",
        ConferenceSpec,
        _OnStep,
        "Invite to, remove from or end a conference.",
        '- conference: {invite: "2001"}',
    ),
    _step("agent_says", str, _OnStep, "The agent writes in a chat.", '- agent_says: "Hello"'),
    _step(
        "start_chat",
        StartChatSpec,
        _AsStep,
        "Start a chat on the selected chat service (startChat).",
        '- start_chat: {channel: sms, address: "+1 415 555 0134"}',
    ),
    _step(
        "chat_conference",
        ChatConferenceSpec,
        _OnStep,
        "Invite a colleague to a chat or remove one (inviteToChatConference ...).",
        '- chat_conference: {invite: "2001"}',
    ),
    _step("reply", str, _OnStep, "The agent replies to an email.", '- reply: "Done."'),
    _step("disposition", str, _OnStep, "Set the disposition.", "- disposition: Product sold"),
    _step("note", NoteSpec, _OnStep, "Add a note.", '- note: "Wants a callback"'),
    _step("variable", VariableSpec, _OnStep, "Set a scenario variable.", "- variable: {...}"),
    _step(
        "associate",
        dict[str, Any],
        _OnStep,
        "Associate a CRM record (addInteractionAssociatedObject).",
        "- associate: {id: '0031', type: Contact, displayName: Ann Lee, displayType: Contact}",
    ),
    _step(
        "screen",
        dict[str, Any],
        _OnStep,
        "Remember the CRM screen of an interaction (setInteractionActiveScreen).",
        "- screen: {url: https://crm.example.com/contact/0031}",
    ),
    _step(
        "crm_pop",
        RecordRef,
        _OnStep,
        "The Bright Pattern scenario pops a CRM record it knows by id and type (from 5.24.1 "
        "the desktop asks ON_REQUEST_RECORD_INFO, then ON_OPEN_RECORD).",
        "- crm_pop: {id: '0031', type: Contact}",
    ),
    _step(
        "record_mute",
        bool | None,
        _OnStep,
        "Mute (default) or unmute the call's recording (setCallRecordingMute, 5.24.1).",
        "- record_mute: true",
        bare=True,
    ),
    _step(
        "summary",
        SummarySpec | None,
        _OnStep,
        "The desktop generates the interaction's summary (ON_SUMMARY_GENERATION_STARTED, then "
        "ON_SUMMARY_GENERATION_COMPLETED; 2026).",
        "- summary: {topics: {Reason: Billing}}",
        bare=True,
    ),
    _step(
        "transcript",
        TranscriptSpec,
        _OnStep,
        "Speech recognition hears a line on the call (ON_VOICE_TRANSCRIPT_MESSAGE; 2026).",
        '- transcript: "I want a refund"',
    ),
    _step("switch", str, _ActionStep, "Make a named interaction active.", "- switch: first"),
    _step("complete", _NONE, _OnStep, "Finish after-call work.", "- complete", bare=True),
    _step(
        "leave_and_complete",
        LeaveAndCompleteSpec | None,
        _OnStep,
        "Disconnect and complete at once.",
        "- leave_and_complete: {disposition: Problem solved}",
        bare=True,
    ),
    _step("set_service", str | None, _ActionStep, "Pick the outbound service.", "- set_service: X"),
    _step("set_did", str | None, _ActionStep, "Pick the outbound DID.", '- set_did: "14155550200"'),
    # the agent's own panels (events the flow of an interaction never sends)
    _step(
        "kb_search",
        KbSearchSpec,
        _ActionStep,
        "Search the knowledge base (ON_SEARCH_KNOWLEDGE_BASE).",
        '- kb_search: "reset password"',
    ),
    _step(
        "kb_article",
        str,
        _ActionStep,
        "Open a knowledge-base article (ON_GET_KNOWLEDGE_BASE_ARTICLE).",
        "- kb_article: KB-1",
    ),
    _step(
        "kb_folder",
        KbFolderSpec | None,
        _ActionStep,
        "Open a knowledge-base folder, the root by default (ON_GET_KNOWLEDGE_BASE_FOLDER).",
        "- kb_folder",
        bare=True,
    ),
    _step(
        "validate_records",
        _NONE,
        _OnStep,
        "Ask the integration whether the associated records are valid "
        "(ON_VALIDATE_ASSOCIATED_RECORDS).",
        "- validate_records",
        bare=True,
    ),
    _step(
        "record_info",
        RecordRefSpec,
        _ActionStep,
        "Ask the integration about a record (ON_REQUEST_RECORD_INFO).",
        "- record_info: {id: '0031', type: Contact}",
    ),
    _step(
        "record_on_screen",
        _NONE,
        _ActionStep,
        "Ask for the record the CRM shows (ON_REQUEST_RECORD_ON_SCREEN).",
        "- record_on_screen",
        bare=True,
    ),
    _step(
        "open_record",
        OpenRecordSpec,
        _OnStep,
        "Open a CRM record (ON_OPEN_RECORD).",
        "- open_record: {record: {id: '0031', type: Contact, displayName: Ann, displayType: "
        "Contact}}",
    ),
    _step(
        "search_records",
        SearchRecordsSpec,
        _OnStep,
        "Search CRM records (ON_SEARCH_RECORDS).",
        '- search_records: "Ann Lee"',
    ),
    # time and checks
    _step("wait", WaitSpec, StepModel, "Let simulated time pass.", "- wait: 30s", is_action=False),
    _step(
        "expect",
        ExpectSpec | list[ExpectSpec],
        StepModel,
        "Check what happened.",
        "- expect: {event: ON_SAVE_ACTIVITY_RECORD, payload: {disposition: Product sold}}",
        is_action=False,
    ),
]

STEP_TYPES: dict[str, type[StepModel]] = {model.key: model for model in _STEPS}
"""Every step model by its name, in the order the documentation lists them."""

MODIFIERS = frozenset({"on", "as", "expect_error"})
"""Keys that may sit beside a step's key."""


def step_key(value: Any) -> str | None:
    """The step name of a raw step (``"accept"`` or ``{"call": ..., "as": ...}``)."""
    if isinstance(value, str):
        return value if value in STEP_TYPES else None
    if isinstance(value, dict):
        for key in value:
            if isinstance(key, str) and key in STEP_TYPES:
                return key
    return None


Step = Annotated[
    Union[tuple(Annotated[model, Tag(model.key)] for model in _STEPS)],  # type: ignore[valid-type]  # noqa: UP007
    Discriminator(
        step_key,
        custom_error_type="unknown_step",
        custom_error_message="not a step",
    ),
]
"""One step: the union of every step model, told apart by the step's name."""


class AgentSpec(_Spec):
    """A simulated agent of the scenario: ``- omar`` or ``- {name: bob, team: T-SALES,
    state: not_ready}``."""

    short_schema: ClassVar[dict[str, Any] | None] = {"type": "string"}
    short_help: ClassVar[str] = "an agent name"
    _short = _text_short("name")

    name: str
    """A team member of the tenant (first name, login id or extension), the tenant's agent, or
    a new agent (then give its ``team``)."""
    team: str | None = None
    """The team id of a new agent."""
    state: Literal["ready", "not_ready", "logged_out"] = "ready"
    """How the agent starts."""


class Scenario(_Spec):
    """A scripted flow: who the agent is, what happens, and what must have happened."""

    api_version: ApiVersionName | None = None
    """The adApi contract to simulate: ``"5.19"`` (default), ``"5.24.1"`` or ``"2026"``
    (``adsim run --api-version`` overrides it)."""
    name: str | None = None
    """A title for reports (the file name by default)."""
    description: str = ""
    tenant: str | dict[str, Any] | None = None
    """A tenant file (relative to this file) or the tenant itself; the built-in one by default."""
    seed: int = 0
    """Seeds generated customers and ids: the same seed gives the same events, byte for byte."""
    settings: Settings = Field(default_factory=Settings)
    """Engine settings to change (timings, where the vendor is silent)."""
    agent: Literal["ready", "not_ready", "logged_out"] = "ready"
    """How the agent starts: logged in and Ready (default), logged in Not Ready, or logged out."""
    handlers: list[str] = Field(default_factory=list)
    """Handler files or folders this scenario needs (relative to this file), loaded besides
    any ``--handler``: a scenario that expects an integration's answers runs with them."""
    allow_handler_errors: bool = False
    """Handler errors do not fail the run (for scenarios that test failing handlers)."""
    agents: list[AgentSpec] = Field(default_factory=list)
    """More simulated agents, each with a desktop of their own (steps name one with ``by``);
    listing the tenant's agent sets how it starts. None: the tenant's agent alone."""
    steps: list[Step] = Field(default_factory=list)  # type: ignore[valid-type]
    """What happens, in order."""

    @field_validator("settings", mode="before")
    @classmethod
    def _no_settings(cls, value: Any) -> Any:
        return {} if value is None else value

    @field_validator("api_version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        # ``api_version: 2026`` in YAML is a number; ``5.24.1`` is text, ``5.19`` a float.
        return (
            str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
        )

    @model_validator(mode="after")
    def _version_into_settings(self) -> Scenario:
        version = self.api_version
        if version is None or version == self.settings.api_version:
            return self
        if "api_version" in self.settings.model_fields_set:
            raise ValueError(
                f"api_version: {version!r} and settings.api_version: "
                f"{self.settings.api_version!r} disagree: keep one"
            )
        settings = self.settings.model_copy(update={"api_version": version})
        return self.model_copy(update={"settings": settings})

    def for_api_version(self, version: str) -> Scenario:
        """This scenario run against ``version`` (``adsim run --api-version``)."""
        settings = self.settings.model_copy(update={"api_version": version})
        return self.model_copy(update={"api_version": version, "settings": settings})
