"""What the journal writes besides events' rows: its statements, and a row held back for a later
transaction (``Journal`` holds a scenario run's outcomes and answers for its next commit)."""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from simulator import stable_text
from simulator.journal.rows import PacketDirection, _EventLike, _OutcomeLike
from simulator.journal.text import dumps, utf8_text

__all__ = [
    "ANSWER_SQL",
    "EVENTS_PER_INSERT",
    "PACKET_SQL",
    "Pending",
    "RowError",
    "event_values",
    "events_insert",
    "outcome_insert",
    "outcome_row",
    "packet_row",
]


@dataclass(slots=True)  # not frozen: its __init__ is then a third of the cost (one per outcome)
class Pending:
    """A row written later: the run it belongs to (None: the current one), what it is (for the
    error line), its statement and its values after the run id."""

    run_id: int | None
    what: str
    sql: str
    values: tuple[Any, ...]


ANSWER_SQL = "UPDATE events SET answer = ?2 WHERE run_id = ?1 AND seq = ?3"

_RUN_KEPT = "WHERE EXISTS (SELECT 1 FROM runs WHERE id = ?1)"
"""A row held back for a run is written only while its run is: ``adsim journal prune`` in
another process may have deleted that run since (its rows would have been left with no run, and
``journal runs`` would count them nowhere until the next prune)."""

PACKET_SQL = (
    "INSERT INTO packets (run_id, time_ms, plugin, direction, type, uid, params,"
    f" no_handlers, error) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 {_RUN_KEPT}"
)

_NULL = float("nan")
"""Bound in place of ``None`` in the events' rows: SQLite binds a NaN as NULL (it stores no
NaN: ``sqlite3_bind_double``), without the adapter search ``sqlite3`` makes for ``None``."""


EVENTS_PER_INSERT = 128
"""Events in one ``INSERT`` at most: 6 values each and the run id stay under the 999 parameters
an older SQLite allows in one statement."""


@functools.lru_cache(maxsize=2 * EVENTS_PER_INSERT)
def events_insert(agent: bool, count: int) -> str:
    """One ``INSERT`` of ``count`` events, with the ``agent`` column or without (before schema
    3, or a step whose events have no agent: the column's NULL by default).

    One statement for a step's events rather than one per event (``executemany``): a fifth less
    of SQLite's time in a commit. The run id is a parameter, not part of the text: the same
    statement for every run, compiled once (SQLite's statement cache is keyed by the text), and
    given once (``?1`` in every row; each ``?`` after it numbers on): the values are the run id,
    then each event's values after it."""
    columns = "run_id, seq, time_ms, name, interaction_id, args" + (", agent" if agent else "")
    row = "(?1, ?, ?, ?, ?, ?, ?)" if agent else "(?1, ?, ?, ?, ?, ?)"
    return f"INSERT INTO events ({columns}) VALUES " + ", ".join([row] * count)


def outcome_insert(agent: bool, failed: bool = True) -> str:
    """The outcomes insert, with the ``agent`` column (schema 3 on) or without; not ``failed``
    (no error nor traceback: most outcomes) it has 8 values after the run id, not 10, and
    writes NULL for those two (``sqlite3`` looks for an adapter for every ``None`` it binds)."""
    failure = "?10, ?11" if failed else "NULL, NULL"
    if agent:
        # The agent is its event's (journaled before any handler saw it).
        tail = (
            f", agent) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, {failure},"
            f" (SELECT agent FROM events WHERE run_id = ?1 AND seq = ?2) {_RUN_KEPT}"
        )
    else:
        tail = f") SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, {failure} {_RUN_KEPT}"
    return (
        "INSERT INTO outcomes (run_id, event_seq, event_name, interaction_id, plugin,"
        f" handler, status, duration_ms, result, error, traceback{tail}"
    )


def outcome_row(outcome: _OutcomeLike) -> tuple[str, tuple[Any, ...], bool]:
    """One handler call's outcome row: what it is (for an error line), its values after the run
    id, and whether it failed (``outcome_insert(failed=...)``: 10 values, else 8)."""
    result = outcome.result
    values: tuple[Any, ...] = (
        outcome.event_seq,
        outcome.event_name,
        outcome.interaction_id,
        utf8_text(outcome.plugin),
        utf8_text(outcome.handler),
        outcome.status,
        float(outcome.duration_ms),
        "null" if result is None else utf8_text(dumps(result)),  # most handlers return None
    )
    error, trace = outcome.error, outcome.traceback
    failed = error is not None or trace is not None
    if failed:
        values = (*values, utf8_text(error), utf8_text(trace))
    what = f"the outcome of {outcome.plugin}:{outcome.handler} on event #{outcome.event_seq}"
    return what, values, failed


def packet_row(
    plugin: str, direction: PacketDirection, packet: dict[str, Any]
) -> tuple[str, tuple[Any, ...]]:
    """A JS page's packet row (``PACKET_SQL``): what it is, and its values after the run id."""
    if direction not in ("in", "out"):
        raise ValueError(f"a packet's direction is 'in' or 'out', not {direction!r}")
    kind = packet.get("type")
    uid = packet.get("uid")
    no_handlers = packet.get("noHandlers")
    error = packet.get("error")
    return f"a {direction} packet of {plugin}", (
        time.time_ns() // 1_000_000,
        utf8_text(plugin),
        direction,
        utf8_text(kind if isinstance(kind, str) else dumps(kind)),
        None if uid is None else utf8_text(uid if isinstance(uid, str) else dumps(uid)),
        utf8_text(dumps(packet.get("params", []))),
        None if no_handlers is None else int(bool(no_handlers)),
        None if error is None else utf8_text(str(error)),
    )


def event_values(events: Sequence[_EventLike], agent_column: bool) -> tuple[list[Any], int]:
    """The values of ``events``' rows after the run id, one flat list, and how many each row
    has: seq, time, name, interaction, arguments' JSON (a tuple is a JSON array, as a list is)
    and the agent (with ``agent_column``: schema 3 on). Built outside the lock, in one pass.

    ``sqlite3`` looks for an adapter for every ``None`` it binds (in load mode ~0.5 µs each, 24
    an interaction): a step whose events have no agent (one agent's desktop: always) leaves that
    column out of its ``INSERT`` (its NULL by default), and an event without an interaction
    binds ``_NULL``; SQLite stores the same NULL either way."""
    texts = stable_text.dumps_each([event.wire_args for event in events])
    values: list[Any] = []
    extend, append = values.extend, values.append
    agents: list[Any] = []
    if agent_column:
        try:
            agents = [event.agent for event in events]  # type: ignore[attr-defined]
        except AttributeError:  # an event-like without one (your own driver's)
            agents = [getattr(event, "agent", None) for event in events]
    with_agent = agents.count(None) != len(agents)
    for index, (event, text) in enumerate(zip(events, texts, strict=True)):
        interaction = event.interaction_id
        extend(
            (
                event.seq,
                event.time_ms,
                str(event.name),
                _NULL if interaction is None else interaction,
                text,
            )
        )
        if with_agent:
            agent = agents[index]
            append(_NULL if agent is None else agent)
    return values, 6 if with_agent else 5


class RowError(Exception):
    """A held-back row could not be written (inside a commit of events)."""

    def __init__(self, pending: Pending, cause: BaseException):
        super().__init__(pending.what)
        self.pending = pending
        self.cause = cause
