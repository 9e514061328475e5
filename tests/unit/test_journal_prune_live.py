"""``adsim journal prune`` while another adsim is writing the journal leaves no row without its run.

A scenario run holds its handlers' outcomes (and answers, and its end) for its next commit: a
prune in between deleted the run, and the outcomes were then written with the id of a run that
was no longer there (``journal runs`` counted them nowhere; only the next prune took them). A
row held for a run is now written only while the run's row is there, in the same transaction
(SQLite's write lock orders it with the prune's): and a run still being written that a prune
deleted is not written further: its next commit fails with one line saying so.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.engine import Simulator
from simulator.journal import Journal, JournalWriteError
from tests.unit.journal_fakes import FakeEvent, fake_outcome


def _orphans(path: Path) -> dict[str, int]:
    """Rows of each table whose run is not in ``runs``."""
    db = sqlite3.connect(path)
    try:
        return {
            table: db.execute(
                f"SELECT COUNT(*) FROM {table} WHERE run_id NOT IN (SELECT id FROM runs)"
            ).fetchone()[0]
            for table in ("events", "outcomes", "packets")
        }
    finally:
        db.close()


@pytest.fixture
def writer(tmp_path):
    """A scenario run's journal (its bus commits lazily: outcomes wait for the next commit)
    that wrote run 1 and holds an outcome of it; another adsim then wrote run 2."""
    path = tmp_path / "j.sqlite3"
    journal = Journal.open(path)
    sim = Simulator()
    sim.bus.lazy_commits = True
    journal.attach(sim)
    journal.commit([FakeEvent(1)])
    journal.record_outcome(fake_outcome(1))  # held for the next commit
    with Journal.open(path) as other:
        other.commit([FakeEvent(1)])
    yield path, journal
    journal.close()


def test_prune_keep_1_while_a_run_holds_outcomes_leaves_no_orphan(writer, capsys):
    path, journal = writer
    assert main(["journal", "prune", "--keep", "1", "--journal", str(path)]) == 0
    assert "deleted run 1 (1), kept the last 1" in capsys.readouterr().out
    journal.new_run()  # load mode: run 1 is over, the next one starts
    journal.commit([FakeEvent(1)])  # the held outcome of run 1 comes with this commit
    journal.close()
    assert _orphans(path) == {"events": 0, "outcomes": 0, "packets": 0}
    with Journal.open(path, writing=False) as read:
        assert [run for run, _started, _meta in read.runs()] == [2, 3]
        assert read.outcomes() == []  # run 1's went with it
        assert journal.failure is None  # nothing was refused: that run is gone on purpose


def test_the_outcomes_held_for_a_pruned_run_written_at_its_end_are_dropped(writer, capsys):
    path, journal = writer
    assert main(["journal", "prune", "--keep", "1", "--journal", str(path)]) == 0
    journal.record_packet("js:page", "in", {"type": "X", "uid": "1", "params": []})
    journal.flush()  # the run's end (finish_run), and its end marker with close
    journal.close()
    assert _orphans(path) == {"events": 0, "outcomes": 0, "packets": 0}


def test_a_run_a_prune_deleted_while_it_ran_is_not_written_further(writer, capsys):
    path, journal = writer
    assert main(["journal", "prune", "--keep", "1", "--journal", str(path)]) == 0
    with pytest.raises(JournalWriteError) as caught:
        journal.commit([FakeEvent(2)])
    assert "run 1 was deleted (adsim journal prune) while it ran" in str(caught.value)
    journal.close()
    assert _orphans(path) == {"events": 0, "outcomes": 0, "packets": 0}
