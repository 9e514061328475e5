"""Checking ``expect`` steps against the events so far, the engine's state and handler outcomes.

``check()`` returns what failed, one readable message each: what was expected, and what came
instead (the closest event, or the events that did come).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from simulator.engine import Event, Simulator
from simulator.scenarios.matching import MISSING, describe, mismatches
from simulator.scenarios.model import ExpectSpec, HandlerExpect

__all__ = ["ExpectContext", "check", "format_offset"]


@dataclass
class ExpectContext:
    """What an expectation can look at."""

    sim: Simulator
    events: Sequence[Event]
    names: Mapping[str, str]
    """Interaction names given with ``as`` -> interaction ids."""
    host: Any = None
    last_step_from: int = 0
    """Index in ``events`` where the step before this expect began."""
    last_expect_from: int = 0
    """Index in ``events`` just after the previous expect."""
    start_ms: int = 0


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


def check(spec: ExpectSpec, ctx: ExpectContext) -> list[str]:
    """Every way ``spec`` is not met (empty when it is)."""
    failures: list[str] = []
    if spec.api_version is not None and ctx.sim.api_version.value not in spec.api_version:
        return failures  # this version's payload is different: another expect checks it
    iid: str | None = None
    if spec.on is not None:
        iid = ctx.names.get(spec.on)
        if iid is None:
            return [f"`{spec.on}` was never created (the step that names it failed)"]
    if spec.event is not None:
        failures += _check_events(spec, ctx, iid)
    if spec.order is not None:
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
            failures.append(f"expected the agent {want}, the agent is {got}")
    if spec.handler is not None:
        failures += _check_handler(spec.handler, ctx)
    return failures


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
            return [f"its first argument is {payload!r}, not a mapping"]
        if spec.payload is not None:
            found += mismatches(dict(spec.payload), payload, names)
        found += [
            f"{key}: expected present, was absent" for key in spec.present if key not in payload
        ]
        found += [
            f"{key}: expected absent, was {payload[key]!r}" for key in spec.absent if key in payload
        ]
    if spec.args is not None:
        for index, want in enumerate(spec.args):
            got = event.wire_args[index] if index < len(event.wire_args) else MISSING
            found += mismatches(want, got, names, f"argument {index + 1}")
    return found


def _conditions(spec: ExpectSpec) -> str:
    parts = [f"{key} {describe(value)}" for key, value in (spec.payload or {}).items()]
    parts += [f"argument {i + 1} {describe(v)}" for i, v in enumerate(spec.args or [])]
    parts += [f"{key} present" for key in spec.present]
    parts += [f"{key} absent" for key in spec.absent]
    return f" with {', '.join(parts)}" if parts else ""


def _what(spec: ExpectSpec) -> str:
    on = f" on `{spec.on}`" if spec.on else ""
    since = {"start": "", "last_step": " in the step before", "last_expect": " since last expect"}
    last = "the last " if spec.last else ""
    return f"{last}{spec.event}{on}{_conditions(spec)}{since[spec.since]}"


def _label(event: Event, ctx: ExpectContext) -> str:
    return f"#{event.seq} at {format_offset(event.time_ms - ctx.start_ms)}"


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
    wanted = count.describe() if count is not None else "at least 1"
    head = f"expected {wanted} {_what(spec)}; {len(matching)} came"
    if matching:
        shown = ", ".join(_label(e, ctx) for e in matching[:6])
        return [f"{head}: {shown}{' ...' if len(matching) > 6 else ''}"]
    if results:
        event, found = min(reversed(results), key=lambda pair: len(pair[1]))
        detail = "; ".join(found[:4]) + ("; ..." if len(found) > 4 else "")
        return [f"{head}. Closest: {event.name} {_label(event, ctx)}: {detail}"]
    on = f" on `{spec.on}`" if spec.on else ""
    return [f"{head}. No {spec.event}{on} at all; came: {_tally(window)}"]


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
    assert spec.state is not None
    if state != spec.state.value:
        return [f"expected {who} in state {spec.state.value}, it is {state}"]
    return []


def _outcome_mismatches(want: HandlerExpect, outcome: Any, names: Mapping[str, str]) -> list[str]:
    found: list[str] = []
    name = str(getattr(outcome, "event_name", ""))
    if want.event is not None and name != want.event.value:
        found.append(f"event was {name}")
    handler = str(getattr(outcome, "handler", ""))
    if want.handler is not None and want.handler not in (handler, handler.rsplit(".", 1)[-1]):
        found.append(f"handler was {handler}")
    plugin = str(getattr(outcome, "plugin", ""))
    if want.plugin is not None and want.plugin != plugin:
        found.append(f"plugin was {plugin}")
    status = str(getattr(outcome, "status", ""))
    if want.status is not None and want.status != status:
        error = getattr(outcome, "error", None)
        found.append(f"status was {status}" + (f" ({error})" if error else ""))
    if want.result is not None:
        found += mismatches(want.result, getattr(outcome, "result", None), names, "result")
    return found


def _check_handler(want: HandlerExpect, ctx: ExpectContext) -> list[str]:
    host = ctx.host
    if host is None:
        return ["handler outcomes need handlers: run with --handler FILE_OR_DIR"]
    outcomes = list(host.outcomes)
    if want.event is not None:
        same_event = [o for o in outcomes if str(o.event_name) == want.event.value]
    else:
        same_event = outcomes
    results = [(o, _outcome_mismatches(want, o, ctx.names)) for o in same_event]
    matching = [o for o, found in results if not found]
    count = want.count
    if count.accepts(len(matching)) if count is not None else bool(matching):
        return []
    conditions = ", ".join(
        f"{key} {value}"
        for key, value in (
            ("event", want.event.value if want.event else None),
            ("handler", want.handler),
            ("plugin", want.plugin),
            ("status", want.status),
        )
        if value is not None
    )
    wanted = count.describe() if count is not None else "at least 1"
    head = (
        f"expected {wanted} handler outcome(s) with {conditions or 'anything'}; "
        f"{len(matching)} came"
    )
    if matching:
        detail = "; ".join(
            f"{o.handler} on {o.event_name} #{o.event_seq}: {o.status}"
            + (f" ({o.error})" if getattr(o, "error", None) else "")
            for o in matching[:4]
        )
        return [f"{head}: {detail}"]
    if results:
        outcome, found = min(reversed(results), key=lambda pair: len(pair[1]))
        return [
            f"{head}. Closest: {outcome.handler} on {outcome.event_name} #{outcome.event_seq}: "
            + "; ".join(found[:4])
        ]
    return [f"{head}. No handler outcome{' for ' + want.event.value if want.event else ''} at all"]
