"""What happened to each handler call and to each plugin load."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from simulator.one_line import one_line
from simulator.stable_text import stable_repr

__all__ = ["HandlerOutcome", "OpaqueResult", "OutcomeStatus", "PluginStatus", "Reply", "jsonable"]


class OpaqueResult:
    """A value a plugin's process returned that is not JSON data: its type and ``repr`` (what
    crosses back; importable here, so the parent can unpickle it)."""

    def __init__(self, type_name: str, text: str):
        self.type_name = type_name
        self.text = text

    def __repr__(self) -> str:
        return self.text


OutcomeStatus = Literal["ok", "error", "timeout", "junk", "crashed"]
"""``ok``; ``error``: raised; ``timeout``: still running after the timeout (the vendor's
``api_not_answer``), abandoned (with process isolation its process is killed); ``junk``: an
answer the widget cannot use (not JSON, wrong shape); ``crashed``: the plugin's process died
during the call (an exit, a signal), with process isolation only."""

Reply = tuple[OutcomeStatus, Any, "str | None", "str | None"]
"""(status, result, error, traceback) of one handler call, as it ended."""


def jsonable(value: Any) -> Any:
    """``value`` as JSON data when it is (models dumped to wire JSON), else its ``repr`` text
    (``simulator.stable_text.stable_repr``: a set's items sorted, no memory addresses)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return stable_repr(value)  # the same text in every process (a set's items sorted)
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
    """What the handler returned, as JSON data (or its ``repr`` when not JSON-able)."""
    error: str | None = None
    """``Type: message`` for ``error``; what was wrong for ``timeout`` and ``junk``."""
    traceback: str | None = None
    """The traceback of ``error``; for ``timeout``, where the handler was stuck."""

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
    """The file, ``entry point NAME (module:attr)``, or ``built-in``."""
    loaded: bool
    error: str | None = None
    """``file:line: what went wrong; what to do`` when it did not load."""
    handler_count: int = 0
