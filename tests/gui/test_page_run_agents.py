"""``adsim run --page URL --page NAME=URL``: one CRM page per agent, so the reference page's
transfer-data handlers run on both sides of a transfer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets", reason="needs agent-desktop-simulator[web]")

# Imported at collection, before any QApplication exists: it registers the adsim:// scheme.
from simulator.cli import main
from simulator.gui import page_run
from simulator.journal import Journal

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "fixtures" / "example_page"
ROUND_TRIP = ROOT / "fixtures" / "scenarios" / "transfer_data_round_trip.yaml"

pytestmark = pytest.mark.gui


def _packets(journal: Journal, run_id: int, kind: str, direction: str) -> list[Any]:
    return [
        p.params
        for p in journal.packets(run_id=run_id)
        if p.type == kind and p.direction == direction
    ]


def test_each_agent_has_its_page_and_the_transfer_data_crosses_between_them(
    qapp: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal_path = tmp_path / "journal.sqlite3"
    code = main(
        ["run", str(ROUND_TRIP), "--page", str(PAGE), "--page", f"omar={PAGE}",
         "--journal", str(journal_path), "--no-entry-points"]
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, out + err
    with Journal.open(journal_path, writing=False) as journal:
        runs = {meta["agent"]: run_id for run_id, _, meta in journal.runs()}
        assert set(runs) == {"jane", "omar"}
        for run_id in runs.values():
            assert {o.plugin for o in journal.outcomes(run_id=run_id)} == {page_run.PLUGIN}
            handshake = [p.type for p in journal.packets(run_id=run_id)][:4]
            assert handshake == ["__attach__", "hello", "hi", "ready"]
        # Jane's transfer carries the step's data to Omar's page.
        loaded_by_omar = _packets(journal, runs["omar"], "ON_LOAD_TRANSFER_DATA", "out")
        assert [params[1] for params in loaded_by_omar] == [
            {"crmCaseId": "500Xy00001", "reconnectAttempts": 3, "vip": True}
        ]
        # Omar's transfer back asks Omar's page; its answer is what Jane's page loads.
        (asked,) = _packets(journal, runs["omar"], "ON_REQUEST_TRANSFER_DATA", "out")
        (answer,) = _packets(journal, runs["omar"], "ON_REQUEST_TRANSFER_DATA_RESPONSE", "in")
        assert answer[0] == {"caseId": "CASE-" + asked[0][:8], "priority": "high"}
        loaded_by_jane = _packets(journal, runs["jane"], "ON_LOAD_TRANSFER_DATA", "out")
        assert [params[1] for params in loaded_by_jane] == [answer[0]]
        events = {e.agent for e in journal.events()}
        assert events == {"jane", "omar"}


def test_a_page_for_an_agent_the_scenario_does_not_have_is_bad_input(
    qapp: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["run", str(ROUND_TRIP), "--page", str(PAGE), "--page", f"bob={PAGE}",
         "--journal", ":memory:", "--no-entry-points"]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert "--page bob=...:" in err and "no agent 'bob'" in err and "omar" in err


def test_the_page_agents_are_checked_against_every_scenario_before_any_runs(
    qapp: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    single = ROOT / "fixtures" / "scenarios" / "blind_transfer.yaml"
    code = main(
        ["run", str(ROUND_TRIP), str(single), "--page", str(PAGE), "--page", f"omar={PAGE}",
         "--journal", ":memory:", "--no-entry-points"]
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 2
    assert "PASS" not in out
    assert "blind_transfer.yaml has no agent 'omar'" in err and "(its other agents: none)" in err


@pytest.mark.parametrize(
    ("pages", "message"),
    [
        ([f"omar={PAGE}"], "give the tenant's agent's page too"),
        ([str(PAGE), str(PAGE)], "one page for the tenant's agent"),
        ([str(PAGE), f"omar={PAGE}", f"Omar={PAGE}"], "two pages for 'omar'"),
    ],
)
def test_page_options_that_do_not_fit_are_bad_input(
    qapp: Any, capsys: pytest.CaptureFixture[str], pages: list[str], message: str
) -> None:
    argv = ["run", str(ROUND_TRIP), "--journal", ":memory:", "--no-entry-points"]
    for page in pages:
        argv += ["--page", page]
    assert main(argv) == 2
    assert message in capsys.readouterr().err
