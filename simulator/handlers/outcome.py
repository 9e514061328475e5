"""What happened to each handler call and to each plugin load."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from simulator.contract.json_tree import tree_problem
from simulator.handlers.limits import (
    ANSWER_LIMIT,
    ERROR_LIMIT,
    RESULT_LIMIT,
    TRACEBACK_LIMIT,
    clipped,
)
from simulator.one_line import one_line
from simulator.stable_text import stable_repr

if TYPE_CHECKING:
    from simulator.engine import Event
    from simulator.handlers.registry import Registration

__all__ = [
    "PLAIN",
    "HandlerOutcome",
    "OpaqueResult",
    "OutcomeStatus",
    "OversizedResult",
    "PluginStatus",
    "Reply",
    "call_outcome",
    "jsonable",
    "kept_result",
]


class OpaqueResult:
    """A value a plugin's process returned that is not JSON data: its type and ``repr`` (what
    crosses back; importable here, so the parent can unpickle it)."""

    def __init__(self, type_name: str, text: str, why: str | None = None):
        self.type_name = type_name
        self.text = text
        self.why = why
        """Where inside it JSON failed (``['due'] is of type datetime.date``); None when the value
        itself is of no JSON type, or it could not be told."""

    def __repr__(self) -> str:
        return self.text


class OversizedResult:
    """A value over ``ANSWER_LIMIT`` characters of JSON (or a ``str`` that long): its type, its
    size and its text cut to ``RESULT_LIMIT`` (all that crosses back from a plugin's process)."""

    def __init__(self, type_name: str, size: int, text: str, *, at_least: bool = False):
        self.type_name = type_name
        self.size = size
        """Characters of its JSON text (of the ``str`` itself for a ``str``)."""
        self.text = text
        self.at_least = at_least
        """``size`` is only how many characters it is at least (it holds more values than
        were counted: a list holding the same list twice, 60 levels deep, is 2**60)."""

    def __repr__(self) -> str:
        return self.text


_PLUGIN_MODULES = "adsim_handlers."
"""How the names of plugin files' modules begin (``simulator.handlers.plugins._module_name``)."""
_JSON_SCALARS = (str, int, bool, type(None))
_BLAME_BUDGET = 10_000
"""Items ``_not_json_at`` looks at before it gives up (it runs on the handler's clock)."""


def _not_json_at(value: Any) -> str | None:
    """Where inside ``value`` (a dict or a list) the first thing JSON has no form for is, and
    what it is: ``['due'] is of type datetime.date``, ``['x'] is nan``, ``a key of ['m'] is of
    type tuple``;
    None for a value that is itself no JSON (its type says it all) or when it cannot be told."""
    budget = [_BLAME_BUDGET]

    def kind(item: Any) -> str:
        of = type(item)
        if of.__module__ == "builtins" or of.__module__.startswith(_PLUGIN_MODULES):
            return of.__qualname__  # a plugin file's own class: its module's name is adsim's
        return f"{of.__module__}.{of.__qualname__}"

    def walk(item: Any, path: str, depth: int) -> str | None:
        budget[0] -= 1
        if budget[0] < 0 or depth > 100:
            raise RecursionError
        if isinstance(item, (*_JSON_SCALARS, BaseModel)):
            return None
        if isinstance(item, float):
            return None if math.isfinite(item) else f"{path} is {float.__repr__(item)}"
        if isinstance(item, dict):
            for key, inner in item.items():
                if not isinstance(key, (*_JSON_SCALARS, float)):
                    return f"a key{' of ' + path if path else ''} is of type {kind(key)}"
                # Not the key's own repr (a subclass's may raise or never return).
                shown = str.__repr__(key) if isinstance(key, str) else json.dumps(key)
                found = walk(inner, f"{path}[{shown[:40]}]", depth + 1)
                if found is not None:
                    return found
            return None
        if isinstance(item, (list, tuple)):
            for index, inner in enumerate(item):
                found = walk(inner, f"{path}[{index}]", depth + 1)
                if found is not None:
                    return found
            return None
        return f"{path} is of type {kind(item)}" if path else None

    if not isinstance(value, (dict, list, tuple)):
        return None
    try:
        return walk(value, "", 0)
    except RecursionError:  # too big, too deep, or it contains itself: the type says enough
        return None


_VALUES = ANSWER_LIMIT // 2
"""Values (counted as JSON writes them) a result may hold: JSON writes each in two characters
at least (``0,``), so more is over ``ANSWER_LIMIT`` characters, an answer refused anyway."""


def _wire(item: Any) -> Any:
    if isinstance(item, BaseModel):
        return item.model_dump(mode="json")
    raise TypeError(f"{type(item).__name__} is not JSON data")


def kept_result(value: Any, *, copy: bool) -> Any:
    """What a handler returned as the host keeps it, worked out while its call is still timed
    (a ``__repr__`` that never returns is the handler's timeout, not a hang of the host): JSON
    data (with ``copy``, a plain copy, models as their wire JSON), ``OpaqueResult`` for what
    JSON has no form for (a dict, list or tuple that is no JSON tree as ``ad_api`` arguments
    must be one: ``simulator.contract.json_tree``), ``OversizedResult`` for JSON over
    ``ANSWER_LIMIT`` characters."""
    kind = type(value)
    if kind is OpaqueResult or kind is OversizedResult:
        return value  # already judged where it was made (a JS page's answer: the shim's)
    if kind is str:
        if len(value) > ANSWER_LIMIT:
            return OversizedResult("str", len(value), clipped(value, RESULT_LIMIT, "result"))
        return value
    if kind in (type(None), int, bool):
        return value
    try:
        problem = tree_problem(value, "answer", _VALUES)
        if problem is not None and problem.startswith("answer holds more than"):
            # Too big, not junk: over ANSWER_LIMIT characters of JSON. Its size is told when
            # a second count, twice as far, ends (no list of shared lists); else at least.
            if tree_problem(value, "answer", 2 * _VALUES) is not None:
                text = clipped(stable_repr(value), RESULT_LIMIT, "repr")
                return OversizedResult(kind.__name__, 2 * _VALUES, text, at_least=True)
            problem = None
    except Exception as exc:  # a subclass's __len__ or items() raised: JSON would too, or hang
        problem = f"looking at it raised {type(exc).__name__}"
    if problem is not None:
        # Before JSON walks it: a list holding the same list twice, 60 levels deep, is 2**60
        # values of JSON, which the C encoder writes holding the GIL (with thread isolation the
        # watchdog could not even say "timeout"); a loop, or more than 100 levels.
        text = clipped(stable_repr(value), RESULT_LIMIT, "repr")
        if problem.startswith("answer has a key"):  # said as before: "a key of ['m'] is ..."
            problem = _not_json_at(value) or problem
        return OpaqueResult(kind.__name__, text, problem)
    try:
        text = json.dumps(value, allow_nan=False, default=_wire)
    except (TypeError, ValueError, RecursionError):
        text = clipped(stable_repr(value), RESULT_LIMIT, "repr")
        return OpaqueResult(kind.__name__, text, _not_json_at(value))
    if len(text) > ANSWER_LIMIT:
        return OversizedResult(kind.__name__, len(text), clipped(text, RESULT_LIMIT, "JSON text"))
    return json.loads(text) if copy else value


OutcomeStatus = Literal["ok", "error", "timeout", "junk", "crashed"]
"""``ok``; ``error``: raised; ``timeout``: still running after the timeout (the vendor's
``api_not_answer``), abandoned (with process isolation its process is killed); ``junk``: an
answer the widget cannot use (not JSON, wrong shape); ``crashed``: the plugin's process died
during the call (an exit, a signal), with process isolation only."""

Reply = tuple[OutcomeStatus, Any, "str | None", "str | None"]
"""(status, result, error, traceback) of one handler call, as it ended."""


def jsonable(value: Any) -> Any:
    """``value`` as JSON data when it is (models dumped to wire JSON), else its ``repr`` text
    (``simulator.stable_text.stable_repr``: a set's items sorted, no memory addresses); JSON
    text over ``RESULT_LIMIT`` characters is kept as that text, cut (``clipped``)."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    try:
        text = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        # The same text in every process (a set's items sorted).
        return clipped(stable_repr(value), RESULT_LIMIT, "repr")
    if len(text) > RESULT_LIMIT:
        return clipped(text, RESULT_LIMIT, "result's JSON text")
    return value


@dataclass(frozen=True, slots=True)
class HandlerOutcome:
    """One handler call: which event, which handler, how long, and how it ended."""

    event_seq: int
    event_name: str
    interaction_id: str | None
    handler: str
    """The handler's qualified name."""
    plugin: str
    duration_ms: float
    status: OutcomeStatus
    result: Any = None
    """What the handler returned, as JSON data (or its ``repr`` when not JSON-able); text over
    ``RESULT_LIMIT`` characters (a long ``str``, the JSON text of a big value) is kept cut, with
    a marker saying how long it was (``clipped``)."""
    error: str | None = None
    """``Type: message`` for ``error``; what was wrong for ``timeout`` and ``junk``."""
    traceback: str | None = None
    """The traceback of ``error``; for ``timeout``, where the handler was stuck."""

    def __post_init__(self) -> None:
        # Hostile sizes (a 50 MB message, a 50 MB string returned) are cut where every outcome
        # is made: the journal, the summary and the window never hold more than the limits.
        if type(self.result) is str and len(self.result) > RESULT_LIMIT:
            object.__setattr__(self, "result", clipped(self.result, RESULT_LIMIT, "result"))
        if self.error is not None and len(self.error) > ERROR_LIMIT:
            # Its end too: a JS error ends with its file:line.
            error = clipped(self.error, ERROR_LIMIT, "error", tail=True)
            object.__setattr__(self, "error", error)
        if self.traceback is not None and len(self.traceback) > TRACEBACK_LIMIT:
            trace = clipped(self.traceback, TRACEBACK_LIMIT, "traceback", tail=True, lines=True)
            object.__setattr__(self, "traceback", trace)

    @property
    def ok(self) -> bool:
        """True when the handler returned normally with a usable result."""
        return self.status == "ok"

    def line(self) -> str:
        """One line for a trace or a summary (the plugin's text with its control characters
        escaped: a newline in an exception's message split it)."""
        where = f"#{self.event_seq} {self.event_name} -> {self.plugin}:{self.handler}"
        text = f"{where} {self.status} in {self.duration_ms:.1f} ms"
        if self.error:
            # A crash's error begins with its status (the journal keeps it whole): said once.
            error = self.error.removeprefix(f"{self.status}: ")
            text += f": {error}"
        return one_line(text)


@dataclass(frozen=True, slots=True)
class PluginStatus:
    """A plugin and whether it loaded."""

    name: str
    source: str
    """The file, ``dist (entry point NAME = module:attr)``, or ``built-in``."""
    loaded: bool
    error: str | None = None
    """``file:line: what went wrong; what to do`` when it did not load."""
    handler_count: int = 0


PLAIN = (type(None), str, int, bool)
"""Results that are JSON as they are (these exact types: a float may be NaN, a subclass is not
what it seems): ``jsonable`` is spared for them (most handlers return None)."""


def call_outcome(
    event: Event, registration: Registration, duration_ms: float, reply: Reply
) -> HandlerOutcome:
    """What one handler call on ``event`` did: ``reply`` is (status, result, error, trace)."""
    status, result, error, trace = reply
    return HandlerOutcome(
        event.seq,
        event.name.value,
        event.interaction_id,
        registration.name,
        registration.plugin,
        duration_ms,
        status,
        result if type(result) in PLAIN else jsonable(result),
        error,
        trace,
    )
