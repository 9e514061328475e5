"""A journal whose file was deleted or replaced while adsim wrote it, and another adsim's new
journal at the same path: the first adsim's close touches none of the new journal's files, and
its summary says where its runs went (the file at the path has a run of the same number: the
other adsim's)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from simulator.cli import main
from simulator.journal import Journal
from simulator.journal.checkpoints import Checkpointer
from simulator.journal.file_identity import FileIdentity
from tests.unit.journal_fakes import FakeEvent

SCENARIO = Path(__file__).resolve().parents[2] / "fixtures/scenarios/inbound_acw_disposition.yaml"

REPLACES_THE_FILE = """
import os
import sqlite3

def register(ad_api):
    def save(activity):
        # As `rm j.sqlite3*` and another adsim starting on that path: a new journal there.
        path = os.environ["ADSIM_TEST_JOURNAL"]
        for suffix in ("", "-wal", "-shm"):
            os.remove(path + suffix)
        if os.environ.get("ADSIM_TEST_MAKE") == "1":
            other = sqlite3.connect(path)
            other.execute("CREATE TABLE other (x)")
            other.commit()
            other.close()
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""


def _inode(path: Path) -> int:
    return os.lstat(path).st_ino


def test_a_close_leaves_the_wal_and_shm_of_a_new_journal_at_its_path_alone(tmp_path: Path) -> None:
    # Another adsim starting on the path: its SQLite made its -wal and -shm (empty until its
    # first commit) as this journal closed. They were removed as this journal's leftovers,
    # and that adsim's commits went into a -wal nobody else could read.
    path = tmp_path / "j.sqlite3"
    journal = Journal.open(path)
    journal.commit([FakeEvent(1)])
    for suffix in ("", "-wal", "-shm"):
        os.remove(f"{path}{suffix}")
    theirs = [Path(f"{path}-wal"), Path(f"{path}-shm")]
    for file in theirs:
        file.touch()
    inodes = [_inode(file) for file in theirs]
    journal.close()
    assert [_inode(file) for file in theirs] == inodes


