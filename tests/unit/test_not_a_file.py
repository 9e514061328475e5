"""A scenario, tenant or handler path that names a named pipe, a device or a socket is refused at
once, in one line, exit 2. A named pipe nobody writes blocked ``open`` for ever (``adsim run
fifo``, ``--tenant fifo``); ``--handler fifo.py`` waited 10 s for the plugin's import and then
failed the run (exit 1). The standard input and ``<(make-flow)`` are pipes adsim was handed
(``/dev/stdin``, ``/dev/fd/N``): they are read."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.scenarios.errors import ScenarioFileError
from simulator.scenarios.loader import parse_scenario

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")

SCENARIO = "name: x\nsteps: []\n"
NOT_A_FILE = "it is a named pipe (FIFO), not a file"


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "flow.py"
    os.mkfifo(path)
    return path


def test_a_named_pipe_given_as_the_scenario_is_refused_at_once(fifo, capsys):
    assert main(["run", str(fifo), "--journal", ":memory:"]) == 2
    assert capsys.readouterr().err == (
        f"adsim: {fifo}: cannot read the scenario file: {NOT_A_FILE}: give the file itself "
        "(the standard input is /dev/stdin)\n"
    )


@pytest.mark.parametrize("command", ["run", "generate"])
def test_a_named_pipe_given_as_the_tenant_is_refused_at_once(command, fifo, tmp_path, capsys):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    given = [str(scenario), "--journal", ":memory:"] if command == "run" else ["--count", "1"]
    assert main([command, *given, "--tenant", str(fifo)]) == 2
    assert capsys.readouterr().err.startswith(
        f"adsim: {fifo}: cannot read the tenant file: {NOT_A_FILE}"
    )


@pytest.mark.parametrize("spec", ["{}", "bob={}"])
def test_a_named_pipe_given_as_a_handler_is_refused_before_the_run(spec, fifo, tmp_path, capsys):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    with pytest.raises(SystemExit) as stop:
        main(["run", str(scenario), "--handler", spec.format(fifo), "--journal", ":memory:"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"adsim run: argument --handler: {fifo}: {NOT_A_FILE}: give the handler's .py file"
    )
    assert len(err.splitlines()) == 2  # the line and its hint


def test_a_named_pipe_in_a_scenarios_handlers_is_refused_at_its_line(fifo):
    with pytest.raises(ScenarioFileError) as exc:
        parse_scenario(
            f"name: x\nhandlers: [{fifo.name}]\nsteps: []\n", "s.yaml", base_dir=fifo.parent
        )
    (problem,) = exc.value.problems
    assert str(problem) == f"s.yaml:2:12: {str(fifo)!r}: {NOT_A_FILE}"


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null")
def test_a_device_is_no_scenario_file(capsys):
    assert main(["run", "/dev/null", "--journal", ":memory:"]) == 2
    assert "/dev/null: cannot read the scenario file: it is a device, not a file" in (
        capsys.readouterr().err
    )


@pytest.mark.skipif(not Path("/dev/fd").is_dir() or sys.platform == "win32", reason="/dev/fd")
def test_a_pipe_adsim_is_handed_is_read(capsys):
    """``adsim run <(make-flow)``: the shell hands adsim ``/dev/fd/63``, a pipe it writes."""
    read, write = os.pipe()
    writer = threading.Thread(target=lambda: (os.write(write, SCENARIO.encode()), os.close(write)))
    writer.start()
    try:
        assert main(["run", f"/dev/fd/{read}", "--journal", ":memory:"]) == 0
    finally:
        writer.join(timeout=60)
        os.close(read)
    assert "PASS" in capsys.readouterr().out
