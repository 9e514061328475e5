"""A scenario's ``handler:`` expectation takes every status a handler call can have: ``status:
crashed`` (the plugin's process died in the call) was refused as bad input, so a file could not
expect the crash its ``allow_handler_errors: true`` allows."""

from __future__ import annotations

from simulator.cli import main
from simulator.scenarios import parse_scenario

FLOW = """\
name: crash
allow_handler_errors: true
steps:
  - call: Sales
  - accept
  - expect:
      handler: {status: crashed, event: ON_NEW_INTERACTION, count: 1}
"""


def test_status_crashed_is_an_outcome_to_expect():
    (expect,) = [s for s in parse_scenario(FLOW, "s.yaml").scenario.steps if s.key == "expect"]
    assert expect.value.handler.status == "crashed"


def test_a_crash_is_expected_and_met(tmp_path, capsys):
    (tmp_path / "flow.yaml").write_text(FLOW, encoding="utf-8")
    crasher = tmp_path / "crasher.py"
    crasher.write_text(
        "import os\n\n\ndef register(ad_api):\n"
        "    ad_api.on('ON_NEW_INTERACTION', lambda interaction: os._exit(3))\n",
        encoding="utf-8",
    )
    argv = ["run", str(tmp_path / "flow.yaml"), "--handler", str(crasher), "--journal", ":memory:"]
    assert main([*argv, "--handler-isolation", "process"]) == 0
    assert "PASS  crash" in capsys.readouterr().out
