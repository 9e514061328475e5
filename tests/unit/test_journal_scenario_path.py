"""A run's journal ``meta`` names its scenario file so that a reader elsewhere finds it: a
relative path (``adsim run flow.yaml``) is kept absolute, where it was kept as given and meant
nothing from another folder; the standard input stays ``/dev/stdin``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.scenarios.run_hosts import journaled_path

FLOW = "name: sale\nsteps:\n  - call: Sales\n  - accept\n  - wait: 4s\n  - hang_up: customer\n"


def _metas(journal: Path, capsys: pytest.CaptureFixture[str]) -> list[dict]:
    capsys.readouterr()
    assert main(["journal", "runs", "--all", "--journal", str(journal), "--format", "jsonl"]) == 0
    return [json.loads(line)["meta"] for line in capsys.readouterr().out.splitlines()]


@pytest.mark.parametrize("repeat", [[], ["--repeat", "2"]])
def test_a_relative_scenario_path_is_journaled_absolute(tmp_path, monkeypatch, capsys, repeat):
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "sale.yaml").write_text(FLOW, encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    journal = tmp_path / "j.sqlite3"
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert main(["run", "../flows/sale.yaml", "--journal", str(journal), *repeat]) == 0
    metas = _metas(journal, capsys)
    assert len(metas) == (2 if repeat else 1)
    for meta in metas:
        assert meta["scenario"] == str((flows / "sale.yaml").resolve())
    monkeypatch.chdir(tmp_path)
    assert Path(metas[0]["scenario"]).is_file()  # found from another folder


@pytest.mark.parametrize("given", ["/dev/stdin", "/dev/fd/63"])
def test_an_absolute_path_is_journaled_as_given(given):
    # Resolved, /dev/fd/63 would be the reader's own descriptor (/proc/self/fd/63), or a pipe.
    assert journaled_path(given) == given
