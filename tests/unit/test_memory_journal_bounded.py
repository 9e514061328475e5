"""``--journal :memory:`` keeps no journal: a load run of any length does not keep every run's
rows in RAM (each kept ~8 KB: ``--repeat 100000`` took ~850 MB)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from simulator.cli import build_parser
from simulator.handlers.cli_options import HostSeries
from simulator.journal import Journal, store
from simulator.scenarios import parse_scenario, run_load

FLOW = "steps:\n  - call\n  - accept\n  - wait: 1m\n  - hang_up\n  - complete\n"
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
    handler = tmp_path / "save.py"
    handler.write_text(HANDLER, encoding="utf-8")
    options = ["--no-entry-points", "--handler-isolation", "thread", "--journal", ":memory:"]
    args = build_parser().parse_args(["run", "s.yaml", *options, "--handler", str(handler)])
    err = io.StringIO()
    series = HostSeries(args, {"command": "test"}, stderr=err)
    source = parse_scenario(FLOW, "s.yaml")
    kwargs = {"host_factory": series.build, "close_host": series.end_run}
    try:
        run_load(source, repeat=2 * KEPT, **kwargs)
        assert series.host is not None and series.host.journal is not None
        journal = series.host.journal
        runs, _events, outcomes = before = _rows(journal)
        assert runs >= KEPT and outcomes >= KEPT, before  # it journals
        report = run_load(source, repeat=10 * KEPT, **kwargs)
        after = _rows(journal)
    finally:
        code = series.finish()
    assert report.runs == 10 * KEPT and code == 0, err.getvalue()
    # Without the sweep every run stayed: 12 * KEPT runs and their rows.
    assert all(now <= then for now, then in zip(after, before, strict=True)), (before, after)
    assert after[0] <= 2 * KEPT


def test_a_journal_file_keeps_every_run(tmp_path: Path, monkeypatch) -> None:
    """Only ``:memory:``: a file is read after the run (``adsim journal export``)."""
    monkeypatch.setattr(store, "MEMORY_RUNS_KEPT", KEPT)
    options = ["--no-entry-points", "--journal", str(tmp_path / "j.sqlite3")]
    args = build_parser().parse_args(["run", "s.yaml", *options])
    series = HostSeries(args, {"command": "test"}, stderr=io.StringIO())
    source = parse_scenario(FLOW, "s.yaml")
    try:
        run_load(source, repeat=3 * KEPT, host_factory=series.build, close_host=series.end_run)
        assert series.host is not None and series.host.journal is not None
        runs = len(series.host.journal.runs())
    finally:
        series.finish()
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
