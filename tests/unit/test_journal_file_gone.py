"""A journal file deleted, moved or replaced while adsim writes it stops the run, with one line.

SQLite writes through the descriptor it opened: the run went on writing into a deleted file (or
into one moved away) and passed, exit 0, and the journal the user asked for did not have it.
Each transaction now checks that the path still names the file opened
(``simulator.journal.file_identity``).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.engine import Simulator
from simulator.journal import Journal, JournalWriteError
from simulator.journal.checkpoints import EVERY, Checkpointer
from tests.unit.journal_fakes import FakeEvent, fake_outcome

SCENARIO = Path(__file__).resolve().parents[2] / "fixtures/scenarios/inbound_acw_disposition.yaml"


def _files(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def test_a_commit_after_the_file_was_deleted_fails_and_says_why(tmp_path):
    path = tmp_path / "j.sqlite3"
    journal = Journal.open(path)
    journal.commit([FakeEvent(1)])
    for leftover in path.parent.glob("j.sqlite3*"):
        leftover.unlink()
    with pytest.raises(JournalWriteError) as caught:
        journal.commit([FakeEvent(2)])
    assert "cannot write event #2 ON_LOGIN: the file was deleted or moved" in str(caught.value)
    assert str(path) in str(caught.value)
    journal.close()
    assert _files(path) == []  # nothing made again, empty, at its path


def test_a_commit_after_the_file_was_moved_away_fails(tmp_path):
    path = tmp_path / "j.sqlite3"
    journal = Journal.open(path)
    journal.commit([FakeEvent(1)])
    path.rename(tmp_path / "moved.sqlite3")
    with pytest.raises(JournalWriteError, match="deleted or moved while adsim wrote to it"):
        journal.commit([FakeEvent(2)])
    journal.close()


def test_a_commit_after_another_file_took_its_place_fails_and_leaves_that_file_alone(tmp_path):
    path = tmp_path / "j.sqlite3"
    journal = Journal.open(path)
    journal.commit([FakeEvent(1)])
    other = tmp_path / "other.sqlite3"
    with Journal.open(other) as written:
        written.commit([FakeEvent(1)])
    os.replace(other, path)
    with pytest.raises(JournalWriteError, match="another file took its place"):
        journal.commit([FakeEvent(2)])
    journal.close()
    with Journal.open(path, writing=False) as read:
        assert [event.seq for event in read.events()] == [1]  # the other file's one event


def test_held_rows_flushed_after_the_file_was_deleted_are_a_failure_not_a_silence(tmp_path):
    path = tmp_path / "j.sqlite3"
    journal = Journal.open(path)
    sim = Simulator()
    sim.bus.lazy_commits = True
    journal.attach(sim)
    journal.commit([FakeEvent(1)])
    journal.record_outcome(fake_outcome(1))  # held for the next commit
    path.unlink()
    journal.flush()
    assert journal.failure is not None
    assert "the file was deleted or moved" in str(journal.failure)
    journal.close()


def test_the_checkpoint_thread_never_makes_a_deleted_journal_again(tmp_path):
    path = tmp_path / "j.sqlite3"
    sqlite3.connect(path).close()
    path.unlink()
    checkpointer = Checkpointer(str(path))
    for _ in range(EVERY):
        checkpointer.committed()
    checkpointer.close()
    assert _files(path) == []


DELETING_HANDLER = """
import os

def register(ad_api):
    def save(activity):
        path = os.environ["ADSIM_TEST_JOURNAL"]
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""


@pytest.mark.parametrize("isolation", ["process", "thread"])
def test_a_load_run_whose_journal_a_handler_deleted_stops_with_exit_1(
    tmp_path, monkeypatch, capsys, isolation
):
    journal = tmp_path / "j.sqlite3"
    handler = tmp_path / "deleting.py"
    handler.write_text(DELETING_HANDLER, encoding="utf-8")
    monkeypatch.setenv("ADSIM_TEST_JOURNAL", str(journal))
    code = main(
        [
            "run",
            str(SCENARIO),
            "--repeat",
            "3",
            "--no-entry-points",
            "--handler-isolation",
            isolation,
            "--handler",
            str(handler),
            "--journal",
            str(journal),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 1
    assert "2 runs, 1 failed run" in out
    assert "the file was deleted or moved while adsim wrote to it" in out + err
    assert "Traceback" not in out + err
    assert not journal.exists()


def test_a_relative_journal_path_still_names_its_file_after_a_handler_changed_directory(
    tmp_path, monkeypatch
):
    # Thread isolation runs handlers in adsim's process: one that calls ``os.chdir`` must not
    # make the journal look deleted, nor the checkpoint thread open (and make) another file.
    work, elsewhere = tmp_path / "work", tmp_path / "elsewhere"
    work.mkdir()
    elsewhere.mkdir()
    monkeypatch.chdir(work)
    journal = Journal.open("j.sqlite3")
    monkeypatch.chdir(elsewhere)
    for seq in range(1, 2 * EVERY + 2):  # the checkpoint thread starts at the EVERY-th
        journal.commit([FakeEvent(seq)])
    journal.close()
    assert sorted(p.name for p in elsewhere.iterdir()) == []
    with Journal.open(work / "j.sqlite3", writing=False) as read:
        assert len(read.events()) == 2 * EVERY + 1


def _wal_left(path: Path) -> int:
    wal = Path(f"{path}-wal")
    return wal.stat().st_size if wal.exists() else 0


def test_a_journal_moved_away_keeps_every_commit_made_before(tmp_path):
    """SQLite's close leaves the WAL of a file that moved at the old path: the file moved away
    lacked the commits still in it (every one, up to 16 MB of them)."""
    path = tmp_path / "j.sqlite3"
    journal = Journal.open(path)
    journal.commit([FakeEvent(1)])
    journal.commit([FakeEvent(2)])
    moved = tmp_path / "moved.sqlite3"
    path.rename(moved)
    with pytest.raises(JournalWriteError, match="deleted or moved while adsim wrote to it"):
        journal.commit([FakeEvent(3)])
    journal.close()
    assert _wal_left(path) == 0
    with Journal.open(moved, writing=False) as read:
        assert [event.seq for event in read.events()] == [1, 2]


def test_a_file_put_in_the_journals_place_is_not_read_through_its_wal(tmp_path):
    """The WAL left at the path was read as the new file's: ``database disk image is
    malformed`` (or the old journal's rows in it), and a run opening it would have copied them
    in for good."""
    path = tmp_path / "j.sqlite3"
    journal = Journal.open(path)
    journal.commit([FakeEvent(seq) for seq in range(1, 200)])
    other = tmp_path / "other.sqlite3"
    with Journal.open(other) as written:
        written.commit([FakeEvent(7)])
    os.replace(other, path)
    with pytest.raises(JournalWriteError, match="another file took its place"):
        journal.commit([FakeEvent(200)])
    journal.close()
    assert _wal_left(path) == 0
    with Journal.open(path, writing=False) as read:
        assert [event.seq for event in read.events()] == [7]
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    check.close()
