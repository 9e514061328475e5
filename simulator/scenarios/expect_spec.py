"""The ``expect`` step's models: what an expectation may check (events and payloads, counts, the
agent's and an interaction's state, handler outcomes, the handlers' adApi calls).

Checking them against a run is ``simulator.scenarios.expectations``.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, TypeAlias

from pydantic import ConfigDict, Field, field_validator, model_validator

from simulator.contract import EventName, InteractionState, ResultErrorCode
from simulator.contract.events import EVENTS
from simulator.contract.methods import METHODS, method_named
from simulator.scenarios.spec import ApiVersionName, _Spec, _text_short

__all__ = [
    "ERROR_NAMES",
    "AgentExpect",
    "AgentStateName",
    "ApiExpect",
    "CodeName",
    "CountSpec",
    "ErrorName",
    "ExpectSpec",
    "HandlerExpect",
    "Matcher",
]

# ---------------------------------------------------------------------- expectations

ERROR_NAMES: tuple[str, ...] = (*(code.name for code in ResultErrorCode), "any")
"""What ``expect_error`` accepts: a ``ResultErrorCodes`` name, or ``any``."""

if TYPE_CHECKING:
    # Literals built from the vendor's codes at run time: statically, names are text.
    ErrorName: TypeAlias = str
    CodeName: TypeAlias = str
else:
    ErrorName = Literal[ERROR_NAMES]
    CodeName = Literal[tuple(code.name for code in ResultErrorCode)]


class CountSpec(_Spec):
    """How many: ``count: 2`` or ``count: {at_least: 1, at_most: 3}``."""

    short_schema: ClassVar[dict[str, Any] | None] = {"type": "integer", "minimum": 0}
    short_help: ClassVar[str] = "a whole number"
    # The editor refuses what ``_some_count_refused`` refuses: {} and {at_least: 0} alone.
    model_config = ConfigDict(
        json_schema_extra={
            "minProperties": 1,
            "not": {
                "properties": {"at_least": {"const": 0}},
                "required": ["at_least"],
                "maxProperties": 1,
            },
        }
    )

    exactly: int | None = Field(default=None, ge=0)
    at_least: int | None = Field(default=None, ge=0)
    at_most: int | None = Field(default=None, ge=0)

    @field_validator("exactly", "at_least", "at_most", mode="before")
    @classmethod
    def _a_count_not_true_or_false(cls, value: Any) -> Any:
        # pydantic takes true as 1: ``count: {at_least: true}`` checked for one.
        if isinstance(value, bool):
            raise ValueError(f"expected a whole number, got {str(value).lower()}")
        return value

    @classmethod
    def _short(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return {"exactly": value}
        return value  # ``count: "2"`` is text: refused as a number in quotes would be

    @model_validator(mode="after")
    def _some_count_refused(self) -> CountSpec:
        # ``count: {}`` and ``{at_least: 0}`` take every count, none included: the expectation
        # passed whatever came.
        if self.exactly is None and self.at_most is None and not self.at_least:
            given = "{}" if self.at_least is None else "{at_least: 0}"
            raise ValueError(
                f"{given} takes every count, 0 included: it checks nothing; write a "
                "number (count: 2, count: 0 for none) or bounds ({at_least: 1, at_most: 3})"
            )
        return self

    @model_validator(mode="after")
    def _some_count_matches(self) -> CountSpec:
        # ``{at_least: 3, at_most: 1}`` failed every run, and ``{exactly: 2, at_least: 3}``
        # said only "expected exactly 2" when 2 came: a mistake of the file, not of the run.
        low = max((n for n in (self.exactly, self.at_least) if n is not None), default=0)
        high = min((n for n in (self.exactly, self.at_most) if n is not None), default=low)
        if low > high:
            given = [
                f"{name.replace('_', ' ')} {value}"
                for name, value in (
                    ("exactly", self.exactly),
                    ("at_least", self.at_least),
                    ("at_most", self.at_most),
                )
                if value is not None
            ]
            raise ValueError(f"no count is {' and '.join(given)}: this can never match")
        return self

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

    @model_validator(mode="after")
    def _reason_only_when_not_ready(self) -> AgentExpect:
        # The agent has a reason in not_ready only (the engine drops it otherwise): this
        # expectation failed every run, "expected the agent ready (X), the agent is ready".
        if self.reason is not None and self.state != "not_ready":
            raise ValueError(
                f"an agent has a reason in not_ready only, never in {self.state}: this can "
                "never match; drop reason:, or expect state: not_ready"
            )
        return self


class HandlerExpect(_Spec):
    """Handler outcomes (needs ``--handler``): ``handler: {event: ON_SAVE_ACTIVITY_RECORD,
    status: ok}``; ``count: 0`` with ``status: error`` asserts that no handler failed."""

    event: EventName | None = None
    handler: str | None = None
    """The handler's qualified name, or its last part."""
    plugin: str | None = None
    status: Literal["ok", "error", "timeout", "junk", "crashed"] | None = None
    """The outcome's status; ``crashed``: the plugin's process died during the call."""
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
    error: CodeName | None = None
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


