"""A journal damaged past its header (a copy cut short, a bad disk): ``adsim journal export``
and ``show`` opened it, then ended in a ``sqlite3.DatabaseError`` traceback at the first page
they could not read. Each is one line naming the journal, exit 2.

And an ``--output`` that is the journal's ``-wal`` or ``-shm`` file (shell completion offers
them beside the journal): ``adsim run --journal j.db -o j.db-wal`` passed with every event lost,
``-o j.db-shm`` left a journal SQLite calls malformed, and ``adsim journal export -o
j.db-shm`` died of a bus error. They are refused before anything is opened."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]
CHAT = str(ROOT / "fixtures" / "scenarios" / "chat.yaml")


def _journal(tmp_path: Path) -> Path:
    journal = tmp_path / "j.db"
    assert main(["run", CHAT, "--repeat", "20", "--journal", str(journal)]) == 0
    return journal


@pytest.mark.parametrize(
    "argv",
    [
        ["journal", "export"],
        ["journal", "show", "X"],
        ["journal", "runs"],
        ["journal", "prune", "--keep", "1"],  # a traceback: only OperationalError was told
    ],
)
def test_a_journal_damaged_past_its_header_is_one_line(tmp_path, capsys, argv):
    journal = _journal(tmp_path)
    with journal.open("r+b") as file:  # the header (page 1) intact, the tables' pages not
        file.seek(4096 * 5)
        file.write(b"\xff" * 4096 * 3)
    damaged = journal.read_bytes()
    capsys.readouterr()
    assert main([*argv, "--journal", str(journal)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"adsim: {journal}: not a usable adsim journal (database disk image is malformed); "
        "pass another --journal file\n"
    )
    assert journal.read_bytes() == damaged  # nothing deleted, nothing rewritten


@pytest.mark.parametrize("suffix", ["-wal", "-shm"])
@pytest.mark.parametrize("command", ["run", "export"])
def test_an_output_that_is_the_journals_wal_or_shm_is_refused(tmp_path, capsys, suffix, command):
    journal = _journal(tmp_path)
    target = f"{journal}{suffix}"
    if command == "run":
        argv = ["run", CHAT, "--journal", str(journal), "-o", target]
    else:
        Path(target).touch()  # as a reader's SQLite leaves it while another process writes
        argv = ["journal", "export", "--journal", str(journal), "-o", target]
    # In a process of its own: writing over the -shm SQLite maps is a bus error, not a failure.
    ran = subprocess.run(
        [sys.executable, "-m", "simulator", *argv],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert ran.returncode == 2, ran
    assert ran.stdout == ""
    assert ran.stderr == (
        f"adsim: {target}: is the {suffix} file of the journal of this command ({journal}); "
        "writing the output there would destroy the journal: give --output another file\n"
    )
    capsys.readouterr()
    assert main(["journal", "export", "--journal", str(journal)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 20 * 15  # every run still there


@pytest.mark.parametrize("page", ["the third", "the events' last"])
def test_a_run_on_a_journal_damaged_where_it_writes_is_refused_at_start(tmp_path, capsys, page):
    """The pages a run's first commit writes were damaged: the run was refused there, mid-run
    (exit 1, its summary a FAIL), not at start as a journal that cannot be written is (one
    line, exit 2). Opening now writes a row of each table and rolls it back: those pages."""
    journal = _journal(tmp_path)
    if page == "the third":
        offset = 4096 * 2
    else:  # the events' last leaf, where a run's rows go: the file's last page may be another
        # table's or an index's (as the runs' row sizes, their timings, laid the pages out)
        with contextlib.closing(sqlite3.connect(journal)) as db:
            (number,) = db.execute(
                "SELECT pageno FROM dbstat WHERE name = 'events' ORDER BY path DESC LIMIT 1"
            ).fetchone()
        offset = 4096 * (number - 1)
    with journal.open("r+b") as file:
        file.seek(offset)
        file.write(b"\xff" * 4096)
    damaged = journal.read_bytes()
    capsys.readouterr()
    assert main(["run", CHAT, "--journal", str(journal)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"adsim: {journal}: not a usable adsim journal (database disk image is malformed); "
        "pass another --journal file\n"
    )
    assert journal.read_bytes() == damaged
