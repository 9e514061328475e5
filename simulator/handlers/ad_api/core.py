"""What every ``ad_api`` method shares: ``AdApiCore`` knows the desktop and the plugin it acts
for, keeps the plugin's ``on``/``remove`` subscriptions, and runs each call (``_do``): logged to
the message loggers, refused where the version lacks the method, its arguments checked against
the published types, its body run on the simulation's thread, its envelope recorded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from simulator.contract import EventName, OperationResult, ResultErrorCode, fail, ok
from simulator.contract.json_tree import TreeScan, scan
from simulator.contract.methods import argument_problem, method_named
from simulator.contract.versions import EventNotInVersionError, event_available, method_refusal
from simulator.engine import AgentDesktop
from simulator.handlers.ad_api.checks import (
    WITHOUT_LOGIN,
    holds_lone_surrogate,
    one_sentence,
    request_message,
    scanned,
    wire,
)
from simulator.handlers.answers import inexact_integer, javascript_reading
from simulator.handlers.registry import HandlerRegistry, Registration, event_name
from simulator.handlers.widget_state import ApiCall, MessageLogger, WidgetState
from simulator.stable_text import brief_repr

__all__ = ["AdApiCore", "EngineCall"]

Code = ResultErrorCode
EngineCall = Callable[[str, Callable[[], OperationResult]], OperationResult]
"""Runs an adApi method body on the simulation's thread: ``(method, body) -> result``."""


def _direct(method: str, body: Callable[[], OperationResult]) -> OperationResult:
    return body()


def _inexact_integer(message: str, arguments: tuple[Any, ...]) -> str | None:
    """The ``invalid_args`` sentence of an argument holding an integer no JavaScript number
    holds exactly (``2**53 + 1``): the widget reads the request as JavaScript, and would act on
    another number (an answer holding one is junk the same way: ``simulator.handlers.answers``).
    None when every integer is exact."""
    spec = method_named(message)
    for index, argument in enumerate(arguments):
        found = inexact_integer(wire(argument))
        if found is None:
            continue
        where, number = found
        name = spec.params[index].name if spec is not None and index < len(spec.params) else ""
        method = spec.name if spec is not None else message
        return (
            f"{method}: {name or f'argument {index + 1}'} has an integer not representable "
            f"exactly as a JavaScript number (a double){f' at {where}' if where else ''} ("
            f"{javascript_reading(number, 'the request')}; pass it as a string."
        )
    return None


def _walks_of(
    arguments: tuple[Any, ...], params: tuple[Any, ...], scans: tuple[TreeScan, ...]
) -> tuple[TreeScan | None, ...]:
    """The walk of each of ``arguments`` (what a method checks, when it differs from what it
    logs) taken among ``params``'; None for one that was not walked (a dict built for the
    check: the login data with its password)."""
    walks: list[TreeScan | None] = []
    for argument in arguments:
        found = next((s for p, s in zip(params, scans, strict=True) if p is argument), None)
        if found is None and not isinstance(argument, dict | list | tuple):
            found = scan(argument, "")  # a leaf: nothing to walk
        walks.append(found)
    return tuple(walks)