def _one_version_or_more(schema: dict[str, Any]) -> None:
    """The editor takes what adsim takes: one version (``api_version: "5.19"``) or a list of
    one or more (``[]`` would check the expectation under no version)."""
    for branch in schema.get("anyOf", []):
        if branch.get("type") == "array":
            branch["minItems"] = 1
            schema["anyOf"].insert(0, dict(branch["items"]))
            return


def _given(key: str, value: dict[str, Any] | None = None) -> dict[str, Any]:
    """JSON Schema: ``key`` is there, and not null (or is ``value``)."""
    return {"required": [key], "properties": {key: value or {"not": {"type": "null"}}}}


_CHECKS = ("event", "order", "state", "agent", "handler", "api")
_NEED_EVENT = ("payload", "args", "count", "satisfies", "duration_rule", "answer")
_EXPECT_SCHEMA: dict[str, Any] = {
    # The editor refuses what ``_something_to_check`` refuses.
    "anyOf": [*map(_given, _CHECKS), _given("no_events", {"const": True})],
    "allOf": [
        *({"if": _given(key), "then": _given("event")} for key in _NEED_EVENT),
        *(
            {"if": _given(key, {"minItems": 1}), "then": _given("event")}
            for key in ("present", "absent")
        ),
        {"if": _given("last", {"const": True}), "then": _given("event")},
        {"if": _given("no_events", {"const": True}), "then": {"not": _given("event")}},
    ],
}


class ExpectSpec(_Spec):
    """An assertion on what happened so far: events and their payloads, the state of an
    interaction or of the agent, handler outcomes."""

    model_config = ConfigDict(json_schema_extra=_EXPECT_SCHEMA)

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
    names the item of that customer interaction on this desktop), its state and its handlers'
    outcomes and calls; the tenant's agent by default."""
    api_version: list[ApiVersionName] | None = Field(
        default=None, json_schema_extra=_one_version_or_more
    )
    """Check this only when the run's adApi version is one of these (payloads differ by
    version: ``api_version: [5.24.1, "2026"]``, or one: ``api_version: "5.19"``); every
    version by default."""

    @field_validator("api_version", mode="before")
    @classmethod
    def _versions_as_text(cls, value: Any) -> Any:
        if value is None:
            return None
        values = value if isinstance(value, list) else [value]
        if not values:  # the expectation would be checked under no version: never
            raise ValueError(
                "[] checks this under no version: it checks nothing; give one or more of "
                "5.19, 5.24.1, 2026, or leave api_version out to check it under every version"
            )
        return [
            str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v for v in values
        ]

    @model_validator(mode="after")
    def _something_to_check(self) -> ExpectSpec:
        if not self.no_events and all(getattr(self, name) is None for name in _CHECKS):
            raise ValueError(
                "say what to expect: event, order, no_events, state, agent, handler or api"
            )
        if self.no_events and self.event is not None:
            raise ValueError("no_events checks that nothing came; for one event use count: 0")
        needs_event = [name for name in _NEED_EVENT if getattr(self, name) is not None]
        needs_event += [name for name in ("present", "absent", "last") if getattr(self, name)]
        if needs_event and self.event is None:
            if len(needs_event) == 1:
                listed = f"{needs_event[0]} needs"
            else:
                listed = f"{', '.join(needs_event[:-1])} and {needs_event[-1]} need"
            raise ValueError(f"{listed} an event: add event: NAME")
        if self.last and self.count is not None and not any(map(self.count.accepts, (0, 1))):
            raise ValueError(  # it failed every run: one event is never 2
                f"last: true looks at one event, and count {self.count.describe()} never "
                "matches one: drop last or the count"
            )
        if self.order == []:  # it checked nothing, and counted as a check that passed
            raise ValueError("order is empty: list the events in the order they must come")
        if (
            self.answer is not None
            and self.event is not None
            and not EVENTS[self.event].needs_response  # it failed every run
        ):
            answered = ", ".join(e.name.value for e in EVENTS.values() if e.needs_response)
            raise ValueError(f"answer: {self.event.value} takes no answer; these do: {answered}")
        if self.adjacent and self.order is None:
            raise ValueError("adjacent goes with order: list the events that come together")
        if self.exact_args and self.args is None:
            raise ValueError("exact_args goes with args: list every argument")
        return self
