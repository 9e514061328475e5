"""A JS module's console output under ``adsim run``, as CI reads it: through a pipe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.web import find_node

needs_node = pytest.mark.skipif(find_node() is None, reason="node is not installed (Node 18+)")

LINES = 20_000
CHATTY = f"""
export function register(adApi) {{
  adApi.on("ON_NEW_INTERACTION", () => {{
    for (let i = 0; i < {LINES}; i++) console.log(`line ${{i}} ` + "x".repeat(90));
    return "logged";
  }});
}}
"""
SCENARIO = "steps:\n  - set_state: ready\n  - call: Sales\n  - accept\n"


@needs_node
def test_every_console_line_of_a_module_reaches_a_piped_stderr_whole(tmp_path: Path) -> None:
    """The runner ended node with ``process.exit`` while its console output still waited for
    the pipe: 170,000 of 200,000 lines were lost, the last one cut short with the run's
    ``PASS`` line glued to it (``xxxxPASS  flow``), so a CI log reader found neither."""
    module = tmp_path / "chatty.mjs"
    module.write_text(CHATTY, encoding="utf-8")
    scenario = tmp_path / "flow.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    env = dict(os.environ, HOME=str(tmp_path))
    command = [sys.executable, "-m", "simulator", "run", str(scenario)]
    command += ["--js-handler", str(module), "--journal", ":memory:"]
    done = subprocess.run(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # one pipe, as `2>&1 | tee log` in CI
        env=env,
        timeout=300,
        check=False,
    )
    text = done.stdout.decode("utf-8")
    assert done.returncode == 0, text[-2000:]
    lines = text.splitlines()
    logged = [line for line in lines if line.startswith("line ")]
    assert len(logged) == LINES
    assert all(line.endswith("x" * 90) and len(line) < 110 for line in logged)
    assert any(line.startswith("PASS  flow") for line in lines), lines[-3:]


OPEN_LINE = """
export function register(adApi) {
  adApi.on("ON_NEW_INTERACTION", () => {
    process.stdout.write("saving without a newline");
    return "saved";
  });
}
"""


@needs_node
def test_a_line_a_module_leaves_open_is_ended_before_adsims_next_line(tmp_path: Path) -> None:
    """``process.stdout.write("saving... ")`` with no newline had the next line, adsim's own
    (``adsim: #4 ON_NEW_INTERACTION -> ...``) or another plugin's, glued to its end."""
    module = tmp_path / "open.mjs"
    module.write_text(OPEN_LINE, encoding="utf-8")
    scenario = tmp_path / "flow.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    command = [sys.executable, "-m", "simulator", "run", str(scenario), "--trace-handlers"]
    command += ["--js-handler", str(module), "--journal", ":memory:"]
    done = subprocess.run(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=dict(os.environ, HOME=str(tmp_path)),
        timeout=300,
        check=False,
    )
    lines = done.stdout.decode("utf-8").splitlines()
    assert done.returncode == 0, lines[-5:]
    assert "saving without a newline" in lines, lines
