"""``--journal`` naming an SQLite database that is not adsim's (the CRM's own ``app.db``, an
editor's cache): refused in one line, and left as it was.

``adsim run --journal app.db`` added adsim's tables to it and passed; ``adsim journal export
--journal app.db`` did the same and exported nothing, exit 0, as if it were an empty journal.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]
CHAT = str(ROOT / "fixtures" / "scenarios" / "chat.yaml")


def _app_database(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        db.execute("INSERT INTO customers (name) VALUES ('Ann Lee')")
    db.close()
    return _tables(path)


def _journal_mode(path: Path) -> str:
    db = sqlite3.connect(path)
    try:
        return str(db.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        db.close()


def _tables(path: Path) -> list[str]:
    db = sqlite3.connect(path)
    try:
        return [row[0] for row in db.execute("SELECT name FROM sqlite_master ORDER BY name")]
    finally:
        db.close()


@pytest.mark.parametrize(
    "argv",
    [["run", CHAT], ["journal", "export"], ["journal", "show", "X"], ["demo"]],
    ids=["run", "export", "show", "demo"],
)
def test_a_database_that_is_not_a_journal_is_refused_untouched(tmp_path, capsys, argv):
    app = tmp_path / "app.db"
    before = _app_database(app)
    contents = app.read_bytes()
    assert main([*argv, "--journal", str(app)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"adsim: {app}: not an adsim journal: an SQLite database with other tables (customers);"
        " pass another --journal file\n"
    )
    assert _tables(app) == before
    # Byte for byte: a refused run or read had switched it to WAL mode, for good.
    assert app.read_bytes() == contents
    assert _journal_mode(app) == "delete"


def test_a_new_empty_file_still_becomes_a_journal(tmp_path, capsys):
    """An empty file (``touch j.db``) is a new journal, as before."""
    journal = tmp_path / "j.db"
    journal.touch()
    assert main(["run", CHAT, "--journal", str(journal)]) == 0, capsys.readouterr().err
    assert main(["journal", "export", "--journal", str(journal)]) == 0
    assert '"event":"ON_LOGIN"' in capsys.readouterr().out
