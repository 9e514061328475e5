"""The run a ``Journal`` records: its row, written by the first transaction that needs it (so a
run that wrote nothing has none), and its end (``end_run``; schema 4, ``run_ends``), held back
with the run's last rows so that it is never in the journal before them; or, once the journal is
switched off in the run's middle (``switch_off``), when that was (``journal-off``), tried again
at each transaction until it is written: the journal was switched off because it could not be
written, and a closed window then left a run that went on to its end called ``unfinished``."""

from __future__ import annotations

import sqlite3
import threading
import time
from typing import Any

from simulator.journal.run_ends import END_SQL, OFF_SQL, signal_name, writer
from simulator.journal.statements import Pending
from simulator.journal.text import dumps as _dumps
from simulator.journal.text import utf8_text

__all__ = ["RunRows"]


class RunRows:
    """The run-row methods of ``Journal`` (which sets the attributes below)."""

    _db: sqlite3.Connection
    _lock: threading.Lock
    _run_id: int | None
    _meta: dict[str, Any]
    _closed: bool
    _ends: bool
    _ended: bool
    _pending: list[Pending]
    _off_ms: int | None
    """When the journal was switched off in this run (None: it was not)."""
    _off_written: bool
    """The switch-off is written (its ``journal-off`` end)."""
    _journaled_seq: int
    """The last event of this journal's simulations committed (its outcomes are still written
    once the journal is switched off; those of later events are not: nothing is journaled)."""

    @property
    def run_id(self) -> int:
        """The id of the run this journal records (created on first use)."""
        with self._lock:
            return self._ensure_run()

    @property
    def written_run_id(self) -> int | None:
        """The run's id if its row was written already (None before the first write)."""
        return self._run_id

    def _ensure_run(self) -> int:
        if self._run_id is None:
            started, meta = time.time_ns() // 1_000_000, utf8_text(_dumps(self._meta))
            if self._ends:
                cursor = self._db.execute(
                    "INSERT INTO runs (started_ms, meta, host, pid, pid_start)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (started, meta, *writer()),
                )
            else:
                cursor = self._db.execute(
                    "INSERT INTO runs (started_ms, meta) VALUES (?, ?)", (started, meta)
                )
            self._run_id = int(cursor.lastrowid or 0)
        return self._run_id

    def end_run(
        self, *, interrupted: bool = False, signum: int | None = None, failed: bool = False
    ) -> None:
        """Record that the current run is over: ``finished``, or ``interrupted`` (by the signal
        ``signum``: Ctrl-C, SIGTERM ...). Held back with its last outcomes, so the end is never in
        the journal before them; written at the next transaction (``flush``,
        ``close``, the next run's first commit). Once per run: the first end stays. A run that
        wrote nothing has no row, and gets no end. ``failed``: an error of adsim's own ended it
        before its end; no end is written (it is no ``finished`` run), so ``adsim journal runs``
        calls it ``unfinished`` once its process is gone."""
        with self._lock:
            if failed:
                self._ended = True
            else:
                self._end_locked(interrupted, signum)

    def switch_off(self) -> None:
        """Journal nothing more of this run (the window's **Switch the journal off**): its end
        is recorded as ``journal-off`` with the time now, written at once if the journal takes
        it, else with the next transaction (``flush``, ``close``); rows held back are written
        with it; the outcomes and answers of events not journaled, and packets, are not. A run
        whose end is already recorded or held keeps it."""
        with self._lock:
            if self._closed or self._off_ms is not None:
                return
            self._off_ms = time.time_ns() // 1_000_000
            if not self._ends or self._ended:
                self._off_written = True  # nothing to record: no end column, or an end held
            self._ended = True
            self._flush_locked()

    def _flush_locked(self) -> None:
        """Write the rows held back, with the ``journal-off`` end due (``HeldRows``)."""
        raise NotImplementedError

    def _off_end(self) -> Pending | None:
        """The ``journal-off`` end still to write, if any (a run with no row and nothing held
        for it has none: nothing of it was journaled)."""
        if self._off_ms is None or self._off_written:
            return None
        if self._run_id is None and not any(p.run_id is None for p in self._pending):
            return None
        return Pending(self._run_id, "the end of the run (journal-off)", OFF_SQL, (self._off_ms,))

    def _end_locked(self, interrupted: bool, signum: int | None) -> None:
        if self._closed or not self._ends or self._ended:
            return
        if self._run_id is None and not any(p.run_id is None for p in self._pending):
            return  # nothing of it written nor held: it has no row to end
        self._ended = True
        ending = "interrupted" if interrupted else "finished"
        values = (time.time_ns() // 1_000_000, ending, signal_name(signum))
        what = f"the end of the run ({ending})"
        self._pending.append(Pending(self._run_id, what, END_SQL, values))
