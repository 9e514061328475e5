"""A load series notes each run's number for its journal's failure line ("run 40: journal ...")
by the journal's id of the run: only the last runs' (rows held back for the next commit belong
to the last run or two), not one entry per run for the whole series (~125 bytes a repeat)."""

from __future__ import annotations

from pathlib import Path

from simulator.handlers import host_series
from tests.unit.load_series import load_series

SAVE = """
def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: None)
"""


def test_a_series_keeps_the_numbers_of_its_last_runs_only(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(host_series, "_NUMBERS_KEPT", 5)
    with load_series(tmp_path, SAVE, journal=str(tmp_path / "j.sqlite3")) as load:
        load.run(20)
        numbers = dict(load.series._numbers)
    assert sorted(numbers.values()) == [16, 17, 18, 19, 20]
    assert load.code == 0, load.err.getvalue()
