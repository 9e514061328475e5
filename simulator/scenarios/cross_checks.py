"""The checks after validation, across the whole scenario: names given with ``as`` before ``on``
uses them, matchers, ``satisfies`` formulas, and payload keys per adApi version."""

from __future__ import annotations

import typing
from enum import Enum
from types import NoneType
from typing import Any

from pydantic import BaseModel

from simulator.contract import InteractionData, models_5_24_1, models_2026
from simulator.contract.events import EVENTS
from simulator.contract.versions import API_VERSIONS, events_for
from simulator.engine.settings import _LAST_MS
from simulator.scenarios.epoch_fields import (
    epoch_fields,
    epoch_mistakes,
    formula_epoch_mistakes,
)
from simulator.scenarios.event_scope import (
    EVENTS_ON_AN_INTERACTION,
    FIRST_ARGUMENT_KEYS,
    FIRST_ARGUMENT_NOT_A_MAPPING,
)
from simulator.scenarios.formula import FormulaError, parse_formula
from simulator.scenarios.matching import (
    OPERATORS,
    check_matcher,
    interaction_names,
    is_operator_map,
    pattern_error_offset,
)
from simulator.scenarios.model import ExpectSpec, Scenario
from simulator.scenarios.payload_names import name_mistakes
from simulator.scenarios.shapes import _NAMING
from simulator.scenarios.source import Mark, MarkedDict, char_mark, key_mark, locate
from simulator.scenarios.wording import _suggest

_INTERACTION_EVENTS = frozenset(
    {
        "ON_NEW_INTERACTION",
        "ON_INTERACTION_STATE_CHANGE",
        "ON_INTERACTION_REMOVED",
        "ON_SAVE_ACTIVITY_RECORD",
    }
)
_PAYLOAD_KEYS = tuple((info.alias or name) for name, info in InteractionData.model_fields.items())


def _single_value(annotation: Any) -> str | None:
    """What a payload field of this type holds when it is one value (``a number``), else None."""
    kinds = [arg for arg in (typing.get_args(annotation) or (annotation,)) if arg is not NoneType]
    if len(kinds) != 1 or not isinstance(kinds[0], type):
        return None
    if issubclass(kinds[0], Enum):
        return "a name"
    return {bool: "true or false", int: "a number", float: "a number", str: "text"}.get(kinds[0])


_SINGLE_VALUES = {
    (info.alias or name): kind
    for name, info in InteractionData.model_fields.items()
    if (kind := _single_value(info.annotation)) is not None
}
"""The payload keys that hold one value, not a mapping: what a mapping of fields never matches."""


def _keys(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple((info.alias or name) for name, info in model.model_fields.items())


# The payload keys of each adApi version (interaction events; the activity record from 5.24.1).
_VERSION_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "5.19": (_PAYLOAD_KEYS, _PAYLOAD_KEYS),
    "5.24.1": (
        _keys(models_5_24_1.InteractionData),
        _keys(models_5_24_1.InteractionActivityData),
    ),
    "2026": (_keys(models_2026.InteractionData), _keys(models_2026.InteractionActivityData)),
}


_ALL_KEYS = frozenset(key for pair in _VERSION_KEYS.values() for keys in pair for key in keys)


def _payload_keys(spec: ExpectSpec) -> tuple[str, ...]:
    """The keys an expectation may name: with ``api_version:``, those every version it lists
    has (it is checked in each); without, those of any version (the file may be run under
    any with ``--api-version``)."""
    side = 1 if spec.event is not None and spec.event.value == "ON_SAVE_ACTIVITY_RECORD" else 0
    if spec.api_version:
        versions = list(spec.api_version)
        common = set.intersection(*(set(_VERSION_KEYS[v][side]) for v in versions))
        return tuple(k for k in _VERSION_KEYS[versions[0]][side] if k in common)
    keys: dict[str, None] = {}
    for version in _VERSION_KEYS:
        keys.update(dict.fromkeys(_VERSION_KEYS[version][side]))
    return tuple(keys)


