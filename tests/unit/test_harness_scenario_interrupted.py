"""Ctrl-C twice during an ``adsim_scenario(...)`` run: the first gives a handler still running
its timeout (as ``adsim run`` does), the second stops without waiting. That second one cut the
run's closing of its handler hosts too: their plugins' ``close()`` never ran (a CRM session
left open) and, with thread isolation, what the host had put in place for the run stayed.

Both Ctrl-Cs are driven, not sent: the run's settle after its step raises the first, the wait
for its handlers the second."""

from __future__ import annotations

import pytest

from simulator.scenarios.settling import Settling
from simulator.testing.harness import AdsimHarness

PLUGIN = """
import pathlib


def register(ad_api):
    ad_api.on("ON_NEW_INTERACTION", lambda interaction: None)


def close():
    with pathlib.Path(__file__).with_name("closed.txt").open("a") as closed:
        closed.write("closed\\n")
"""

SCENARIO = """
name: ring
steps:
  - call: {service: Sales}
"""


def _ctrl_c(self: Settling) -> None:
    raise KeyboardInterrupt


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_a_second_ctrl_c_in_a_scenario_run_still_closes_its_handlers(
    tmp_path, monkeypatch, isolation
):
    plugin = tmp_path / "crm.py"
    plugin.write_text(PLUGIN, encoding="utf-8")
    scenario = tmp_path / "ring.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    closed = tmp_path / "closed.txt"
    with AdsimHarness(handlers=[plugin], handler_isolation=isolation) as adsim:
        monkeypatch.setattr(Settling, "_settle", _ctrl_c)  # the first Ctrl-C
        monkeypatch.setattr(Settling, "_let_handlers_finish", _ctrl_c)  # the second
        with pytest.raises(KeyboardInterrupt):
            adsim.run_scenario(scenario)
        monkeypatch.undo()
        assert closed.read_text() == "closed\n"  # the run's plugin (the test's runs on)
    assert closed.read_text() == "closed\n" * 2
