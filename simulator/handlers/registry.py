"""Which handler gets which event: ``on``/``remove`` with the exact event names, in order.

Handlers are called the way the widget calls JS callbacks: with the event's positional
arguments, extra ones dropped and missing ones ``None`` (JS ``undefined``), so
``def save(activity)`` works for an event that passes more than it needs.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from simulator.contract import EventName, suggest_event_name
from simulator.stable_text import brief_repr

__all__ = ["HandlerRegistry", "Registration", "UnknownEventError", "event_name", "handler_name"]


class UnknownEventError(ValueError):
    """``on``/``remove`` with a name that is not an adApi event; says the closest real one."""

    def __init__(self, name: object):
        self.name = name
        self.suggestion = suggest_event_name(name) if isinstance(name, str) else None
        hint = f"; did you mean {self.suggestion!r}?" if self.suggestion else ""
        # Not the value's own repr: a list holding the same list twice, 60 levels deep, never
        # ends it.
        shown = str.__repr__(name) if isinstance(name, str) else brief_repr(name)
        super().__init__(f"unknown event {shown}{hint} (event names are exact: ON_...)")


def event_name(name: EventName | str) -> EventName:
    """The ``EventName`` for an exact event string, else ``UnknownEventError``."""
    if isinstance(name, EventName):
        return name
    if isinstance(name, str) and name in EventName._value2member_map_:
        return EventName(name)
    raise UnknownEventError(name)


def handler_name(handler: Callable[..., Any]) -> str:
    """A readable name for a handler: its qualified name, or its class's."""
    name = getattr(handler, "__qualname__", None)
    if isinstance(name, str):
        return name
    func = getattr(handler, "func", None)  # functools.partial
    if func is not None:
        return handler_name(func)
    return type(handler).__qualname__


def _arity(handler: Callable[..., Any]) -> tuple[int, int | None]:
    """(required positional parameters, accepted positional parameters or None for *args)."""
    try:
        signature = inspect.signature(handler)
    except (TypeError, ValueError):
        return 0, None
    required, accepted = 0, 0
    for parameter in signature.parameters.values():
        if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            return required, None
        if parameter.kind in (
            inspect.Parameter.POSITIONAL_ONLY,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
        ):
            accepted += 1
            if parameter.default is inspect.Parameter.empty:
                required += 1
    return required, accepted


@dataclass(frozen=True, slots=True)
class Registration:
    """One ``on(event, handler)`` by one plugin."""

    event: EventName
    handler: Callable[..., Any]
    plugin: str
    name: str
    required: int
    accepted: int | None

    @classmethod
    def of(cls, event: EventName, handler: Callable[..., Any], plugin: str) -> Registration:
        """Describe ``handler`` for ``event`` (its arity is read once, here)."""
        required, accepted = _arity(handler)
        return cls(event, handler, plugin, handler_name(handler), required, accepted)

    def arguments(self, args: tuple[Any, ...]) -> tuple[Any, ...]:
        """The event's arguments cut or padded to what the handler takes (JS calling rules)."""
        if self.accepted is not None and len(args) > self.accepted:
            args = args[: self.accepted]
        if len(args) < self.required:
            args = args + (None,) * (self.required - len(args))
        return args


def _takes(registration: Registration) -> bool:
    """Whether a registration is a handler of its event: all are but a Node module's forwarder
    of an event the module has no handler of (``simulator.web.forwards.Forward``)."""
    return getattr(registration.handler, "has_handler", None) is not False


class HandlerRegistry:
    """Registrations per event, in order; reads are lock-free (copy-on-write tuples)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_event: dict[EventName, tuple[Registration, ...]] = {}
        self.ended: str | None = None
        """Why no registration is taken any more (its host was closed), or None."""

    def add(self, registration: Registration) -> None:
        """Append a registration (it runs after every earlier one for the same event);
        ``RuntimeError`` once the host has ended (an ``ad_api`` kept past it: nothing calls it)."""
        if self.ended is not None:
            raise RuntimeError(self.ended)
        with self._lock:
            current = self._by_event.get(registration.event, ())
            self._by_event[registration.event] = (*current, registration)

    def remove(
        self, event: EventName, handler: Callable[..., Any], plugin: str | None = None
    ) -> int:
        """Drop ``handler`` from ``event`` (of one plugin, when given); returns how many."""
        with self._lock:
            current = self._by_event.get(event, ())
            kept = tuple(
                r
                for r in current
                if not (r.handler == handler and (plugin is None or r.plugin == plugin))
            )
            self._by_event[event] = kept
            return len(current) - len(kept)

    def rename(self, handler: Callable[..., Any], name: str) -> None:
        """Give ``handler``'s registrations another name (a JS module's forwarder, once the module
        says where it registered its own handlers), keeping their place in the order."""
        with self._lock:
            for event, current in list(self._by_event.items()):
                if any(r.handler is handler for r in current):
                    self._by_event[event] = tuple(
                        replace(r, name=name) if r.handler is handler else r for r in current
                    )

    def remove_plugin(self, plugin: str) -> int:
        """Drop every registration of ``plugin``; returns how many."""
        removed = 0
        with self._lock:
            for event, current in list(self._by_event.items()):
                kept = tuple(r for r in current if r.plugin != plugin)
                removed += len(current) - len(kept)
                self._by_event[event] = kept
        return removed

    def clear(self) -> None:
        """Drop everything."""
        with self._lock:
            self._by_event.clear()

    def handlers(self, event: EventName) -> tuple[Registration, ...]:
        """The registrations for ``event``, in order."""
        return self._by_event.get(event, ())

    def events(self) -> tuple[str, ...]:
        """The names of the events some handler takes, in the contract's order (a Node module's
        forwarder of an event the module has no handler of takes none)."""
        by_event = self._by_event
        return tuple(
            name.value for name in EventName if any(_takes(r) for r in by_event.get(name, ()))
        )

    def forwarders(self) -> set[tuple[str, str]]:
        """``(plugin, name)`` of the Node modules' forwarders of events the module has no
        handler of: a call of one runs none of the integration's code."""
        return {
            (r.plugin, r.name)
            for registrations in tuple(self._by_event.values())
            for r in registrations
            if not _takes(r)
        }

    def handler_count(self, plugin: str) -> int:
        """How many of ``plugin``'s registrations are handlers of their event (``count`` less a
        Node module's forwarders of events the module has no handler of)."""
        return sum(
            1
            for registrations in tuple(self._by_event.values())
            for r in registrations
            if r.plugin == plugin and _takes(r)
        )

    def forwards(self, plugin: str) -> bool:
        """Whether ``plugin`` is a Node module (its registrations forward events to it)."""
        return any(
            hasattr(r.handler, "has_handler")
            for registrations in tuple(self._by_event.values())
            for r in registrations
            if r.plugin == plugin
        )

    def count(self, plugin: str | None = None) -> int:
        """How many registrations (of one plugin, when given)."""
        return sum(
            1
            for registrations in tuple(self._by_event.values())
            for r in registrations
            if plugin is None or r.plugin == plugin
        )