def _cross_check(scenario: Scenario, raw: MarkedDict, problem: Any) -> None:
    named: dict[str, int] = {}

    def use(name: str | None, path: tuple[Any, ...]) -> None:
        """``name`` (at ``path`` from the top of the file) must be given earlier with ``as``."""
        if name is None or name in named:
            return
        hint = f"; names so far: {', '.join(named)}" if named else "; no interaction is named yet"
        problem(
            locate(raw, path),
            f"no interaction is named `{name}`: name it first with `as: {name}` on a "
            f"{', '.join(_NAMING)} step{_suggest(name, list(named))}{hint}",
        )

    clock = scenario.settings.start_time_ms
    for index, step in enumerate(scenario.steps):
        at = ("steps", index)
        use(step.target, (*at, "on"))
        if step.key == "wait" and clock <= _LAST_MS:
            clock += step.value.total_ms
            if clock > _LAST_MS:  # as settings.start_time_ms: a timestamp past it is no date
                problem(
                    locate(raw, (*at, "wait")),
                    "wait: the simulated clock would pass 9999-12-31T23:59:59.999Z here, the "
                    "last instant a timestamp can show: shorten the waits (or an earlier "
                    "settings.start_time_ms)",
                )
        if step.key == "switch":
            use(step.value, (*at, "switch"))
        if step.key == "expect":
            many = isinstance(step.value, list)
            specs = step.value if many else [step.value]
            if many and not specs:  # it passed, checking nothing
                problem(
                    locate(raw, (*at, "expect")),
                    "expect: an empty list checks nothing: give at least one expectation",
                )
            for number, spec in enumerate(specs):
                inner = (*at, "expect", number) if many else (*at, "expect")
                _check_expect(
                    spec, raw, inner, problem, use, clock_start_ms=scenario.settings.start_time_ms
                )
        given = step.name_given
        if given is not None:
            if given in named:
                first = locate(raw, ("steps", named[given], "as"))
                problem(
                    locate(raw, (*at, "as")),
                    f"the name `{given}` is already given on line {first.line if first else '?'}"
                    ": give each interaction its own name",
                )
            else:
                named[given] = index


def _check_args_count(spec: ExpectSpec, raw: MarkedDict, at: tuple[Any, ...], problem: Any) -> None:
    """An argument past the event's last (in every adApi version) is never there: expecting a
    value there failed every run ("argument 3: expected 1, was absent"). ``null`` (absent) is
    true anyway."""
    assert spec.event is not None and spec.args is not None
    names = max(
        (
            events[spec.event].arguments
            for events in map(events_for, API_VERSIONS)
            if spec.event in events
        ),
        key=len,
        default=(),
    )
    for index in range(len(names), len(spec.args)):
        if spec.args[index] is not None:
            listed = ", ".join(names) or "none"
            problem(
                locate(raw, (*at, "args", index)),
                f"{spec.event} has {len(names)} argument(s) ({listed}): argument {index + 1} "
                "is never there, this can never match; drop it",
            )
            return


def _matcher_mark(
    raw: MarkedDict, where: tuple[Any, ...], value: Any, inner: tuple[Any, ...]
) -> Mark | None:
    """Where a matcher's problem is: a bad pattern's character, else the value's start."""
    mark = locate(raw, where)
    if inner and inner[-1] == "matches":
        pattern = value
        for part in inner:
            pattern = pattern[part]
        offset = pattern_error_offset(pattern) if isinstance(pattern, str) else None
        if offset is not None:
            return char_mark(raw.source_text, mark, pattern, offset)
    return mark


def _check_expect(
    spec: ExpectSpec,
    raw: MarkedDict,
    at: tuple[Any, ...],
    problem: Any,
    use: Any,
    *,
    clock_start_ms: int,
) -> None:
    use(spec.on, (*at, "on"))
    if spec.on is not None:
        _check_on(spec, raw, at, problem)
    if spec.event is not None and spec.event.value in FIRST_ARGUMENT_NOT_A_MAPPING:
        _check_no_fields(spec, raw, at, problem)
    matchers: list[tuple[tuple[Any, ...], Any]] = []
    if spec.payload is not None:
        matchers += [(("payload", key), value) for key, value in spec.payload.items()]
    if spec.args is not None:
        matchers += [(("args", index), value) for index, value in enumerate(spec.args)]
    if spec.handler is not None and spec.handler.result is not None:
        matchers.append((("handler", "result"), spec.handler.result))
    if spec.api is not None:
        matchers += [(("api", "args", i), value) for i, value in enumerate(spec.api.args or [])]
        if spec.api.data is not None:
            matchers.append((("api", "data"), spec.api.data))
    if spec.answer is not None:
        matchers.append((("answer",), spec.answer))
    if spec.satisfies is not None:
        _check_formula(spec, raw, at, problem, clock_start_ms)
    if spec.event is not None and spec.args:
        _check_args_count(spec, raw, at, problem)
    for path, value in matchers:
        for inner, message in check_matcher(value):
            problem(_matcher_mark(raw, (*at, *path, *inner), value, inner), message)
        if path[0] == "payload" and spec.event is not None:
            _check_single_value(str(path[1]), value, locate(raw, (*at, *path)), problem)
        moments = epoch_fields(spec.event.value) if spec.event is not None else frozenset()
        if moments:
            for field, inner, expected in _payload_fields(path, value):
                for number_at, message in epoch_mistakes(field, expected, clock_start_ms, moments):
                    problem(locate(raw, (*at, *inner, *number_at)), message)
        if spec.event is not None and spec.event.value in _INTERACTION_EVENTS:
            for field, inner, expected in _payload_fields(path, value):
                for text_at, message in name_mistakes(field, expected):
                    problem(locate(raw, (*at, *inner, *text_at)), message)
        for inner, name in interaction_names(value):
            use(name, (*at, *path, *inner))
    if spec.event is not None and spec.event.value in FIRST_ARGUMENT_KEYS:
        _check_fixed_keys(spec, raw, at, problem)
    if spec.event is not None and spec.event.value in _INTERACTION_EVENTS:
        known = _payload_keys(spec)
        for kind, where, key in _named_keys(spec):
            if key in known or (kind == "absent" and key in _ALL_KEYS):
                continue  # (a later version's key is absent from an earlier one's payload)
            if key in _ALL_KEYS:
                side = 1 if spec.event.value == "ON_SAVE_ACTIVITY_RECORD" else 0
                lacking = [v for v in spec.api_version or () if key not in _VERSION_KEYS[v][side]]
                versions = ", ".join(lacking or spec.api_version or ())
                problem(
                    locate(raw, (*at, *where)),
                    f"`{key}` is not in the {spec.event} payload of adApi {versions}: "
                    "check api_version: of this expect",
                )
                continue
            if key not in _PAYLOAD_KEYS:
                problem(
                    _key_mark(raw, at, kind, where, key),
                    f"`{key}` is not a key of InteractionData{_suggest(key, _PAYLOAD_KEYS)}; "
                    f"keys: {', '.join(_PAYLOAD_KEYS)}",
                )


