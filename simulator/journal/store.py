"""The SQLite journal: runs, events, handler outcomes and JS packets, with a versioned schema.

Events are written by group commit: ``attach(sim)`` makes the journal the engine bus's committer,
so everything one engine step emits is inserted in one transaction and committed (WAL mode)
before any handler or subscriber sees it. When that commit fails (the disk is full, another
process holds the write lock past ``busy_timeout``, the file became unwritable) the bus delivers
none of those events (``simulator.engine.CommitError``).

Outcomes and answers: while an attached bus commits lazily (a scenario run) they are held back
and written in the transaction of the next commit of events (each row with the id of the run it
belongs to, across ``new_run``), or by ``flush`` (the CLI, at a run's end, before its summary),
``close``, a read through this journal, or the next packet. Until then they are in memory only:
a ``kill -9`` can lose them, never an event. Otherwise (the window, the demo, your own driver)
each is written at once in its own transaction, as every packet is. A held-back row that cannot
be written makes the commit it joined fail (nothing of it written, its events not delivered)
with that row's error; one written on its own that fails is kept in ``failure`` and the next
commit of events is refused with it: either way the run stops there.
Once a commit returns, a ``kill -9`` of the process cannot take it back (``synchronous=NORMAL``
only trades durability against power loss, not against a killed process). WAL checkpoints run
on a thread of their own (``simulator.journal.checkpoints``), not inside the commits.

A journal opened for writing is checked at ``open`` (``simulator.journal.opening``): a file that
cannot be written, or whose write lock another process holds for longer than ``busy_timeout``,
raises ``JournalError``.
Opening migrates an older journal (``simulator.journal.schema``); reading gives
``simulator.journal.rows`` dataclasses, or iterators that stream.

Each run's end is written when it is over (schema 4): ``end_run`` (``finished``, or ``interrupted``
by a signal), else ``close`` and ``new_run`` write ``finished``; its row names the process that
writes it, so a run killed before its end is told from one being written
(``simulator.journal.run_ends``).

This module opens the journal and commits a step's events; the run's own row and end are
``simulator.journal.run_rows``, the outcome, answer and packet rows ``simulator.journal.held_rows``
(``Journal`` inherits both, and ``JournalReader``'s reading).

Nothing is scrubbed: the journal stores what the simulation did, byte for byte. Secrets are kept
out before they get here (``simulator.handlers.secrets``: the run's ``meta`` records that a
webhook secret was given, never its value; plugin text is masked by the handler host).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from simulator import interrupts
from simulator.journal.checkpoints import Checkpointer
from simulator.journal.errors import JournalError, JournalWriteError, reason
from simulator.journal.file_identity import FileIdentity
from simulator.journal.held_rows import HeldRows
from simulator.journal.opening import (
    APP_NAME,
    ENV_JOURNAL,
    default_journal_path,
    open_database,
)
from simulator.journal.reading import JournalReader
from simulator.journal.rows import (
    JournalEvent,
    JournalOutcome,
    JournalPacket,
    PacketDirection,
    _EventLike,
)
from simulator.journal.schema import MIGRATIONS, SCHEMA_VERSION
from simulator.journal.statements import (
    EVENTS_PER_INSERT,
    Pending,
    RowError,
    event_values,
    events_insert,
    outcome_insert,
)
from simulator.journal.text import utf8_text

__all__ = [
    "APP_NAME",
    "ENV_JOURNAL",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Journal",
    "JournalError",
    "JournalEvent",
    "JournalOutcome",
    "JournalPacket",
    "JournalWriteError",
    "PacketDirection",
    "default_journal_path",
    "utf8_text",
]

DEFAULT_BUSY_TIMEOUT = 2.0
"""Seconds a write waits for another process's write lock before it fails."""

MEMORY_RUNS_KEPT = 100
"""An in-memory journal (``:memory:``, "keep none": nothing can read it once the process ends)
keeps about this many runs: load mode starts a run per repeat, and every one kept took ~8 KB of
RAM (``--repeat 100000`` ~850 MB). ``new_run`` drops the older ones every this many runs."""


