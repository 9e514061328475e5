"""Checking ``expect`` steps against the events so far, the engine's state and handler outcomes.

``check()`` returns what failed, one readable message each: what was expected, and what came
instead (the closest event, or the events that did come).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from simulator.engine import AgentDesktop, Event
from simulator.scenarios.agents import held_elsewhere
from simulator.scenarios.event_scope import not_in_version
from simulator.scenarios.formula import Formula, parse_formula
from simulator.scenarios.handler_expectations import check_api, check_handler
from simulator.scenarios.matching import MISSING, MatchTimeoutError, as_json, describe, mismatches
from simulator.scenarios.model import ExpectSpec

__all__ = ["ExpectContext", "check", "format_offset"]


@dataclass
class ExpectContext:
    """What an expectation can look at."""

    sim: AgentDesktop
    events: Sequence[Event]
    names: Mapping[str, str]
    """Interaction names given with ``as`` -> interaction ids."""
    host: Any = None
    last_step_from: int = 0
    """Index in ``events`` where the step before this expect began."""
    last_expect_from: int = 0
    """Index in ``events`` just after the previous expect."""
    start_ms: int = 0

    def offset(self, time_ms: int) -> str:
        """``time_ms`` as an offset from the run's start: ``+0:05``."""
        return format_offset(time_ms - self.start_ms)


def format_offset(ms: int) -> str:
    """``+1:02:03.250`` (hours only when needed, ms only when not whole seconds)."""
    sign = "-" if ms < 0 else "+"
    ms = abs(ms)
    seconds, millis = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    text = f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"
    if millis:
        text += f".{millis:03}"
    return sign + text


def applies(spec: ExpectSpec, version: str) -> bool:
    """Whether ``spec`` is checked under adApi ``version`` (its ``api_version:``, if any)."""
    return spec.api_version is None or version in spec.api_version


def check(spec: ExpectSpec, ctx: ExpectContext) -> list[str]:
    """Every way ``spec`` is not met (empty when it is). A ``matches`` search that gave up is
    a failure of its own, once: never a pass, and no search of the other events after it."""
    try:
        return _check(spec, ctx)
    except MatchTimeoutError as exc:
        return [str(exc)]


def _check(spec: ExpectSpec, ctx: ExpectContext) -> list[str]:
    failures: list[str] = []
    if not applies(spec, ctx.sim.api_version.value):
        return failures  # this version's payload is different: another expect checks it
    missing = not_in_version(spec, ctx.sim.api_version.value)
    if missing is not None:
        return [missing]
    iid: str | None = None
    if spec.on is not None:
        iid = ctx.names.get(spec.on)
        if iid is None:
            return [f"`{spec.on}` was never created (the step that names it failed)"]
    if spec.no_events:
        failures += _check_no_events(spec, ctx, iid)
    if spec.event is not None:
        failures += _check_events(spec, ctx, iid)
    if spec.order is not None and spec.adjacent:
        failures += _check_adjacent(spec, ctx, iid)
    elif spec.order is not None:
        failures += _check_order(spec, ctx, iid)
    if spec.state is not None:
        failures += _check_state(spec, ctx, iid)
    if spec.agent is not None:
        agent = ctx.sim.agent
        state = agent.phase.value
        if state != spec.agent.state or (
            spec.agent.reason is not None and agent.reason != spec.agent.reason
        ):
            want = spec.agent.state + (f" ({spec.agent.reason})" if spec.agent.reason else "")
            got = state + (f" ({agent.reason})" if agent.reason else "")
            if _several(ctx):  # "the agent is busy" named nobody of several
                name = ctx.sim.name
                failures.append(f"expected the agent {want} on {name}'s desktop, {name} is {got}")
            else:
                failures.append(f"expected the agent {want}, the agent is {got}")
    if spec.handler is not None:
        failures += check_handler(spec.handler, ctx)
    if spec.api is not None:
        failures += check_api(spec.api, ctx)
    return failures


_RULES = {
    "floor": "duration == floor((endTime - startTime) / 1000)",
    "ceil": "duration == ceil((endTime - startTime) / 1000)",
    "round": "duration == round((endTime - startTime) / 1000)",
}


@lru_cache(maxsize=256)
def _formula(text: str) -> Formula:
    return parse_formula(text)


def formulas(spec: ExpectSpec) -> list[Formula]:
    """The computed checks of an expectation: ``satisfies`` and the named ``duration_rule``."""
    found = []
    if spec.satisfies is not None:
        found.append(_formula(spec.satisfies))
    if spec.duration_rule is not None:
        found.append(_formula(_RULES[spec.duration_rule]))
    return found


def _window(spec: ExpectSpec, ctx: ExpectContext) -> Sequence[Event]:
    if spec.since == "last_step":
        return ctx.events[ctx.last_step_from :]
    if spec.since == "last_expect":
        return ctx.events[ctx.last_expect_from :]
    return ctx.events


def _payload(event: Event) -> Any:
    return event.wire_args[0] if event.wire_args else MISSING


