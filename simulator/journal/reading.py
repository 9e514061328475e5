"""Reading a journal back: runs, events, outcomes and packets, as lists or streaming iterators
(the half of ``Journal`` that ``adsim journal export|show`` uses)."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from simulator.journal.rows import (
    JournalEvent,
    JournalOutcome,
    JournalPacket,
    _packet,
    row_json,
)
from simulator.journal.run_ends import END_COLUMNS, RunEnd, run_end

__all__ = ["JournalReader"]

_BATCH = 500
"""Rows read at a time by the iterators (``adsim journal export`` streams), at most."""

_BATCH_TEXT = 4_000_000
"""Characters of text a batch may hold, about: one of 500 rows of 5 MB (an event after a
handler set a 5 MB variable) held 2.5 GB before the first of them was written."""


def _meta(text: str) -> dict[str, Any]:
    """A run's meta; ``{}`` for one that is not a JSON object (a hand-edited row)."""
    try:
        meta = json.loads(text)
    except ValueError:
        return {}
    return meta if isinstance(meta, dict) else {}


class JournalReader:
    """The reading methods of ``Journal`` (which sets ``_db``, ``_lock`` and ``_agent``)."""

    _db: sqlite3.Connection
    _lock: threading.Lock
    _agent: str
    """``agent`` when the schema has the column (version 3 on), else ``NULL``."""
    _ends: bool
    """The runs' rows have their ends and writers (version 4 on)."""

    def _before_read(self) -> None:
        """Called before each read (``Journal`` writes the rows it holds back, so that a read
        through the journal that wrote them sees them)."""

    def runs(self) -> list[tuple[int, int, dict[str, Any]]]:
        """Every run: ``(id, started_ms, meta)``."""
        return self.last_runs()

    def run_span(self) -> tuple[int, int] | None:
        """The first and last run's ids (None when there is none), without reading every run:
        a load run's journal holds one per repeat."""
        self._before_read()
        with self._lock:
            first, last = self._db.execute("SELECT MIN(id), MAX(id) FROM runs").fetchone()
        return None if first is None else (int(first), int(last))

    def last_runs(self, count: int | None = None) -> list[tuple[int, int, dict[str, Any]]]:
        """The last ``count`` runs (every run for None), oldest first: ``(id, started_ms,
        meta)``; only those rows are read (a load run's journal holds one per repeat)."""
        self._before_read()
        with self._lock:
            if count is None:
                rows = self._db.execute(
                    "SELECT id, started_ms, meta FROM runs ORDER BY id"
                ).fetchall()
            else:
                rows = self._db.execute(
                    "SELECT id, started_ms, meta FROM runs ORDER BY id DESC LIMIT ?", (count,)
                ).fetchall()[::-1]
        return [(run_id, started, _meta(text)) for run_id, started, text in rows]

    def run_counts(self, run_id: int) -> tuple[int, int, int]:
        """Run ``run_id``'s events, handler outcomes and failed outcomes (not ``ok``), counted
        with the tables' indexes on runs."""
        self._before_read()
        with self._lock:
            db = self._db
            (events,) = db.execute(
                "SELECT COUNT(*) FROM events WHERE run_id = ?", (run_id,)
            ).fetchone()
            outcomes, failed = db.execute(
                "SELECT COUNT(*), COALESCE(SUM(status != 'ok'), 0) FROM outcomes WHERE run_id = ?",
                (run_id,),
            ).fetchone()
        return int(events), int(outcomes), int(failed)

    def run_end(self, run_id: int) -> RunEnd:
        """How run ``run_id`` ended (``finished``, ``interrupted``), or, with no end recorded,
        whether it is being written (``running``), was cut short (``unfinished``) or nothing
        here can tell (``unknown``): ``simulator.journal.run_ends``."""
        if not self._ends:
            return RunEnd("unknown")
        self._before_read()
        with self._lock:
            row = self._db.execute(
                f"SELECT {END_COLUMNS} FROM runs WHERE id = ?", (run_id,)
            ).fetchone()
        end = RunEnd("unknown") if row is None else run_end(row)
        if end.status == "unfinished" and self._ended_since(run_id):
            # Its process wrote its end after this read's snapshot, then exited: what was
            # read of it (its events, counts) is a run being written then, not one cut short.
            return RunEnd("running")
        return end

    def _ended_since(self, run_id: int) -> bool:
        """Whether a read of the file now (a connection of its own: not this one's snapshot,
        which a stream or ``snapshot`` holds) finds run ``run_id``'s end recorded."""
        path = getattr(self, "path", ":memory:")
        if path == ":memory:":
            return False
        try:
            db = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        except (sqlite3.Error, OSError, ValueError):
            return False
        try:
            row = db.execute("SELECT ending, ended_ms FROM runs WHERE id = ?", (run_id,)).fetchone()
        except sqlite3.Error:
            return False
        finally:
            db.close()
        return row is not None and (row[0] is not None or row[1] is not None)

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """Every read inside sees the journal as one commit left it (a read transaction,
        which never makes a writer wait): a run's counts and its end from the same moment.
        For a journal only read (``adsim journal runs``)."""
        self._before_read()
        with self._lock:
            self._db.execute("BEGIN")
        try:
            yield
        finally:
            with self._lock:
                if self._db.in_transaction:
                    self._db.execute("COMMIT")

    def has_run(self, run_id: int) -> bool:
        """Whether the journal has run ``run_id``."""
        self._before_read()
        with self._lock:
            found = self._db.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone()
        return found is not None

    def _rows(self, sql: str, params: Sequence[Any]) -> Iterator[tuple[Any, ...]]:
        """The rows of a query, a batch at a time (constant memory however big the journal)."""
        self._before_read()
        with self._lock:
            cursor = self._db.execute(sql, params)
        count = 1  # doubled while the rows are small: no batch of large rows is read at once
        while True:
            with self._lock:
                batch = cursor.fetchmany(count)
            if not batch:
                return
            text = sum(len(value) for row in batch for value in row if type(value) is str)
            fit = _BATCH_TEXT * len(batch) // max(text, 1)  # rows of this size the budget holds
            count = max(1, min(_BATCH, 2 * len(batch), fit))
            yield from batch

    def _rows_by_key(
        self, keys_sql: str, params: Sequence[Any], row_sql: str
    ) -> Iterator[tuple[Any, ...]]:
        """The rows whose keys ``keys_sql`` gives, in its order, each read by ``row_sql``.

        For a filter whose index is not in the rows' order (an interaction's): SQLite sorts
        what it selects, and sorting the rows themselves held every one in its memory at once
        (``adsim journal show`` of an interaction whose events are 5 MB each). Only the keys are
        sorted; a row deleted meanwhile (a prune) is passed over."""
        for key in self._rows(keys_sql, params):
            with self._lock:
                row: tuple[Any, ...] | None = self._db.execute(row_sql, key).fetchone()
            if row is not None:
                yield row

    @staticmethod
    def _where(
        interaction_id: str | None,
        run_id: int | None,
        *,
        plugin: str | None = None,
        agent: str | None = None,
    ) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if agent is not None:
            clauses.append("agent = ?")
            params.append(agent)
        if interaction_id is not None:
            clauses.append("interaction_id = ?")
            params.append(interaction_id)
        if run_id is not None:
            clauses.append("run_id = ?")
            params.append(run_id)
        if plugin is not None:
            clauses.append("plugin = ?")
            params.append(plugin)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def events(
        self,
        *,
        interaction_id: str | None = None,
        run_id: int | None = None,
        agent: str | None = None,
    ) -> list[JournalEvent]:
        """Journaled events in order, optionally of one interaction, one run and/or one agent."""
        return list(self.iter_events(interaction_id=interaction_id, run_id=run_id, agent=agent))

    def iter_events(
        self,
        *,
        interaction_id: str | None = None,
        run_id: int | None = None,
        agent: str | None = None,
    ) -> Iterator[JournalEvent]:
        """``events``, read as they are consumed."""
        where, params = self._where(interaction_id, run_id, agent=agent)
        select = f"SELECT run_id, seq, time_ms, name, interaction_id, args, answer, {self._agent}"
        if interaction_id is None:  # the table's key, or the agents' index, is in this order
            rows = self._rows(f"{select} FROM events{where} ORDER BY run_id, seq", params)
        else:
            rows = self._rows_by_key(
                f"SELECT run_id, seq FROM events{where} ORDER BY run_id, seq",
                params,
                f"{select} FROM events WHERE run_id = ? AND seq = ?",
            )
        for run, seq, time_ms, name, iid, args, answer, who in rows:
            yield JournalEvent(
                run,
                seq,
                time_ms,
                name,
                iid,
                row_json(args, run, f"event #{seq}", "args"),
                row_json(answer, run, f"event #{seq}", "answer") if answer else None,
                who,
            )

    def has_agents(self, *, interaction_id: str | None = None, run_id: int | None = None) -> bool:
        """Whether any of these events came from a center of several agents (has an agent)."""
        if self._agent != "agent":
            return False
        where, params = self._where(interaction_id, run_id)
        where = f"{where} AND agent IS NOT NULL" if where else " WHERE agent IS NOT NULL"
        self._before_read()
        with self._lock:
            row = self._db.execute(f"SELECT 1 FROM events{where} LIMIT 1", params).fetchone()
        return row is not None

    def ids_like(self, interaction_id: str, run_id: int | None = None) -> list[str]:
        """The interaction ids the journal has that differ from ``interaction_id`` in case
        only (ASCII), sorted: what a "not found" offers instead (ids are matched exactly)."""
        where, params = self._where(None, run_id)
        clause = "interaction_id = ? COLLATE NOCASE AND interaction_id != ?"
        where = f"{where} AND {clause}" if where else f" WHERE {clause}"
        self._before_read()
        with self._lock:
            rows = self._db.execute(
                f"SELECT DISTINCT interaction_id FROM events{where} ORDER BY interaction_id "
                "LIMIT 3",
                [*params, interaction_id, interaction_id],
            ).fetchall()
        return [str(iid) for (iid,) in rows]

    def agents(self) -> list[str]:
        """The names of the simulated agents whose events the journal has, sorted (its index
        on agents answers: not a read of every event)."""
        if self._agent != "agent":
            return []
        self._before_read()
        with self._lock:
            rows = self._db.execute(
                "SELECT DISTINCT agent FROM events WHERE agent IS NOT NULL ORDER BY agent"
            ).fetchall()
        return [str(name) for (name,) in rows]

    def outcomes(
        self,
        *,
        interaction_id: str | None = None,
        run_id: int | None = None,
        agent: str | None = None,
    ) -> list[JournalOutcome]:
        """Journaled handler outcomes in order, optionally of one interaction, one run and/or
        one agent."""
        return list(self.iter_outcomes(interaction_id=interaction_id, run_id=run_id, agent=agent))

    def iter_outcomes(
        self,
        *,
        interaction_id: str | None = None,
        run_id: int | None = None,
        by_event: bool = False,
        agent: str | None = None,
    ) -> Iterator[JournalOutcome]:
        """``outcomes``, read as they are consumed; ``by_event`` orders them by run and event
        (journal order within an event) instead of journal order."""
        where, params = self._where(interaction_id, run_id, agent=agent)
        order = "run_id, event_seq, id" if by_event else "run_id, id"
        select = (
            "SELECT run_id, event_seq, event_name, interaction_id, plugin, handler, status,"
            f" duration_ms, result, error, traceback, {self._agent}"
        )
        if interaction_id is None:
            rows = self._rows(f"{select} FROM outcomes{where} ORDER BY {order}", params)
        else:
            rows = self._rows_by_key(
                f"SELECT id FROM outcomes{where} ORDER BY {order}",
                params,
                f"{select} FROM outcomes WHERE id = ?",
            )
        for (
            run,
            seq,
            name,
            iid,
            plugin,
            handler,
            status,
            duration,
            result,
            error,
            trace,
            who,
        ) in rows:
            yield JournalOutcome(
                run,
                seq,
                name,
                iid,
                plugin,
                handler,
                status,
                duration,
                row_json(result, run, f"outcome of event #{seq}", "result") if result else None,
                error,
                trace,
                who,
            )

    def packets(
        self, *, run_id: int | None = None, plugin: str | None = None
    ) -> list[JournalPacket]:
        """Journaled packets in journal order, optionally of one run and/or one plugin."""
        return list(self.iter_packets(run_id=run_id, plugin=plugin))

    def iter_packets(
        self, *, run_id: int | None = None, plugin: str | None = None, by_run: bool = False
    ) -> Iterator[JournalPacket]:
        """``packets``, read as they are consumed; ``by_run`` orders them by run first."""
        where, params = self._where(None, run_id, plugin=plugin)
        order = "run_id, id" if by_run else "id"
        rows = self._rows(
            "SELECT run_id, id, time_ms, plugin, direction, type, uid, params, no_handlers,"
            f" error FROM packets{where} ORDER BY {order}",
            params,
        )
        for row in rows:
            yield _packet(row)
