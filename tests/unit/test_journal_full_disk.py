"""A journal that finds no room (a full disk, a quota) says what to do: the run's line said
"database or disk is full" and stopped there. SQLite's own size limit (``max_page_count``) makes
the same error as a full disk, deterministically."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.journal import Journal, JournalError, JournalWriteError, opening
from simulator.journal.errors import reason
from tests.unit.journal_fakes import FakeEvent

CHAT = str(Path(__file__).resolve().parents[2] / "fixtures" / "scenarios" / "chat.yaml")


def test_a_commit_that_finds_no_room_says_what_to_do(tmp_path):
    path = tmp_path / "j.sqlite3"
    journal = Journal.open(path)
    journal.commit([FakeEvent(1)])
    pages = journal._db.execute("PRAGMA page_count").fetchone()[0]
    journal._db.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(JournalWriteError) as caught:
        big = [FakeEvent(seq) for seq in range(2, 40)]
        for event in big:
            event.wire_args = ({"note": "x" * 8192},)
        journal.commit(big)
    assert str(caught.value) == (
        f"{path}: cannot write event #2 ON_LOGIN: database or disk is full: "
        "free some space on its disk"
    )
    journal.close()
    with Journal.open(path, writing=False) as read:
        assert [event.seq for event in read.events()] == [1]


def _full_at_open(monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills while a new journal's tables are made: SQLite's own size limit, set on the
    opening connection, makes the same ``SQLITE_FULL`` as a full disk (a real one: a tmpfs)."""
    real = opening.migrate

    def migrate(db, migrations):  # type: ignore[no-untyped-def]
        db.execute("PRAGMA max_page_count = 1")
        return real(db, migrations)

    monkeypatch.setattr(opening, "migrate", migrate)


def test_a_new_journal_refused_on_a_full_disk_leaves_nothing_behind(tmp_path, monkeypatch, capsys):
    """It left a 0-byte file (and the folders made for it), and said "not a usable adsim journal
    (cannot rollback - no transaction is active)": SQLite had rolled the migration back itself."""
    _full_at_open(monkeypatch)
    path = tmp_path / "made" / "for it" / "j.sqlite3"
    assert main(["run", CHAT, "--journal", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"adsim: {path}: cannot be written (database or disk is full: free some space on its "
        "disk); pass a writable --journal file, or ':memory:' to keep none\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_file_or_folder_the_user_had_stays_when_refused(tmp_path, monkeypatch):
    _full_at_open(monkeypatch)
    (tmp_path / "kept").mkdir()
    path = tmp_path / "kept" / "j.sqlite3"
    path.touch()  # the user's empty file: a new journal to SQLite, and theirs
    with pytest.raises(JournalError, match="disk is full"):
        Journal.open(path)
    assert path.is_file()
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["j.sqlite3", "kept"]


def test_a_journal_made_by_a_symbolic_link_is_removed_not_the_link(tmp_path, monkeypatch):
    _full_at_open(monkeypatch)
    link = tmp_path / "link.sqlite3"
    link.symlink_to(tmp_path / "target.sqlite3")  # a link to a file a run makes
    with pytest.raises(JournalError, match="disk is full"):
        Journal.open(link)
    assert [p.name for p in tmp_path.iterdir()] == ["link.sqlite3"]
    assert link.is_symlink()


def test_a_shm_file_that_cannot_grow_is_said_to_be_a_full_disk():
    """A disk with room for a new journal's first page but not its ``-shm``: SQLite says only
    "disk I/O error" (``SQLITE_IOERR_SHMSIZE``), and the line did not say what to do."""
    error = sqlite3.OperationalError("disk I/O error")
    error.sqlite_errorname = "SQLITE_IOERR_SHMSIZE"  # type: ignore[attr-defined]
    assert reason(error) == (
        "disk I/O error: its -shm file could not grow; free some space on its disk"
    )


@pytest.mark.parametrize("checkpointed", [False, True], ids=["in its WAL", "in the file"])
def test_a_new_journal_another_adsim_wrote_meanwhile_is_kept(tmp_path, monkeypatch, checkpointed):
    """Two runs start on one new journal: the other's commit is there (in the WAL, before any
    checkpoint, or in the file) when this one is refused, and the file is not taken away."""
    path = tmp_path / "j.sqlite3"
    others: list[sqlite3.Connection] = []

    def migrate(db, migrations):  # type: ignore[no-untyped-def]
        other = sqlite3.connect(path, isolation_level=None)
        others.append(other)
        other.execute("CREATE TABLE theirs (x)")
        if checkpointed:
            other.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(opening, "migrate", migrate)
    try:
        with pytest.raises(JournalError, match="disk is full"):
            Journal.open(path)
        assert path.is_file()
        assert Path(f"{path}-wal").exists()
    finally:
        for other in others:
            other.close()
    with sqlite3.connect(path) as reader:
        assert reader.execute("SELECT name FROM sqlite_master").fetchall() == [("theirs",)]
