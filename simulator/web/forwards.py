"""An endpoint's handlers on the ``ad_api`` facade: one ``Forward`` per adApi event posts it to
the page (or Node module) and waits for its handlers. A page's are named ``page.on(ON_LOGIN)``;
a Node module's ``on(ON_LOGIN) at crm.mjs:3``, once the module says where it calls ``adApi.on``
(its ``__on__`` packets)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from enum import Enum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from simulator.contract import EventName

if TYPE_CHECKING:
    from simulator.handlers import AdApi
    from simulator.handlers.registry import HandlerRegistry

__all__ = ["Forward", "Forwards"]

Deliver = Callable[[EventName, list[Any]], Any]


def _wire(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, Enum):
        return value.value
    return value


class Forward:
    """The endpoint's handler for one event: post it to the page and wait for its handlers."""

    def __init__(self, deliver: Deliver, event: EventName, name: str, *, module: bool = False):
        self._deliver = deliver
        self.event = event
        self.__qualname__ = name
        self.has_handler: bool | None = False if module else None
        """A Node module's: whether the module has a handler of the event (its ``__on__``
        said where); None for a page's, which does not say. A call of one without runs no
        handler of the integration's (the run's "no handler was called" note skips it)."""

    def __call__(self, *args: Any) -> Any:
        return self._deliver(self.event, [_wire(a) for a in args])


class Forwards:
    """Every event's ``Forward`` of one endpoint. ``places``: a Node module's, named for where
    it registered its handlers (paths in the folder of ``source``, its file, made relative)."""

    def __init__(self, deliver: Deliver, *, places: bool, source: str):
        self._deliver = deliver
        self.places = places
        # The file's folder as node names its frames (the path resolved, its links too) and as
        # given, absolute: the path as given ("crm.mjs") cut the leading "/" off every place.
        folder = os.path.dirname(os.path.abspath(source))
        self._folders = tuple(dict.fromkeys((os.path.realpath(folder), folder)))
        self._by_event: dict[str, Forward] = {}
        self._said: dict[str, tuple[str, bool]] = {}
        """What the module's node process said of each event (``__on__``): its handlers' name
        and whether it has one. Kept for the forwards made after it (a reload registers new
        ones, and the new process may say it first); forgotten when another process attaches."""

    def register(self, ad_api: AdApi, events: Iterable[EventName]) -> None:
        """A ``Forward`` for each event, on ``ad_api`` (again after a reload: new ones)."""
        self._by_event = {}
        who = "" if self.places else "page."
        for event in events:
            forward = self._by_event[event.value] = Forward(
                self._deliver, event, f"{who}on({event.value})", module=self.places
            )
            said = self._said.get(event.value)
            if said is not None:  # the node process that runs now said it before this reload
                forward.__qualname__, forward.has_handler = said
            ad_api.on(event, forward)

    def _relative(self, place: str) -> str:
        """``place`` (``/path/crm.mjs:3``) made relative when it is in the module's folder."""
        for folder in self._folders:
            if place.startswith(folder + os.sep):
                return place[len(folder) + 1 :]
        return place

    def placed(self, params: list[Any], registry: HandlerRegistry | None) -> None:
        """``__on__ [event, [file:line, ...], count]``: where the module registered its handlers
        of the event, which then names that event's handler in its outcomes, and how many it
        has (0 once ``remove`` took the last: its calls are then no handler's)."""
        if not self.places or not params:
            return
        try:
            event = EventName(str(params[0]))
        except ValueError:
            return
        places = params[1] if len(params) > 1 and isinstance(params[1], list) else []
        said = ", ".join(self._relative(str(p)) for p in places[:5])
        name = f"on({event.value})" + (f" at {said}" if said else "")
        # The module's handlers of the event left (its third value; none: some, as before).
        count = params[2] if len(params) > 2 else None
        has_handler = not (isinstance(count, int) and count <= 0)
        self._said[event.value] = (name, has_handler)
        forward = self._by_event.get(event.value)
        if forward is None:  # said before a reload registered this event's forward: kept
            return
        forward.__qualname__ = name
        forward.has_handler = has_handler
        if registry is not None:
            registry.rename(forward, name)

    def attached(self) -> None:
        """Another node process (or page) attached: what the last one said is not its."""
        self._said = {}