def _named_keys(spec: ExpectSpec) -> list[tuple[str, tuple[Any, ...], str]]:
    """Every key of the event's first argument an expectation names, each with its kind and
    where its value is: ``payload``'s keys, a literal mapping's as the first of ``args``, and
    ``present``'s and ``absent``'s."""
    named: list[tuple[str, tuple[Any, ...], str]] = [
        ("payload", ("payload", key), str(key)) for key in spec.payload or {}
    ]
    first = spec.args[0] if spec.args else None
    if isinstance(first, dict) and not is_operator_map(first):
        named += [("args", ("args", 0, key), str(key)) for key in first]
    for kind in ("present", "absent"):
        named += [(kind, (kind, i), str(key)) for i, key in enumerate(getattr(spec, kind))]
    return named


def _key_mark(
    raw: MarkedDict, at: tuple[Any, ...], kind: str, where: tuple[Any, ...], key: str
) -> Mark | None:
    """Where a key an expectation names is written: the key itself in a mapping."""
    if kind in ("payload", "args"):
        return key_mark(raw, (*at, *where[:-1]), key)
    return locate(raw, (*at, *where))


def _check_on(spec: ExpectSpec, raw: MarkedDict, at: tuple[Any, ...], problem: Any) -> None:
    """``on:`` picks one interaction's events and names the interaction ``state`` reads: with
    an event that is never about an interaction, or with nothing it picks for, it checked
    nothing (or could never match)."""
    mark = locate(raw, (*at, "on"))
    if spec.event is not None and spec.event.value not in EVENTS_ON_AN_INTERACTION:
        hint = "drop on:"
        if spec.event.value == "ON_ACTIVE_INTERACTION_SWITCHED":
            hint = (
                f"for the switch to `{spec.on}`, drop on: and write args: "
                f"[{{interaction: {spec.on}}}]"
            )
        problem(
            mark,
            f"on: `{spec.on}` keeps the events about that interaction, and {spec.event.value} is "
            "never about one (the desktop sends it with no interaction): this expectation would "
            f"see no such event, ever, whatever happened (count: 0 always true); {hint}",
        )
    lone = [e.value for e in spec.order or () if e.value not in EVENTS_ON_AN_INTERACTION]
    if lone:
        problem(
            mark,
            f"on: `{spec.on}` keeps the events about that interaction, and {lone[0]} in order: is "
            "never about one (the desktop sends it with no interaction): this can never match; "
            "drop on:, or that event from order:",
        )
    if spec.event is None and spec.order is None and spec.state is None and not spec.no_events:
        looked = [name for name in ("agent", "handler", "api") if getattr(spec, name) is not None]
        problem(
            mark,
            f"on: `{spec.on}` picks the events (event, order, no_events) and the state an "
            f"expectation looks at, and {' and '.join(looked)} looks at no one interaction: "
            "on: would narrow nothing; drop it",
        )


