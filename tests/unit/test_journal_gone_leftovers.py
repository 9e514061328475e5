"""A journal deleted (or moved away) while adsim writes it leaves nothing at its path once
closed: SQLite's ``-wal`` (emptied) and ``-shm`` stayed there, beside no file, after the series
stopped (``rm j.sqlite3`` mid-series: two empty files that a later journal at that path would
find)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.journal import Journal, JournalWriteError
from tests.unit.journal_fakes import FakeEvent

SCENARIO = Path(__file__).resolve().parents[2] / "fixtures/scenarios/inbound_acw_disposition.yaml"

DELETES_THE_FILE = """
import os

calls = []

def register(ad_api):
    def save(activity):
        calls.append(activity)
        if len(calls) == 2:  # the second run's: as `rm j.sqlite3` mid-series
            os.remove(os.environ["ADSIM_TEST_JOURNAL"])
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""


def _files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_a_journal_deleted_leaves_no_wal_or_shm_once_closed(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    journal = Journal.open(path)
    journal.commit([FakeEvent(1)])
    assert _files(tmp_path) == ["j.sqlite3", "j.sqlite3-shm", "j.sqlite3-wal"]
    path.unlink()  # the file only: what `rm j.sqlite3` does
    with pytest.raises(JournalWriteError, match="the file was deleted or moved"):
        journal.commit([FakeEvent(2)])
    journal.close()
    assert _files(tmp_path) == []


def test_a_journal_moved_away_leaves_nothing_at_its_old_path(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    journal = Journal.open(path)
    journal.commit([FakeEvent(1)])
    path.rename(tmp_path / "moved.sqlite3")
    journal.close()
    assert _files(tmp_path) == ["moved.sqlite3"]
    with Journal.open(tmp_path / "moved.sqlite3", writing=False) as read:
        assert [event.seq for event in read.events()] == [1]


def test_what_is_at_the_path_again_is_left_alone(tmp_path: Path) -> None:
    # A file at the path once more (a copy put back, another journal made there): the -wal and
    # -shm beside it may be its own now, and are not adsim's to remove.
    path = tmp_path / "j.sqlite3"
    journal = Journal.open(path)
    journal.commit([FakeEvent(1)])
    path.unlink()
    path.write_text("put back\n", encoding="utf-8")
    journal.close()
    assert _files(tmp_path) == ["j.sqlite3", "j.sqlite3-shm", "j.sqlite3-wal"]
    assert path.read_text(encoding="utf-8") == "put back\n"


@pytest.mark.parametrize("isolation", ["process", "thread"])
def test_a_series_whose_journal_was_deleted_leaves_nothing_behind(
    tmp_path: Path, monkeypatch, capsys, isolation: str
) -> None:
    folder = tmp_path / "journal"
    folder.mkdir()
    journal = folder / "j.sqlite3"
    handler = tmp_path / "deleting.py"
    handler.write_text(DELETES_THE_FILE, encoding="utf-8")
    monkeypatch.setenv("ADSIM_TEST_JOURNAL", str(journal))
    argv = ["run", str(SCENARIO), "--repeat", "5", "--no-entry-points"]
    argv += ["--handler-isolation", isolation, "--handler", str(handler)]
    assert main([*argv, "--journal", str(journal)]) == 1
    out, err = capsys.readouterr()
    assert "the file was deleted or moved while adsim wrote to it" in out + err
    assert os.listdir(folder) == []