class AdApiCore:
    """What every ``ad_api`` method shares: the desktop and plugin it acts for, ``on``/``remove``
    subscriptions, and ``_do``, the way each call runs (the method groups build on it)."""

    def __init__(
        self,
        sim: AgentDesktop,
        *,
        registry: HandlerRegistry | None = None,
        plugin: str = "",
        integration_key: str = "simulator",
        widget: WidgetState | None = None,
        call_on_engine: EngineCall | None = None,
    ):
        self._sim = sim
        self._registry = registry if registry is not None else HandlerRegistry()
        self._plugin = plugin
        self.integration_key = integration_key
        """The ``integrationKey`` this adApi was constructed with (``source`` of records)."""
        self._widget = widget if widget is not None else WidgetState()
        self._call = call_on_engine or _direct

    @property
    def api_version(self) -> str:
        """The adApi version the desktop runs (``5.19``, ``5.24.1`` or ``2026``): a plugin may
        subscribe to a later event only where the version has it."""
        return self._sim.api_version.value

    def __repr__(self) -> str:
        return f"<AdApi plugin={self._plugin!r} integrationKey={self.integration_key!r}>"

    @property
    def agent(self) -> str:
        """The name of the agent whose desktop this is (``jane``): with the same plugins loaded
        for every agent of a contact center, a handler knows whose event it handles."""
        return self._sim.name

    # ------------------------------------------------------------------ events

    def on(self, event: EventName | str, handler: Callable[..., Any]) -> None:
        """Call ``handler(*args)`` for each ``event``; several handlers run in registration order.

        ``event`` must be an exact adApi event name; anything else raises ``UnknownEventError``
        with the closest real name. For an event that needs an answer, the last handler's
        non-None result is used.
        """
        name = event_name(event)
        version = self._sim.api_version
        if not event_available(name, version):
            raise EventNotInVersionError(name, version)
        if not callable(handler):
            got = brief_repr(handler)  # not its own repr: a list of shared lists never ends it
            raise TypeError(f"on({name.value!r}, ...) needs a function, got {got}")
        self._registry.add(Registration.of(name, handler, self._plugin))

    def remove(self, event: EventName | str, handler: Callable[..., Any]) -> None:
        """Stop calling ``handler`` for ``event``."""
        self._registry.remove(event_name(event), handler, self._plugin)

    def inject_message_logger(self, logger: MessageLogger) -> None:
        """``injectMessageLogger``: ``logger(type, params)`` gets every packet (events, method
        requests and their ``_RESPONSE``)."""
        with self._widget.lock:
            self._widget.loggers.append(logger)

    # ------------------------------------------------------------------ plumbing

    def _do(
        self,
        method: str,
        body: Callable[[], OperationResult],
        *params: Any,
        checked: tuple[Any, ...] | None = None,
    ) -> OperationResult:
        """Run ``body`` on the simulation's thread once ``params`` (or ``checked``, when what is
        logged differs from what was passed; ``()``: nothing to check) fit the method's
        published types."""
        message = request_message(method)
        widget = self._widget
        # One walk of each argument (json_tree.scan); the checks below walk again only what it
        # found something in (a lone surrogate, an integer past 2**53, a model or a set).
        shape, params, scans = scanned(message, params)
        if widget.loggers:
            widget.log(message, [wire(p) for p in params])
        refusal = method_refusal(method, self._sim.api_version)
        if refusal is not None:  # as the version's widget answers a request it does not know
            result: OperationResult = fail(Code.api_method_not_implemented, refusal)
            if widget.loggers:
                widget.log(f"{message}_RESPONSE", [result.model_dump(mode="json")])
            return result
        if (
            shape is None
            and any(found.lone_surrogate or found.other for found in scans)
            and holds_lone_surrogate(params)
        ):
            # Refused where it enters: the journal, the webhook and UTF-8 cannot carry it.
            result = fail(
                Code.invalid_args,
                f"{method}: the text has a lone surrogate (an unpaired \\ud800-\\udfff); "
                "pass valid Unicode text",
            )
            if widget.loggers:
                widget.log(f"{message}_RESPONSE", [result.model_dump(mode="json")])
            return result
        arguments = checked if checked is not None else params
        walks = scans if checked is None else _walks_of(arguments, params, scans)
        problem = shape or (
            None
            if checked == ()
            else argument_problem(
                message,
                arguments,
                self._sim.api_version.value,
                trees_checked=None not in walks,
            )
        )
        if problem is None and any(
            found is None or found.big_integer or found.other for found in walks
        ):
            problem = _inexact_integer(message, arguments)

        def guarded() -> OperationResult:
            if problem is not None:
                # Logged out, the widget refuses before it looks at the arguments.
                if message not in WITHOUT_LOGIN and not self._sim.agent.logged_in:
                    return fail(Code.not_logged_in, "log in first (login)")
                return fail(Code.invalid_args, problem)
            try:
                return body()
            except ValidationError as exc:
                return fail(Code.invalid_args, one_sentence(message, exc))
            except (ValueError, TypeError) as exc:
                return fail(Code.invalid_args, f"{message}: {exc}")
            except Exception as exc:
                return fail(Code.unknown_error, f"{message}: {type(exc).__name__}: {exc}")

        result = self._call(method, guarded)
        if widget.calls is not None:
            spec = method_named(message)
            call = ApiCall(
                spec.name if spec is not None else message,
                [wire(p) for p in params],
                result.model_dump(mode="json"),
                self._plugin,
                self._sim.now_ms,
            )
            with widget.lock:
                widget.calls.append(call)
        if widget.loggers:
            widget.log(f"{message}_RESPONSE", [result.model_dump(mode="json")])
        return result

    def _logged_in(self) -> OperationResult | None:
        if not self._sim.agent.logged_in:
            return fail(Code.not_logged_in, "log in first (login)")
        return None

    def _interaction_id(self, interaction_id: str | None) -> tuple[str | None, OperationResult]:
        key = interaction_id or self._sim.active_interaction_id
        if key is None:
            return None, fail(Code.no_interaction, "there is no active interaction; pass an id")
        if self._sim.interaction(key) is None:
            return None, fail(Code.no_interaction, f"no interaction {key!r}")
        return key, ok()

    def _emit(self, name: EventName, *args: Any) -> None:
        self._sim.bus.emit(name, self._sim.now_ms, args)
        self._sim.bus.flush()