def _check_no_fields(spec: ExpectSpec, raw: MarkedDict, at: tuple[Any, ...], problem: Any) -> None:
    """``payload``, ``present``, ``absent`` and ``satisfies`` read the fields of the event's
    first argument: of an event whose first argument is never a mapping they matched no event
    (``{event: ON_AGENT_STATE_CHANGE, payload: {state: ready}, count: 0}`` passed every run)."""
    assert spec.event is not None
    given = [
        name
        for name in ("payload", "present", "absent", "satisfies", "duration_rule")
        if getattr(spec, name)
    ]
    if not given:
        return
    event = spec.event.value
    names = EVENTS[spec.event].arguments
    first = f"its first argument ({names[0]}) is never a mapping" if names else "it has no argument"
    instead = f"match its arguments with args: [{', '.join(names)}]" if names else "drop it"
    problem(
        locate(raw, (*at, given[0])),
        f"{given[0]}: reads the fields of the event's first argument, and {event} has none: "
        f"{first}, so this never matches (count: 0 always true); {instead}",
    )


def _check_fixed_keys(spec: ExpectSpec, raw: MarkedDict, at: tuple[Any, ...], problem: Any) -> None:
    """The keys an expectation names must be keys the event's first argument has
    (``FIRST_ARGUMENT_KEYS``): a misspelt one matched nothing, silently."""
    assert spec.event is not None
    what, known = FIRST_ARGUMENT_KEYS[spec.event.value]
    listed = sorted(known)
    for kind, where, key in _named_keys(spec):
        if key not in known:
            problem(
                _key_mark(raw, at, kind, where, key),
                f"`{key}` is not a key of {spec.event.value}'s first argument ({what})"
                f"{_suggest(key, listed)}; keys: {', '.join(listed)}",
            )


def _payload_fields(path: tuple[Any, ...], value: Any) -> list[tuple[str, tuple[Any, ...], Any]]:
    """The payload fields a matcher at ``path`` names, each with where it is and what is
    expected of it: ``payload: {startTime: ...}``, or the first argument's fields (``args:
    [{startTime: ...}]``: the same payload)."""
    if path[0] == "payload":
        return [(str(path[1]), path, value)]
    if path == ("args", 0) and isinstance(value, dict) and not is_operator_map(value):
        return [(str(key), (*path, key), item) for key, item in value.items()]
    return []


def _check_single_value(key: str, value: Any, mark: Any, problem: Any) -> None:
    """A mapping of fields for a payload key that holds one value can never match: most often
    an operator misspelt (``{atleast: 120}``), which failed the run as if the payload were
    wrong."""
    kind = _SINGLE_VALUES.get(key)
    if kind is None or not isinstance(value, dict) or is_operator_map(value):
        return
    if any(name in OPERATORS for name in value):
        return  # operators mixed with fields: check_matcher says so
    first = str(next(iter(value), ""))
    problem(
        mark,
        f"`{key}` is {kind}, and a mapping of fields never matches it"
        f"{_suggest(first, sorted(OPERATORS)) if first else ''}; "
        f"operators: {', '.join(sorted(OPERATORS))}",
    )


def _check_formula(
    spec: ExpectSpec, raw: MarkedDict, at: tuple[Any, ...], problem: Any, clock_start_ms: int
) -> None:
    """``satisfies`` must parse, read fields the event's payload has, and compare a moment
    with nothing before the clock's start: errors point at the character inside the
    expression."""
    text = spec.satisfies or ""
    mark = locate(raw, (*at, "satisfies"))
    source = getattr(raw, "source_text", None)
    try:
        formula = parse_formula(text)
    except FormulaError as exc:
        problem(char_mark(source, mark, text, exc.offset), f"satisfies: {exc}")
        return
    if not formula.fields:  # ``1 == 1`` passed every event; ``1 == 2`` with count: 0 as well
        problem(
            mark,
            "satisfies: reads no field of the payload, so it is decided before any run (true "
            "of every event, or of none): name the fields it checks (duration == "
            "floor((endTime - startTime) / 1000))",
        )
        return
    if spec.event is not None:
        moments = epoch_fields(spec.event.value)
        for offset, message in formula_epoch_mistakes(formula, moments, clock_start_ms):
            problem(char_mark(source, mark, text, offset), f"satisfies: {message}")
    if spec.event is None:
        return
    if spec.event.value in _INTERACTION_EVENTS:
        what, known = "InteractionData", _PAYLOAD_KEYS
    elif spec.event.value in FIRST_ARGUMENT_KEYS:
        kind, keys = FIRST_ARGUMENT_KEYS[spec.event.value]
        what, known = f"{spec.event.value}'s first argument ({kind})", tuple(sorted(keys))
    else:
        return
    offsets = formula.field_offsets
    for name in formula.fields:
        if name not in known:
            problem(
                char_mark(source, mark, text, offsets[name]),
                f"satisfies: `{name}` is not a key of {what}{_suggest(name, list(known))}",
            )
