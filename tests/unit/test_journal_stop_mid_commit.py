"""A stop (Ctrl-C, SIGTERM) that comes while the journal writes a transaction.

``adsim`` raises the stop where the main thread is: right after a statement returns. Right after
a transaction's ``BEGIN`` it left the transaction open, and the journal's close at the stop then
failed to write what was held back for it: the last run's outcomes and its end were lost
(``journal show`` of a finished run said it was unfinished, its handler calls gone; a load run
stopped by SIGTERM did so about once in ten on a loaded machine). The stop now comes once the
transaction is over.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest

from simulator import interrupts
from simulator.interrupts import Interrupted
from simulator.journal import Journal


class _Event:
    name, time_ms, interaction_id, wire_args = "ON_LOGIN", 0, None, ()

    def __init__(self, seq: int) -> None:
        self.seq = seq


class _StopDuring:
    """The journal's connection, SIGTERM coming while ``statement`` runs (its handler runs as
    the statement returns)."""

    def __init__(self, db: Any, statement: str) -> None:
        self._db, self._statement, self.sent = db, statement, False

    def execute(self, sql: str, *args: Any) -> Any:
        cursor = self._db.execute(sql, *args)
        if sql == self._statement and not self.sent:
            self.sent = True
            signal.raise_signal(signal.SIGTERM)
        return cursor

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)


def _journal_with_a_held_end(path: Path) -> Journal:
    """Run 1 written and ended (its end held for the next transaction), run 2 begun."""
    journal = Journal.open(path)
    journal.commit([_Event(1)])
    journal.end_run()
    journal.new_run({"command": "next"})
    return journal


@pytest.mark.parametrize("statement", ["BEGIN IMMEDIATE", "COMMIT"])
def test_a_stop_during_a_commit_of_events_loses_nothing(tmp_path, statement):
    path = tmp_path / "j.sqlite3"
    with interrupts.stop_on_signals():
        journal = _journal_with_a_held_end(path)
        journal._db = _StopDuring(journal._db, statement)  # type: ignore[assignment]
        with pytest.raises(Interrupted):
            journal.commit([_Event(1)])  # run 2's first events, and run 1's end with them
        assert journal._db.sent
        journal.end_run(interrupted=True, signum=signal.SIGTERM)
        journal.close()
    with Journal.open(path, writing=False) as read:
        assert read.run_end(1).status == "finished"
        assert [e.seq for e in read.events(run_id=1)] == [1]
        # The transaction went through whole: the stop came after it, once.
        assert [e.seq for e in read.events(run_id=2)] == [1]
        assert read.run_end(2).label == "interrupted(SIGTERM)"
        assert [run_id for run_id, _started, _meta in read.runs()] == [1, 2]


def test_a_stop_during_a_flush_of_held_rows_loses_nothing(tmp_path):
    path = tmp_path / "j.sqlite3"
    with interrupts.stop_on_signals():
        journal = _journal_with_a_held_end(path)
        journal._db = _StopDuring(journal._db, "BEGIN IMMEDIATE")  # type: ignore[assignment]
        with pytest.raises(Interrupted):
            journal.flush()  # run 1's end
        journal.close()
    with Journal.open(path, writing=False) as read:
        assert read.run_end(1).status == "finished"
        assert [run_id for run_id, _started, _meta in read.runs()] == [1]
