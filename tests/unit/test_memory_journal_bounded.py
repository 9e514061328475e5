"""``--journal :memory:`` keeps no journal: a load run of any length does not keep every run's
rows in RAM (each kept ~8 KB: ``--repeat 100000`` took ~850 MB)."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.journal import Journal, store
from tests.unit.load_series import load_series

HANDLER = """
def on_save(activity):
    return activity.interaction_id

def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", on_save)
"""
KEPT = 4


def _rows(journal: Journal) -> tuple[int, int, int]:
    """How many runs, events and outcomes the journal holds."""
    return len(journal.runs()), len(journal.events()), len(journal.outcomes())


def test_a_memory_journal_keeps_only_its_last_runs(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(store, "MEMORY_RUNS_KEPT", KEPT)
    with load_series(tmp_path, HANDLER) as load:
        load.run(2 * KEPT)
        assert load.series.host is not None and load.series.host.journal is not None
        journal = load.series.host.journal
        runs, _events, outcomes = before = _rows(journal)
        assert runs >= KEPT and outcomes >= KEPT, before  # it journals
        report = load.run(10 * KEPT)
        after = _rows(journal)
    assert report.runs == 10 * KEPT and load.code == 0, load.err.getvalue()
    # Without the sweep every run stayed: 12 * KEPT runs and their rows.
    assert all(now <= then for now, then in zip(after, before, strict=True)), (before, after)
    assert after[0] <= 2 * KEPT


def test_a_journal_file_keeps_every_run(tmp_path: Path, monkeypatch) -> None:
    """Only ``:memory:``: a file is read after the run (``adsim journal export``)."""
    monkeypatch.setattr(store, "MEMORY_RUNS_KEPT", KEPT)
    with load_series(tmp_path, None, str(tmp_path / "j.sqlite3")) as load:
        load.run(3 * KEPT)
        assert load.series.host is not None and load.series.host.journal is not None
        runs = len(load.series.host.journal.runs())
    assert runs == 3 * KEPT


@pytest.mark.parametrize("migrations", [1, 2])
def test_an_older_schema_in_memory_is_swept_too(monkeypatch, migrations: int) -> None:
    """A journal opened with fewer migrations (no ``packets`` table before schema 2)."""
    from simulator.engine import Simulator
    from simulator.journal.schema import MIGRATIONS

    monkeypatch.setattr(store, "MEMORY_RUNS_KEPT", 2)
    journal = Journal.open(":memory:", migrations=MIGRATIONS[:migrations])
    for index in range(8):
        sim = Simulator(seed=index)
        detach = journal.attach(sim)
        sim.login()
        detach()
        journal.new_run()
    assert len(journal.runs()) <= 3
    journal.close()
