"""Expectations on the handlers: their outcomes (``handler:``) and the envelopes their ``ad_api``
calls received (``api:``), on the desktop the expectation looks at (``by:``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from simulator.contract import EventName
from simulator.contract.methods import method_named
from simulator.data.model_wording import suggest
from simulator.scenarios.matching import MISSING, as_json, mismatches
from simulator.scenarios.model import ApiExpect, HandlerExpect

if TYPE_CHECKING:
    from simulator.scenarios.expectations import ExpectContext

__all__ = ["check_api", "check_handler"]


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


def _names_nothing(plugin: str | None, handler: str | None, host: Any) -> str | None:
    """Why an expectation's ``plugin:`` or ``handler:`` names nothing the run loaded, or None: a
    typo there matched no outcome, so ``count: 0`` ("the sync plugin was never called") passed
    whatever the plugin did."""
    registry = getattr(host, "registry", None)
    if registry is None or (plugin is None and handler is None):
        return None
    registrations = [r for event in EventName for r in registry.handlers(event)]
    done = list(getattr(host, "outcomes", ()))
    plugins = sorted(
        {p.name for p in getattr(host, "plugins", ()) if p.loaded}
        | {r.plugin for r in registrations}
        | {str(o.plugin) for o in done}
    )
    if plugin is not None and plugin not in plugins:
        return (
            f"`plugin: {plugin}` names no plugin this run loaded{suggest(plugin, plugins)}; "
            f"plugins: {', '.join(plugins) or 'none'}"
        )
    if handler is None:
        return None
    names = {r.name for r in registrations if plugin in (None, r.plugin)}
    names |= {str(o.handler) for o in done if plugin in (None, o.plugin)}
    short = sorted(names | {name.rsplit(".", 1)[-1] for name in names})
    if handler in short:
        return None
    listed = ", ".join(sorted(names)) or "none"
    return (
        f"`handler: {handler}` names no handler {'plugin ' + plugin if plugin else 'a plugin'} "
        f"registered{suggest(handler, short)}; handlers: {listed}"
    )


def check_handler(want: HandlerExpect, ctx: ExpectContext) -> list[str]:
    host = ctx.host
    if host is None:
        return ["handler outcomes need handlers: run with --handler FILE_OR_DIR"]
    unknown = _names_nothing(want.plugin, want.handler, host)
    if unknown is not None:
        return [unknown]
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


def _call_mismatches(want: ApiExpect, call: Any, names: Mapping[str, str]) -> list[str]:
    found: list[str] = []
    if want.plugin is not None and want.plugin != call.plugin:
        found.append(f"plugin was {call.plugin}")
    result = call.result
    status = result.get("status")
    error = result.get("error") or {}
    wanted_status = "error" if want.error is not None else want.status
    if wanted_status is not None and status != wanted_status:
        found.append(
            f"status was {status}" + (f" ({error.get('name')})" if status == "error" else "")
        )
    elif want.error is not None and error.get("name") != want.error:
        found.append(f"error was {error.get('name')}: {error.get('message', '')}")
    if want.args is not None:
        for index, expected in enumerate(want.args):
            got = call.params[index] if index < len(call.params) else MISSING
            found += mismatches(expected, got, names, f"argument {index + 1}")
    if want.data is not None:
        found += mismatches(want.data, result.get("data", MISSING), names, "data")
    return found


def check_api(want: ApiExpect, ctx: ExpectContext) -> list[str]:
    widget = getattr(ctx.host, "widget", None)
    calls = getattr(widget, "calls", None)
    if calls is None:
        return ["api expectations need handlers: run with --handler FILE_OR_DIR"]
    unknown = _names_nothing(want.plugin, None, ctx.host)
    if unknown is not None:
        return [unknown]
    spec = method_named(want.method)
    name = spec.name if spec is not None else want.method
    same = [call for call in list(calls) if call.method == name]
    results = [(call, _call_mismatches(want, call, ctx.names)) for call in same]
    matching = [call for call, found in results if not found]
    count = want.count
    if count.accepts(len(matching)) if count is not None else bool(matching):
        return []
    wanted = count.describe() if count is not None else "at least 1"
    what = want.error or want.status or "any envelope"
    head = f"expected {wanted} {name} call(s) answered {what}; {len(matching)} came"
    if matching:
        detail = "; ".join(
            f"{call.plugin} at {ctx.offset(call.time_ms)}: {call.result.get('status')}"
            for call in matching[:4]
        )
        return [f"{head}: {detail}"]
    if results:
        call, found = min(reversed(results), key=lambda pair: len(pair[1]))
        return [
            f"{head}. Closest: {call.plugin}'s {name}({', '.join(map(as_json, call.params))}): "
            + "; ".join(found[:4])
        ]
    called = Counter(call.method for call in list(calls))
    came = ", ".join(f"{method} x{n}" for method, n in called.items()) or "no calls at all"
    return [f"{head}. No {name} call at all; handlers called: {came}"]
