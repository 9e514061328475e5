"""Reading a journal in a folder the reader cannot write: another user's journal, a CI artifact
unpacked read-only. ``adsim journal export`` and ``show`` answered "cannot be written ... pass a
writable --journal file": a read refused because SQLite's WAL mode wants a ``-shm`` file beside
the journal, and an older schema an upgrade in place.

Each runs ``adsim`` as a real process; as root (who may write anywhere) as user ``nobody``."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.data import load_tenant
from simulator.demo import run_demo_call
from simulator.engine import Simulator
from simulator.journal import SCHEMA_VERSION, Journal
from simulator.journal.store import MIGRATIONS

ROOT = Path(__file__).resolve().parents[2]
WAIT = 120
"""Seconds a child process has for what takes about one (a loaded 2-core machine)."""

_ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0
_SETPRIV = shutil.which("setpriv")

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions"),
    pytest.mark.skipif(
        _ROOT_USER and _SETPRIV is None, reason="root needs setpriv to read as another user"
    ),
]


@pytest.fixture
def folder() -> Iterator[Path]:
    """A folder the reader may enter and read but not write (made read-only by ``_reader``)."""
    # Not tmp_path: its parents are private to this user, and ``nobody`` must reach it.
    path = Path(tempfile.mkdtemp(prefix="adsim-read-only-"))
    path.chmod(0o755)
    yield path
    path.chmod(0o755)
    shutil.rmtree(path)


def _journal(path: Path, migrations=MIGRATIONS) -> int:
    """A journal of one demo call at ``path``; returns how many events it has."""
    sim = Simulator(load_tenant(), seed=4)
    with Journal.open(path, migrations=migrations) as journal:
        journal.attach(sim)
        run_demo_call(sim)
        return len(journal.events())


def _reader(folder: Path, argv: list[str]) -> subprocess.CompletedProcess:
    """``adsim ARGV`` run by a user who cannot write ``folder``."""
    for entry in folder.iterdir():
        entry.chmod(0o644)
    if _ROOT_USER:
        prefix = [_SETPRIV or "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    else:
        prefix = []
        folder.chmod(0o555)
    try:
        return subprocess.run(
            [*prefix, sys.executable, "-m", "simulator", *argv],
            capture_output=True,
            cwd=folder,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            timeout=WAIT,
            check=False,
        )
    finally:
        folder.chmod(0o755)


def _version(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return int(db.execute("PRAGMA user_version").fetchone()[0])
    finally:
        db.close()


@pytest.mark.parametrize("schema", [SCHEMA_VERSION, 1], ids=["this-schema", "an-older-schema"])
def test_a_journal_in_a_folder_the_reader_cannot_write_is_read(folder, schema):
    journal = folder / "journal.sqlite3"
    count = _journal(journal, MIGRATIONS[:schema])
    before = sorted(p.name for p in folder.iterdir())

    done = _reader(folder, ["journal", "export", "--journal", str(journal)])
    assert done.stderr.decode() == ""
    assert done.returncode == 0
    rows = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [row["seq"] for row in rows if row["kind"] == "event"] == list(range(1, count + 1))

    iid = next(row["interactionId"] for row in rows if row["interactionId"])
    shown = _reader(folder, ["journal", "show", iid, "--journal", str(journal)])
    assert (shown.returncode, shown.stderr.decode()) == (0, "")
    assert shown.stdout.decode().startswith(f"run 1: interaction {iid}\n")

    # Read as it is: nothing written beside it, an older journal not upgraded.
    assert sorted(p.name for p in folder.iterdir()) == before
    assert _version(journal) == schema


def test_unreadable_writes_in_a_wal_file_are_refused_not_left_out(folder):
    """A writer killed before its checkpoint left its writes in ``-wal``; without the ``-shm``
    index the reader cannot make, reading only the main file would leave them out silently."""
    journal = folder / "journal.sqlite3"
    script = (
        "import os, sys\n"
        "from simulator.data import load_tenant\n"
        "from simulator.demo import run_demo_call\n"
        "from simulator.engine import Simulator\n"
        "from simulator.journal import Journal\n"
        "journal = Journal.open(sys.argv[1])\n"
        "journal.attach(sim := Simulator(load_tenant(), seed=4))\n"
        "run_demo_call(sim)\n"
        "os._exit(0)  # as kill -9 would: no checkpoint, the -wal file stays\n"
    )
    subprocess.run([sys.executable, "-c", script, str(journal)], cwd=ROOT, timeout=WAIT, check=True)
    wal = folder / "journal.sqlite3-wal"
    assert wal.stat().st_size > 0
    (folder / "journal.sqlite3-shm").unlink()

    done = _reader(folder, ["journal", "export", "--journal", str(journal)])
    assert done.returncode == 2
    assert done.stdout == b""
    assert done.stderr.decode() == (
        f"adsim: {journal}: cannot be read here: journal.sqlite3-wal beside it holds writes "
        "that only a process that can write this folder can read; copy the journal and its "
        "-wal file to a writable folder and pass that --journal file\n"
    )


def test_prune_of_a_journal_the_user_cannot_write_says_what_to_do(folder):
    """Its line ended "pass a writable --journal file, or ':memory:' to keep none", advice
    for a run: another file, or none, does not shrink this one."""
    journal = folder / "journal.sqlite3"
    _journal(journal)
    done = _reader(folder, ["journal", "prune", "--keep", "1", "--journal", str(journal)])
    assert (done.returncode, done.stdout) == (2, b"")
    err = done.stderr.decode()
    assert err.startswith(f"adsim: {journal}: cannot be written (")
    assert err.endswith("); prune it as a user who may write it and its folder\n")