def test_its_own_leftovers_are_still_removed(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    journal = Journal.open(path)
    journal.commit([FakeEvent(1)])
    path.unlink()
    journal.close()
    assert os.listdir(tmp_path) == []


def test_the_checkpoint_thread_leaves_another_journal_at_the_path_alone(tmp_path: Path) -> None:
    # The thread connects at the 32nd commit, by path: by then the path may name another
    # adsim's new journal, which is not this journal's to checkpoint.
    path = tmp_path / "j.sqlite3"
    mine = sqlite3.connect(path)
    mine.execute("PRAGMA journal_mode = WAL")
    mine.execute("CREATE TABLE mine (x)")
    mine.commit()
    checkpointer = Checkpointer(str(path))
    checkpointer.file = FileIdentity.of(str(path))
    for suffix in ("", "-wal", "-shm"):  # still open here, as by the journal writing it
        os.remove(f"{path}{suffix}")
    theirs = sqlite3.connect(path, isolation_level=None)
    theirs.execute("PRAGMA journal_mode = WAL")
    theirs.execute("PRAGMA wal_autocheckpoint = 0")
    theirs.execute("CREATE TABLE theirs (x)")
    size = path.stat().st_size
    waits = []

    class Wake:  # the thread's loop, run here: one round, then told to stop
        def wait(self) -> None:
            waits.append(1)
            checkpointer._stopping = len(waits) > 1

        def clear(self) -> None:
            pass

    checkpointer._wake = Wake()  # type: ignore[assignment]
    checkpointer._loop()
    assert path.stat().st_size == size  # nothing of their WAL copied into their file by us
    theirs.close()
    mine.close()


def test_a_run_whose_journal_another_took_the_place_of_says_where_its_run_went(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    journal = tmp_path / "j.sqlite3"
    handler = tmp_path / "replacing.py"
    handler.write_text(REPLACES_THE_FILE, encoding="utf-8")
    monkeypatch.setenv("ADSIM_TEST_JOURNAL", str(journal))
    monkeypatch.setenv("ADSIM_TEST_MAKE", "1")
    argv = ["run", str(SCENARIO), "--no-entry-points", "--handler-isolation", "thread"]
    assert main([*argv, "--handler", str(handler), "--journal", str(journal)]) == 1
    err = capsys.readouterr().err
    assert (
        f"adsim: journal {journal}: another file took its place while adsim wrote it: run 1 "
        "went to the file adsim opened, not to the file now at that path"
    ) in err
    assert f"journal: {journal} (run 1)" not in err  # the file there has no run 1 of ours
    other = sqlite3.connect(journal)
    assert other.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert other.execute("SELECT name FROM sqlite_master").fetchall() == [("other",)]
    other.close()


def test_a_series_whose_journal_was_deleted_says_its_runs_went_with_it(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    journal = tmp_path / "j.sqlite3"
    handler = tmp_path / "deleting.py"
    handler.write_text(REPLACES_THE_FILE, encoding="utf-8")
    monkeypatch.setenv("ADSIM_TEST_JOURNAL", str(journal))
    argv = ["run", str(SCENARIO), "--repeat", "3", "--no-entry-points"]
    argv += ["--handler-isolation", "thread", "--handler", str(handler)]
    assert main([*argv, "--journal", str(journal)]) == 1
    err = capsys.readouterr().err
    assert (
        f"adsim: journal {journal}: the file was deleted or moved away while adsim wrote it: "
        "the series' runs went with it"
    ) in err


REPLACES_IT_IN_RUN_2 = """
import os

saves = []

def register(ad_api):
    def save(activity):
        saves.append(activity)
        if len(saves) == 2:  # the second run's: its outcome cannot be written any more
            path = os.environ["ADSIM_TEST_JOURNAL"]
            os.replace(path + ".other", path)
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""


def test_a_series_names_the_run_whose_journal_is_incomplete(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    # The series' other lines say `run 2: ...`; this one said "the journal of this run" of
    # no run, after the summary of 3 runs.
    journal = tmp_path / "j.sqlite3"
    Path(f"{journal}.other").write_text("another file\n", encoding="utf-8")
    handler = tmp_path / "replacing.py"
    handler.write_text(REPLACES_IT_IN_RUN_2, encoding="utf-8")
    monkeypatch.setenv("ADSIM_TEST_JOURNAL", str(journal))
    argv = ["run", str(SCENARIO), "--repeat", "3", "--no-entry-points"]
    argv += ["--handler-isolation", "thread", "--handler", str(handler)]
    assert main([*argv, "--journal", str(journal)]) == 1
    err = capsys.readouterr().err
    assert f"adsim: run 2: journal {journal}: cannot write the outcome of replacing:" in err
    assert "; the journal of this run is incomplete" in err


def test_a_new_journal_where_one_was_deleted_mid_run_is_refused_saying_why(
    tmp_path: Path,
) -> None:
    # `rm j.sqlite3` while an adsim writes it leaves its -wal and -shm; the next adsim at the
    # path read that -shm for its new journal: "cannot be written (disk I/O error); pass a
    # writable --journal file". (Another process: SQLite's locks never stop one's own.)
    path = tmp_path / "j.sqlite3"
    journal = Journal.open(path)
    journal.commit([FakeEvent(1)])
    path.unlink()
    argv = ["run", str(SCENARIO), "--no-entry-points", "--journal", str(path)]
    other = subprocess.run(
        [sys.executable, "-m", "simulator", *argv],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    journal.close()
    assert (other.returncode, other.stdout) == (2, "")
    assert other.stderr == (
        f"adsim: {path}: cannot be opened: the -shm file beside it is another journal's, one "
        "deleted at this path while an adsim still had it open; let that adsim finish or pass "
        "another --journal file\n"
    )
