"""Rows written beside the events: handler outcomes, answers and JS packets. While an attached
bus commits lazily (a scenario run) outcomes and answers are held back for the transaction of the
next commit of events (``Journal.commit``), else each is written at once in its own transaction;
``flush`` writes what is held (a run's end, a read through the journal, ``close``). A failure is
kept in ``failure``, not raised: the next commit of events is refused with it."""

from __future__ import annotations

import contextlib
import operator
import sqlite3
import sys
from typing import Any

from simulator import interrupts
from simulator.journal.checkpoints import Checkpointer
from simulator.journal.errors import JournalWriteError, reason
from simulator.journal.file_identity import FileIdentity
from simulator.journal.rows import PacketDirection, _OutcomeLike
from simulator.journal.run_ends import OFF_SQL
from simulator.journal.run_rows import RunRows
from simulator.journal.statements import (
    ANSWER_SQL,
    PACKET_SQL,
    Pending,
    RowError,
    outcome_row,
    packet_row,
)
from simulator.journal.text import dumps as _dumps
from simulator.journal.text import utf8_text

__all__ = ["HeldRows"]

_LAZY = operator.attrgetter("lazy_commits")


class HeldRows(RunRows):
    """The held-back rows' methods of ``Journal`` (which sets the attributes below)."""

    path: str
    failure: JournalWriteError | None
    _failure_retried: bool
    """``failure`` lost no row: it is the ``journal-off`` end's, which the next flush writes
    again (once written, ``failure`` is no longer true: the journal is whole)."""
    _buses: list[Any]
    _checkpointer: Checkpointer | None
    _file: FileIdentity | None
    _outcome_sql: str
    _outcome_ok_sql: str

    def _write_pending(self, run_id: int) -> None:
        """Insert the held-back rows into the open transaction; ``RowError`` names the one
        that cannot be written."""
        for pending in self._pending:
            try:
                self._db.execute(
                    pending.sql,
                    (run_id if pending.run_id is None else pending.run_id, *pending.values),
                )
            except (sqlite3.Error, UnicodeEncodeError) as exc:
                raise RowError(pending, exc) from exc

    def _deferring(self) -> bool:
        # A scenario run's bus commits lazily: its next commit (or the run's end) comes soon,
        # and takes the row with it; any other driver (the window, the demo) writes it now.
        return any(map(_LAZY, self._buses))  # no generator: once per outcome

    def _hold(
        self,
        what: str,
        sql: str,
        values: tuple[Any, ...],
        *,
        now: bool = False,
        seq: int | None = None,
    ) -> bool:
        """Keep a row for the next transaction of events, or write it at once (``now``, or
        when no attached run commits lazily, or when the run's own row is not written yet;
        ``seq``: the event it is about, if any; once the journal is switched off, a row is
        kept only for an event journaled before).
        A failure is kept in ``failure``, not raised (the handler thread cannot stop the run:
        the next commit of events does). False when the journal was closed: nothing kept
        (told under the lock that closes it)."""
        with self._lock:
            if self._closed:
                return False
            if self._off_ms is not None and self._unjournaled(seq):
                return True  # switched off: nothing more is journaled (see ``switch_off``)
            self._pending.append(Pending(self._run_id, what, sql, values))
            if now or self._run_id is None or not self._deferring():
                self._flush_locked()
        return True

    def _unjournaled(self, seq: int | None) -> bool:
        return seq is None or seq > self._journaled_seq

    def flush(self) -> None:
        """Write the outcome and answer rows held back for the next commit (a run's end: the
        CLI calls it before its summary). A failure is kept in ``failure``."""
        with self._lock:
            if not self._closed:
                self._flush_locked()

    def _before_read(self) -> None:
        self.flush()

    def _flush_locked(self) -> None:
        off = self._off_end()
        if off is not None:
            self._pending.append(off)  # the last: the end is never written before the rows
        if not self._pending:
            return
        with interrupts.deferred():  # a stop in its middle would leave it open (_write_events)
            written = self._flush_transaction()
        if off is not None and written:
            self._off_written = True
            if self._failure_retried:  # the one row it failed to write is written now
                self.failure = None
                self._failure_retried = False

    def _flush_transaction(self) -> bool:
        """Write the rows held back in one transaction; False when it failed (``failure``)."""
        db = self._db
        new_run = self._run_id is None
        try:
            db.execute("BEGIN IMMEDIATE")
            if self._file is not None:
                self._file.check()
            # The current run's row only if a row held back belongs to it: a run that wrote
            # nothing yet (load mode's next repeat) gets no empty row here.
            unwritten = any(pending.run_id is None for pending in self._pending)
            self._write_pending(self._ensure_run() if unwritten else 0)
            db.execute("COMMIT")
            if self._checkpointer is not None:
                self._checkpointer.committed()
        except (sqlite3.Error, RowError) as exc:
            if new_run:
                self._run_id = None
            if db.in_transaction:
                db.execute("ROLLBACK")
            # What cannot be written now is lost, as a row written at once would be (but the
            # journal-off end, written again at the next flush); the first failure is told at
            # the next commit (or in the run's summary).
            lost = any(pending.sql != OFF_SQL for pending in self._pending)
            if self.failure is None:
                self._failure_retried = not lost
            elif lost:
                self._failure_retried = False
            if self.failure is None:
                what, cause = (
                    (exc.pending.what, exc.cause)
                    if isinstance(exc, RowError)
                    else (self._pending[0].what, exc)
                )
                self.failure = JournalWriteError(
                    f"cannot write {what}: {reason(cause)}", self.path, self._runs_of_pending()
                )
            self._pending.clear()
            return False
        except BaseException:  # not the rows' fault: none lost, none left half-written
            if new_run:
                self._run_id = None
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        self._pending.clear()
        return True

    def _runs_of_pending(self) -> tuple[int, ...]:
        """The ids of the runs the rows held back belong to (a run whose own row is not
        written has none)."""
        runs = {
            self._run_id if pending.run_id is None else pending.run_id for pending in self._pending
        }
        return tuple(sorted(run for run in runs if run is not None))

    def record_answer(self, seq: int, answer: Any) -> None:
        """Store the answer used for an event that needs one (with the next commit)."""
        self._hold(
            f"the answer to event #{seq}", ANSWER_SQL, (utf8_text(_dumps(answer)), seq), seq=seq
        )

    def record_outcome(self, outcome: _OutcomeLike) -> None:
        """Store one handler call's outcome (with the next commit)."""
        what, values, failed = outcome_row(outcome)
        sql = self._outcome_sql if failed else self._outcome_ok_sql
        if self._hold(what, sql, values, seq=outcome.event_seq):
            return
        # A handler thread's last call, ended past the close (or as it closed): not silently.
        with contextlib.suppress(OSError, ValueError):
            print(
                f"adsim: journal {self.path}: the outcome of {outcome.handler} on event "
                f"#{outcome.event_seq} came after the journal was closed; it is not in it",
                file=sys.stderr,
                flush=True,
            )

    def record_packet(
        self, plugin: str, direction: PacketDirection, packet: dict[str, Any]
    ) -> None:
        """Commit one packet ``plugin``'s page sent (``in``) or was sent (``out``), at once."""
        what, values = packet_row(plugin, direction, packet)
        self._hold(what, PACKET_SQL, values, now=True)
