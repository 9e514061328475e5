"""What reading a journal gives back: one dataclass per kind of row."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any, Literal, Protocol

__all__ = [
    "JournalEvent",
    "JournalOutcome",
    "JournalPacket",
    "PacketDirection",
    "RowDamaged",
    "row_json",
]


class RowDamaged(sqlite3.DatabaseError):
    """A row whose JSON column is not JSON (a bad disk, an edit by hand): SQLite, which checks
    no text, reads it; the row is named (``run 2 event #4: its args column``) instead of a
    ``JSONDecodeError`` traceback. A ``sqlite3.DatabaseError``, as a page SQLite cannot read
    is."""


def row_json(text: str, run: int, row: object, column: str) -> Any:
    """The value of ``column`` (JSON text) of run ``run``'s ``row``; ``RowDamaged`` when it
    is not JSON."""
    try:
        return json.loads(text)
    except ValueError as exc:
        raise RowDamaged(f"run {run} {row}: its {column} column is not JSON: {exc}") from None


# What the journal writes from: the engine's Event and the host's HandlerOutcome (structurally,
# so that the journal does not import the engine or the handlers).
class _EventLike(Protocol):
    seq: int
    name: Any
    time_ms: int
    interaction_id: str | None
    wire_args: tuple[Any, ...]


class _OutcomeLike(Protocol):
    # Read-only: the host's outcomes are frozen dataclasses.
    @property
    def event_seq(self) -> int: ...

    @property
    def event_name(self) -> str: ...

    @property
    def interaction_id(self) -> str | None: ...

    @property
    def plugin(self) -> str: ...

    @property
    def handler(self) -> str: ...

    @property
    def status(self) -> str: ...

    @property
    def duration_ms(self) -> float: ...

    @property
    def result(self) -> Any: ...

    @property
    def error(self) -> str | None: ...

    @property
    def traceback(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class JournalEvent:
    """One journaled event."""

    run_id: int
    seq: int
    time_ms: int
    name: str
    interaction_id: str | None
    args: list[Any]
    answer: Any = None
    """The answer used, for events that need one (``None`` when nobody answered or not needed)."""
    agent: str | None = None
    """The simulated agent whose desktop emitted it (``None`` in a center of one agent)."""


@dataclass(frozen=True, slots=True)
class JournalOutcome:
    """One journaled handler call."""

    run_id: int
    event_seq: int
    event_name: str
    interaction_id: str | None
    plugin: str
    handler: str
    status: str
    duration_ms: float
    result: Any
    error: str | None
    traceback: str | None
    agent: str | None = None
    """The agent of the event it handled (``None`` in a center of one agent)."""


PacketDirection = Literal["in", "out"]
"""``in``: from the page (or Node module) to the widget; ``out``: from the widget to the page."""


@dataclass(frozen=True, slots=True)
class JournalPacket:
    """One journaled packet of a JS page or handler module."""

    run_id: int
    id: int
    """Journal order (increasing across runs)."""
    time_ms: int
    """Wall-clock epoch ms when it was journaled (not the simulation's virtual time)."""
    plugin: str
    """The endpoint's plugin (``js:<file>``, ``js:page``)."""
    direction: PacketDirection
    type: str
    uid: str | None
    params: Any
    no_handlers: bool | None = None
    """The packet's ``noHandlers`` (a ``*_RESPONSE`` with no page handler); None when absent."""
    error: str | None = None
    """The packet's ``error`` (``__handled__`` when a page handler threw); None when absent."""

    def wire(self) -> dict[str, Any]:
        """The packet as it travelled: ``{uid, type, params, noHandlers?, error?}``."""
        packet: dict[str, Any] = {"uid": self.uid, "type": self.type, "params": self.params}
        if self.no_handlers is not None:
            packet["noHandlers"] = self.no_handlers
        if self.error is not None:
            packet["error"] = self.error
        return packet


def _packet(row: tuple[Any, ...]) -> JournalPacket:
    run_id, packet_id, time_ms, plugin, direction, kind, uid, params, no_handlers, error = row
    return JournalPacket(
        run_id,
        packet_id,
        time_ms,
        plugin,
        direction,
        kind,
        uid,
        row_json(params, run_id, f"packet {packet_id}", "params"),
        None if no_handlers is None else bool(no_handlers),
        error,
    )
