"""What the journal writes besides events' rows: its statements, and a row held back for a later
transaction (``Journal`` holds a scenario run's outcomes and answers for its next commit)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["ANSWER_SQL", "PACKET_SQL", "Pending", "RowError", "statements"]


@dataclass(frozen=True, slots=True)
class Pending:
    """A row written later: the run it belongs to (None: the current one), what it is (for the
    error line), its statement and its values after the run id."""

    run_id: int | None
    what: str
    sql: str
    values: tuple[Any, ...]


ANSWER_SQL = "UPDATE events SET answer = ?2 WHERE run_id = ?1 AND seq = ?3"
PACKET_SQL = (
    "INSERT INTO packets (run_id, time_ms, plugin, direction, type, uid, params,"
    " no_handlers, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
)


def statements(agent: bool) -> tuple[str, str]:
    """The events and outcomes inserts, with the ``agent`` column (schema 3 on) or without.

    The run id is a parameter, not part of the text: one statement for every run, compiled
    once (SQLite's statement cache is keyed by the text)."""
    if agent:
        events = (
            "INSERT INTO events (run_id, seq, time_ms, name, interaction_id, args, agent)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
        )
        # The agent is its event's (journaled before any handler saw it).
        tail = (
            ", agent) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
            " (SELECT agent FROM events WHERE run_id = ?1 AND seq = ?2))"
        )
    else:
        events = (
            "INSERT INTO events (run_id, seq, time_ms, name, interaction_id, args)"
            " VALUES (?, ?, ?, ?, ?, ?)"
        )
        tail = ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
    outcomes = (
        "INSERT INTO outcomes (run_id, event_seq, event_name, interaction_id, plugin,"
        f" handler, status, duration_ms, result, error, traceback{tail}"
    )
    return events, outcomes


class RowError(Exception):
    """A held-back row could not be written (inside a commit of events)."""

    def __init__(self, pending: Pending, cause: BaseException):
        super().__init__(pending.what)
        self.pending = pending
        self.cause = cause