def _event_mismatches(spec: ExpectSpec, event: Event, names: Mapping[str, str]) -> list[str]:
    found: list[str] = []
    if spec.payload is not None or spec.present or spec.absent:
        payload = _payload(event)
        if not isinstance(payload, dict):
            return [f"its first argument is {as_json(payload)}, not a mapping"]
        if spec.payload is not None:
            found += mismatches(dict(spec.payload), payload, names)
        found += [
            f"{key}: expected present, was absent" for key in spec.present if key not in payload
        ]
        there = [key for key in spec.absent if key in payload]
        found += [f"{key}: expected absent, was {as_json(payload[key])}" for key in there]
    if spec.args is not None:
        for index, want in enumerate(spec.args):
            got = event.wire_args[index] if index < len(event.wire_args) else MISSING
            found += mismatches(want, got, names, f"argument {index + 1}")
        if spec.exact_args and len(event.wire_args) > len(spec.args):
            extra = ", ".join(as_json(arg) for arg in event.wire_args[len(spec.args) :])
            found.append(f"expected exactly {len(spec.args)} argument(s), also came: {extra}")
    if spec.answer is not None:
        if event.response is None:
            found.append(f"{event.name} takes no answer")
        else:
            found += mismatches(spec.answer, event.response.value, names, "answer")
    checks = formulas(spec)
    if checks:
        payload = _payload(event)
        if not isinstance(payload, dict):
            return [*found, f"its first argument is {as_json(payload)}, not a mapping"]
        for formula in checks:
            failure = formula.failure(payload)
            if failure is not None:
                found.append(failure)
    return found


def _conditions(spec: ExpectSpec) -> str:
    parts = [f"{key} {describe(value)}" for key, value in (spec.payload or {}).items()]
    parts += [f"argument {i + 1} {describe(v)}" for i, v in enumerate(spec.args or [])]
    if spec.exact_args:
        parts.append("no other arguments")
    if spec.answer is not None:
        parts.append(f"answer {describe(spec.answer)}")
    parts += [formula.text for formula in formulas(spec)]
    parts += [f"{key} present" for key in spec.present]
    parts += [f"{key} absent" for key in spec.absent]
    return f" with {', '.join(parts)}" if parts else ""


_SINCE = {"start": "", "last_step": " in the step before", "last_expect": " since last expect"}


def _what(spec: ExpectSpec) -> str:
    on = f" on `{spec.on}`" if spec.on else ""
    return f"{spec.event}{on}{_conditions(spec)}{_SINCE[spec.since]}"


def _last_failure(
    spec: ExpectSpec,
    ctx: ExpectContext,
    iid: str | None,
    results: list[tuple[Event, list[str]]],
    window: Any,
) -> str:
    """Why ``last: true`` failed, said of the one event it looks at (it read "expected at least
    1 the last ON_... with ...; 0 came")."""
    on = f" on `{spec.on}`" if spec.on else ""
    what = f"{spec.event}{on}{_SINCE[spec.since]}"
    conditions = _conditions(spec)
    unwanted = spec.count is not None and not spec.count.accepts(1)  # count: 0
    if conditions:
        head = f"expected the last {what} {'not ' if unwanted else ''}to be one{conditions}"
    else:
        head = f"expected {'no' if unwanted else 'an'} {what}"
    if not results:
        return f"{head}. {_none_at_all(spec, ctx, iid, window)}"
    ((event, found),) = results
    if not found:
        return (
            f"{head}; it is: {_label(event, ctx)}"
            if conditions
            else f"{head}; {event.name} {_label(event, ctx)} came"
        )
    detail = "; ".join(found[:4]) + ("; ..." if len(found) > 4 else "")
    return f"{head}; it is not: {event.name} {_label(event, ctx)}: {detail}"


def _none_at_all(spec: ExpectSpec, ctx: ExpectContext, iid: str | None, window: Any) -> str:
    """``No ON_... at all; came: ...``; with several agents, an ``on:`` interaction that is on
    another agent's desktop only is said as that (it read "came: no events at all")."""
    on = f" on `{spec.on}`" if spec.on else ""
    elsewhere = held_elsewhere(ctx.sim, iid) if iid is not None and _several(ctx) else None
    if elsewhere is None:
        return f"No {spec.event}{on} at all; came: {_tally(window)}"
    tenant_agent = ctx.sim.center.desktops[0].name
    look = "an expectation without `by:`" if elsewhere == tenant_agent else f"`by: {elsewhere}`"
    return (
        f"No {spec.event}{on} at all: `{spec.on}` is on {elsewhere}'s desktop, not on "
        f"{ctx.sim.name}'s ({look} looks there)"
    )


def _several(ctx: ExpectContext) -> bool:
    """Whether the scenario has more agents than the tenant's (``agents:``)."""
    return len(ctx.sim.center.desktops) > 1


def _label(event: Event, ctx: ExpectContext) -> str:
    return f"#{event.seq} at {ctx.offset(event.time_ms)}"


def _tally(events: Sequence[Event]) -> str:
    if not events:
        return "no events at all"
    counts = Counter(e.name.value for e in events)
    return ", ".join(f"{name} x{n}" for name, n in counts.items())


