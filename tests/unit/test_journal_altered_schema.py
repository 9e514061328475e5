"""A journal of adsim's schema version whose tables someone changed (a table or a column dropped
by another program or by hand): ``adsim journal export`` of one with no ``runs`` table printed
nothing, exit 0; a run on one with no ``outcomes`` table wrote its events into it, then stopped
at the first outcome; ``runs`` listed runs of a journal whose events had lost a column. Each
command now refuses it in one line naming the file, exit 2, and leaves it as it was. A dropped
index is no reason: reads are slower, the rows the same."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]
CHAT = str(ROOT / "fixtures" / "scenarios" / "chat.yaml")

ALTERED = {
    "DROP TABLE runs": "has no table runs",
    "DROP TABLE outcomes": "has no table outcomes",
    "ALTER TABLE events DROP COLUMN args": "has no column args in its table events",
    "ALTER TABLE runs DROP COLUMN pid_start": "has no column pid_start in its table runs",
}


def _altered(tmp_path: Path, statement: str) -> Path:
    journal = tmp_path / "j.db"
    assert main(["run", CHAT, "--repeat", "3", "--journal", str(journal)]) == 0
    db = sqlite3.connect(journal, isolation_level=None)
    db.execute(statement)
    db.close()
    return journal


@pytest.mark.parametrize("statement", list(ALTERED))
@pytest.mark.parametrize(
    "argv",
    [
        ["journal", "export"],
        ["journal", "runs"],
        ["journal", "show", "X"],
        ["journal", "prune", "--keep", "1"],
        ["run", CHAT],
    ],
    ids=["export", "runs", "show", "prune", "run"],
)
def test_a_journal_whose_tables_were_changed_is_one_line(tmp_path, capsys, statement, argv):
    journal = _altered(tmp_path, statement)
    before = journal.read_bytes()
    capsys.readouterr()
    assert main([*argv, "--journal", str(journal)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"adsim: {journal}: not a usable adsim journal: it is of schema version 4 but "
        f"{ALTERED[statement]} (changed by another program or by hand); "
        "pass another --journal file\n"
    )
    assert journal.read_bytes() == before


def test_a_journal_with_an_index_dropped_is_still_read_and_written(tmp_path, capsys):
    journal = _altered(tmp_path, "DROP INDEX events_by_interaction")
    assert main(["run", CHAT, "--journal", str(journal)]) == 0
    capsys.readouterr()
    assert main(["journal", "export", "--journal", str(journal)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 4 * 15