_RUN_ROW = "SELECT 1 FROM runs WHERE id = ?"
"""Asked in each commit of a run's events: another process's prune may have deleted the run
(its events would be left with no run)."""


class Journal(HeldRows, JournalReader):
    """An open journal; thread-safe (events come from the engine thread, outcomes from handlers)."""

    def __init__(self, db: sqlite3.Connection, path: str, meta: dict[str, Any] | None = None):
        self._db = db
        self.path = path
        """The database file, or ``:memory:``."""
        self._lock = threading.Lock()
        self._run_id: int | None = None
        self._meta = dict(meta or {})
        self._closed = False
        self.failure: JournalWriteError | None = None
        """The first write of an outcome, answer or packet that failed (None: none failed)."""
        self._failure_told = False
        self._failure_retried = False
        self._detach: list[Callable[[], None]] = []
        # ``agent`` came with schema 3; a journal opened with fewer ``migrations`` (an older
        # adsim's file, as the migration tests write it) is written and read without it.
        columns = {row[1] for row in db.execute("PRAGMA table_info(events)")}
        self._agent = "agent" if "agent" in columns else "NULL"
        self._agent_column = "agent" in columns
        runs = {row[1] for row in db.execute("PRAGMA table_info(runs)")}
        self._ends = "ending" in runs  # schema 4 on
        self._ended = False
        """The current run's end is written, or held back to be (``end_run``)."""
        self._off_ms: int | None = None
        self._off_written = False
        self._journaled_seq = 0
        self._outcome_sql = outcome_insert(self._agent == "agent")
        self._outcome_ok_sql = outcome_insert(self._agent == "agent", failed=False)
        self._pending: list[Pending] = []
        """Outcome and answer rows held back for the next transaction (see ``flush``)."""
        self._buses: list[Any] = []
        """The buses of the simulations attached: while one commits lazily, rows wait."""
        self._checkpointer: Checkpointer | None = None
        """WAL checkpoints off the commits' path (a journal file opened for writing)."""
        self._swept_below = 0
        """An in-memory journal's runs before this id were dropped (``new_run``)."""
        self._file: FileIdentity | None = None
        """The file opened for writing: each transaction checks that its path still names it."""

    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        *,
        meta: dict[str, Any] | None = None,
        migrations: Sequence[Callable[[sqlite3.Connection], None]] = MIGRATIONS,
        busy_timeout: float | None = None,
        writing: bool = True,
    ) -> Journal:
        """Open (creating and migrating as needed) the journal at ``path``.

        ``None`` means the default file (``default_journal_path``); ``":memory:"`` keeps it in
        memory. ``meta`` is stored with the run this journal records (seed, command ...). With
        ``writing`` (the default) a journal that cannot be written, or that another process
        keeps locked for more than ``busy_timeout`` seconds (default ``DEFAULT_BUSY_TIMEOUT``)
        raises ``JournalError`` here rather than at its first write.
        """
        if busy_timeout is None:
            busy_timeout = DEFAULT_BUSY_TIMEOUT
        target = str(default_journal_path() if path is None else path)
        db = open_database(
            target, busy_timeout=busy_timeout, writing=writing, migrations=migrations
        )
        journal = cls(db, target, meta)
        if writing and target != ":memory:":
            journal._checkpointer = Checkpointer(target)
            journal._file = FileIdentity.of(target)
            if journal._file is not None:
                journal._file.note_siblings()
            journal._checkpointer.file = journal._file
        return journal

    # ------------------------------------------------------------------ writing

    @property
    def schema_version(self) -> int:
        """The schema version of the open database."""
        with self._lock:
            return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    @property
    def failure_told(self) -> bool:
        """Whether ``failure`` was raised to a run (a commit refused with it: the run stopped
        there and said so), rather than only kept for the run's summary."""
        return self.failure is not None and self._failure_told

    def new_run(self, meta: dict[str, Any] | None = None) -> None:
        """Record what follows as another run on the same open file (load mode: one run per
        repeat without reopening the database). Rows held back keep their run's id. An
        in-memory journal keeps only its last runs (``MEMORY_RUNS_KEPT``)."""
        with self._lock:
            self._end_locked(False, None)  # the next run begins: this one got to its end
            if self._pending and any(pending.run_id is None for pending in self._pending):
                self._flush_locked()  # rows of a run whose own row is not written yet
            ended = self._run_id
            self._ended = False
            self._off_ms, self._off_written = None, False  # journaled again if attached again
            if self.path == ":memory:" and ended is not None:
                self._forget_runs_before(ended)
            self._run_id = None
            self._meta = dict(meta or {})

    def _forget_runs_before(self, run_id: int) -> None:
        """An in-memory journal: drop the rows of the runs before ``run_id`` once there are
        ``MEMORY_RUNS_KEPT`` of them (a range delete on each table's run index; rows held back
        for those runs are not written: their run is gone)."""
        if run_id - self._swept_below < MEMORY_RUNS_KEPT:
            return
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
            for table in ("events", "outcomes", "packets"):  # packets: schema 2 on
                if table in tables:
                    db.execute(f"DELETE FROM {table} WHERE run_id < ?", (run_id,))
            db.execute("DELETE FROM runs WHERE id < ?", (run_id,))
            db.execute("COMMIT")
        except sqlite3.Error:
            if db.in_transaction:
                db.execute("ROLLBACK")
            return  # kept, as before: the next sweep tries again
        self._swept_below = run_id

    def attach(self, sim: Any) -> Callable[[], None]:
        """Commit every batch of ``sim``'s events before it is delivered (the bus's committer);
        returns the detach function (held events are then delivered unjournaled)."""
        bus = sim.bus
        remove_committer: Callable[[], None] = bus.add_committer(self.commit)
        with self._lock:
            self._buses.append(bus)

        def remove() -> None:
            remove_committer()
            with self._lock:
                if bus in self._buses:
                    self._buses.remove(bus)
            # Load mode attaches one simulator per repeat: a remover kept here would keep that
            # repeat's bus and every event it held for the rest of the process.
            if remove in self._detach:
                self._detach.remove(remove)

        self._detach.append(remove)
        return remove

    def detach(self) -> None:
        """Switch the journal off: stop journaling every simulation it is attached to (events
        held back by a failed commit are delivered at their bus's next ``flush``, unjournaled),
        write nothing more of the run, and record its end as ``journal-off`` (``switch_off``)."""
        removers, self._detach = self._detach, []
        for remove in removers:
            remove()
        self.switch_off()

    def commit(self, events: Sequence[_EventLike]) -> None:
        """Write ``events`` in one transaction, with the outcome and answer rows held back;
        ``JournalWriteError`` (and nothing written) when it fails, or when an outcome, answer
        or packet could not be written before."""
        values, width = event_values(events, self._agent_column)
        with self._lock:
            if self._closed:
                raise JournalWriteError(
                    "the journal is closed; events cannot be written", self.path
                )
            if self.failure is not None and not self._failure_told:
                self._failure_told = True
                raise self.failure
            try:
                self._write_events(values, width)
            except RowError as exc:
                raise self._row_failed(exc) from None
            except UnicodeEncodeError:
                # A lone surrogate got past the entry checks: store its JSON escape (exact).
                escaped = values.copy()
                escaped[4::width] = [utf8_text(args) for args in values[4::width]]
                try:
                    self._write_events(escaped, width)
                except RowError as exc:
                    raise self._row_failed(exc) from None
                except (sqlite3.Error, UnicodeEncodeError) as exc:
                    raise self._write_error(exc, events) from None
            except sqlite3.Error as exc:
                raise self._write_error(exc, events) from None

    def _write_events(self, values: list[Any], width: int) -> None:
        # A stop (Ctrl-C, SIGTERM) raised in the middle of a transaction, right after its BEGIN
        # or its COMMIT, left it open, or the rows held back written and kept to write again:
        # the close then failed to write them (the last run's outcomes and end were lost). So it
        # is raised once the transaction is over, whichever way it ended.
        with interrupts.deferred():
            self._transaction(values, width)

    def _transaction(self, values: list[Any], width: int) -> None:
        db = self._db
        new_run = self._run_id is None  # its row is in this transaction: gone if it fails
        try:
            db.execute("BEGIN IMMEDIATE")
            if self._file is not None:
                self._file.check()
            run_id = self._ensure_run()
            if not new_run and db.execute(_RUN_ROW, (run_id,)).fetchone() is None:
                raise sqlite3.DatabaseError(
                    f"run {run_id} was deleted (adsim journal prune) while it ran; "
                    "its events are no longer journaled"
                )
            if self._pending:
                self._write_pending(run_id)
            step = EVENTS_PER_INSERT * width
            for start in range(0, len(values), step):
                chunk = values[start : start + step]
                db.execute(events_insert(width == 6, len(chunk) // width), [run_id, *chunk])
            db.execute("COMMIT")
        except BaseException:
            if new_run:
                self._run_id = None
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        self._pending.clear()
        if values:
            self._journaled_seq = max(self._journaled_seq, values[-width])
        if self._checkpointer is not None:
            self._checkpointer.committed()

    def _row_failed(self, exc: RowError) -> JournalWriteError:
        """A held-back row failed inside a commit: nothing was written; that row is dropped
        (the others wait for the next commit) and its error stops the run, as ``failure``."""
        self._pending.remove(exc.pending)
        run = self._run_id if exc.pending.run_id is None else exc.pending.run_id
        error = JournalWriteError(
            f"cannot write {exc.pending.what}: {reason(exc.cause)}",
            self.path,
            () if run is None else (run,),
        )
        if self.failure is None:
            self.failure = error
        self._failure_told = True
        self._failure_retried = False  # a row lost: the journal stays incomplete
        return self.failure

    def _write_error(self, exc: BaseException, events: Sequence[_EventLike]) -> JournalWriteError:
        first = events[0] if events else None
        what = f"event #{first.seq} {first.name}" if first is not None else "events"
        return JournalWriteError(f"cannot write {what}: {reason(exc)}", self.path)

    def record_event(self, event: _EventLike) -> None:
        """Commit one event on its own (``commit`` writes a step's events together)."""
        self.commit((event,))

    def close(self) -> None:
        """Write the rows held back, then close the database (idempotent)."""
        with self._lock:
            if not self._closed:
                self._end_locked(False, None)  # no end said (the window, a driver): finished
                self._flush_locked()
                self._closed = True
                if self._checkpointer is not None:
                    self._checkpointer.close()  # its connection first: the writer's is the last
                if self._file is not None and self._file.moved():
                    self._checkpoint_moved()
                    # Before the close, while its -wal and -shm are open: their inode numbers
                    # still name them, not another journal's files made at the path since.
                    self._file.remove_leftovers()
                self._db.close()

    def file_change(self) -> str | None:
        """What became of the journal file at its path since it was opened for writing:
        ``"deleted"`` (deleted or moved away), ``"replaced"`` (another file took its place),
        or None (still there; a journal only read, or in memory). Its runs since then are not
        in the file at that path."""
        return None if self._file is None else self._file.change()

    def _checkpoint_moved(self) -> None:
        """The file was moved or replaced while open: SQLite's close leaves its WAL at the old
        path (it checkpoints no file that moved), where the journal moved away lacks the
        commits it holds, and a file put in its place (a copy put back) read as damaged
        (``database disk image is malformed``): its pages are copied into the file opened, and
        the WAL emptied (best effort: a reader on an old snapshot keeps it)."""
        with contextlib.suppress(sqlite3.Error):
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