def _check_events(spec: ExpectSpec, ctx: ExpectContext, iid: str | None) -> list[str]:
    window = _window(spec, ctx)
    if iid is not None:
        window = [e for e in window if e.interaction_id == iid]
    candidates = [e for e in window if e.name is spec.event]
    if spec.last:
        candidates = candidates[-1:]
    results = [(event, _event_mismatches(spec, event, ctx.names)) for event in candidates]
    matching = [event for event, found in results if not found]
    count = spec.count
    accepted = count.accepts(len(matching)) if count is not None else bool(matching)
    if accepted:
        return []
    if spec.last:
        return [_last_failure(spec, ctx, iid, results, window)]
    wanted = count.describe() if count is not None else "at least 1"
    head = f"expected {wanted} {_what(spec)}; {len(matching)} came"
    if matching:
        shown = ", ".join(_label(e, ctx) for e in matching[:6])
        return [f"{head}: {shown}{' ...' if len(matching) > 6 else ''}"]
    if results:
        event, found = min(reversed(results), key=lambda pair: len(pair[1]))
        detail = "; ".join(found[:4]) + ("; ..." if len(found) > 4 else "")
        return [f"{head}. Closest: {event.name} {_label(event, ctx)}: {detail}"]
    return [f"{head}. {_none_at_all(spec, ctx, iid, window)}"]


def _check_order(spec: ExpectSpec, ctx: ExpectContext, iid: str | None) -> list[str]:
    window = _window(spec, ctx)
    if iid is not None:
        window = [e for e in window if e.interaction_id == iid]
    wanted = list(spec.order or [])
    position = 0
    last: Event | None = None
    for event in window:
        if position < len(wanted) and event.name is wanted[position]:
            position += 1
            last = event
    if position == len(wanted):
        return []
    chain = ", then ".join(name.value for name in wanted)
    on = f" on `{spec.on}`" if spec.on else ""
    missing = wanted[position].value
    if last is None:
        return [f"expected {chain}{on}; no {missing} came ({_tally(window)})"]
    after = [e for e in window if e.seq > last.seq]
    came = ", ".join(e.name.value for e in after[:8]) or "nothing"
    return [
        f"expected {chain}{on}; after {last.name} {_label(last, ctx)} no {missing} came "
        f"(came after it: {came}{' ...' if len(after) > 8 else ''})"
    ]


def _check_no_events(spec: ExpectSpec, ctx: ExpectContext, iid: str | None) -> list[str]:
    window = _window(spec, ctx)
    if iid is not None:
        window = [e for e in window if e.interaction_id == iid]
    if not window:
        return []
    since = {"start": "", "last_step": " in the step before", "last_expect": " since last expect"}
    on = f" on `{spec.on}`" if spec.on else ""
    shown = ", ".join(f"{e.name} {_label(e, ctx)}" for e in window[:6])
    more = " ..." if len(window) > 6 else ""
    return [f"expected no events{on}{since[spec.since]}; came: {shown}{more}"]


def _check_adjacent(spec: ExpectSpec, ctx: ExpectContext, iid: str | None) -> list[str]:
    window = list(_window(spec, ctx))
    if iid is not None:
        window = [e for e in window if e.interaction_id == iid]
    wanted = list(spec.order or [])
    size = len(wanted)
    best: tuple[int, int] = (0, -1)  # (how many of wanted matched in a row, where)
    for start, event in enumerate(window):
        if event.name is not wanted[0]:
            continue
        length = 1
        while (
            length < size
            and start + length < len(window)
            and window[start + length].name is wanted[length]
        ):
            length += 1
        if length == size:
            return []
        if length > best[0]:
            best = (length, start)
    chain = " right after ".join(name.value for name in reversed(wanted))
    on = f" on `{spec.on}`" if spec.on else ""
    length, start = best
    if start < 0:
        return [f"expected {chain}{on}; no {wanted[0].value} came ({_tally(window)})"]
    last = window[start + length - 1]
    following = window[start + length] if start + length < len(window) else None
    came = (
        f"{following.name} {_label(following, ctx)} came"
        if following is not None
        else "nothing came"
    )
    return [
        f"expected {chain}{on}; right after {last.name} {_label(last, ctx)} "
        f"{came} instead of {wanted[length].value}"
    ]


def _check_state(spec: ExpectSpec, ctx: ExpectContext, iid: str | None) -> list[str]:
    sim = ctx.sim
    target = iid or sim.active_interaction_id
    who = f"`{spec.on}`" if spec.on else "the active interaction"
    if target is None:
        return [f"expected {who} in state {spec.state}, there is no active interaction"]
    inter = sim.interaction(target)
    if inter is not None:
        state = inter.state.value
    elif any(offer.id == target for offer in sim.queued):
        state = "queued"
    else:
        state = "completed"
        elsewhere = held_elsewhere(sim, target)
        if elsewhere is not None:  # it read "completed" on a desktop that never had it
            return [
                f"expected {who} in state {spec.state}: this desktop ({sim.name}) never had an "
                f"item of it (it is on {elsewhere}'s)"
            ]
    assert spec.state is not None
    if state != spec.state.value:
        return [f"expected {who} in state {spec.state.value}, it is {state}"]
    return []
