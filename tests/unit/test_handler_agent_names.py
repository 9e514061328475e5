"""``--handler NAME=PATH`` loads a plugin for the agent ``NAME`` only. A name no scenario has (a
typo: ``omr=crm.py``) loaded it for nobody, and the run passed with the integration never run;
``adsim demo`` (one agent) did the same. Each is refused, naming the option and the agents."""

from __future__ import annotations

from pathlib import Path

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "fixtures" / "scenarios"
SAVE = "def register(ad_api):\n    ad_api.on('ON_SAVE_ACTIVITY_RECORD', lambda r: None)\n"


def test_a_handler_for_an_agent_no_scenario_has_is_refused(tmp_path, capsys):
    (tmp_path / "save.py").write_text(SAVE, encoding="utf-8")
    argv = ["run", str(SCENARIOS / "chat.yaml"), str(SCENARIOS / "colleague_blind_transfer.yaml")]
    argv += ["--journal", ":memory:", "--handler", f"omr={tmp_path / 'save.py'}"]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(
        "adsim: --handler omr=...: no scenario has an agent 'omr' (the agents: jane, "
    ), err
    assert err.count("\n") == 1


def test_a_handler_for_an_agent_of_one_scenario_of_several_is_taken(tmp_path, capsys):
    """A suite where only some scenarios have the agent: its plugin loads where it is."""
    (tmp_path / "save.py").write_text(SAVE, encoding="utf-8")
    argv = ["run", str(SCENARIOS / "chat.yaml"), str(SCENARIOS / "colleague_blind_transfer.yaml")]
    argv += ["--journal", ":memory:", "--handler", f"omar={tmp_path / 'save.py'}"]
    assert main(argv) == 0, capsys.readouterr()


def test_adsim_demo_refuses_a_handler_for_another_agent(tmp_path, capsys):
    (tmp_path / "save.py").write_text(SAVE, encoding="utf-8")
    argv = ["demo", "--journal", ":memory:", "--handler", f"omar={tmp_path / 'save.py'}"]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "adsim: --handler omar=...: adsim demo has one agent, jane: give the plugin without "
        "NAME= (or jane=)\n"
    )
