"""A scenario's ``allow_handler_errors: true`` ("handler errors do not fail the run") held in
the runner but not on the command line: ``adsim run`` printed ``error (allowed)`` and then
failed the run, exit 1, "the handlers failed outside these calls", because finishing the
handlers counted the same failed call again. A plugin that does not load still fails the run."""

from __future__ import annotations

import pytest

from simulator.cli import main

FAILING = """\
def register(ad_api):
    ad_api.on("ON_NEW_INTERACTION", lambda interaction: 1 / 0)
"""
BROKEN = "raise RuntimeError('boom at import')\n"
FLOW = "name: flow\n{allow}handlers: [crm.py]\nsteps: [{{call: Sales}}, {{wait: 4s}}, accept]\n"


def _scenario(tmp_path, handler: str, allow: bool):
    (tmp_path / "crm.py").write_text(handler, encoding="utf-8")
    path = tmp_path / "flow.yaml"
    path.write_text(FLOW.format(allow="allow_handler_errors: true\n" if allow else ""))
    return str(path)


@pytest.mark.parametrize("repeat", [[], ["--repeat", "2"]], ids=["run", "load"])
def test_allowed_handler_errors_do_not_fail_the_run(tmp_path, capsys, repeat):
    flow = _scenario(tmp_path, FAILING, allow=True)
    assert main(["run", flow, "--journal", ":memory:", *repeat]) == 0
    out = capsys.readouterr().out
    assert out.startswith("PASS") and "outside these calls" not in out


@pytest.mark.parametrize("repeat", [[], ["--repeat", "2"]], ids=["run", "load"])
def test_handler_errors_not_allowed_still_fail_it(tmp_path, capsys, repeat):
    flow = _scenario(tmp_path, FAILING, allow=False)
    assert main(["run", flow, "--journal", ":memory:", *repeat]) == 1


def test_a_plugin_that_did_not_load_fails_it_even_so(tmp_path, capsys):
    flow = _scenario(tmp_path, BROKEN, allow=True)
    assert main(["run", flow, "--journal", ":memory:"]) != 0
    assert "did not load" in capsys.readouterr().err


def test_load_mode_counts_the_allowed_errors_and_says_they_were_allowed(tmp_path, capsys):
    # The series' summary said "0 handler errors" above adsim's own "2 of 2 calls failed" (and
    # the journal's failed calls): a single run says "1 handler error" and lists it "(allowed)".
    flow = _scenario(tmp_path, FAILING, allow=True)
    assert main(["run", flow, "--journal", ":memory:", "--repeat", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith(": 2 runs, 0 failed runs"), lines
    assert lines[2].endswith("; 2 handler errors (allowed)"), lines
    assert lines[3].startswith("  run 1: handler crm:register.<locals>.<lambda> on ON_NEW_")
    assert lines[3].endswith(": error (allowed): ZeroDivisionError: division by zero"), lines
