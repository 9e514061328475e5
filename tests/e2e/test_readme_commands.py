"""Every command line in the shell samples of the README and the documentation pages runs (with
a few documented exceptions), so a documented command that stops working fails the build.

Commands run in a scratch folder holding the documentation's file samples and the repository's
``fixtures``; window commands run offscreen and quit once the window is ready
(``ADSIM_REPORT_STARTUP``).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.documentation import ROOT, blocks, file_samples, page, text

BLOCKS = [source for _, source in blocks("sh|bash")]
FILES = file_samples()
FLOW = blocks("yaml", [page("scenarios.md")])[0][1]
"""docs/scenarios.md's sample scenario, the ``flow.yaml`` of its commands."""

# Commands the README says fail on purpose, and the exit code they must give.
_EXPECTED_EXIT = {"fixtures/handlers/": 1}  # misbehaving.py raises: the run exits 1
# Placeholders and set-up steps that are not commands of ours.
_SKIP = ("make ", "apt-get ", "xvfb-run ", "my_tenant.yaml", "0F3A...", "localhost:5173", "cd ")


def _commands() -> list[str]:
    found = []
    for block in BLOCKS:
        for line in block.splitlines():
            command = line.split("  #", 1)[0].strip()
            if command and "adsim" in command and not any(skip in command for skip in _SKIP):
                found.append(command)
    return found


COMMANDS = _commands()


def test_the_readme_documents_commands():
    assert len(COMMANDS) >= 8
    # docs/scenarios.md's commands are run too (their block was not marked sh, and was not).
    assert "adsim run flow.yaml --seed 3 --output events.jsonl" in COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_runs(command, tmp_path):
    if "--js-handler" in command and shutil.which("node") is None:
        pytest.skip("node is not installed")
    if "--page" in command:
        pytest.importorskip("PySide6.QtWebEngineWidgets", reason="needs the [web] extra")
    (tmp_path / "fixtures").symlink_to(ROOT / "fixtures")
    for name, source in FILES.items():
        (tmp_path / name).write_text(source)
    # docs/scenarios.md's commands run its sample scenario, flow.yaml.
    (tmp_path / "flow.yaml").write_text(FLOW, "utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    bin_dir = str(Path(sys.executable).parent)
    env.update(
        PATH=bin_dir + os.pathsep + env.get("PATH", ""),
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path),
        XDG_DATA_HOME=str(tmp_path),
        QT_QPA_PLATFORM="offscreen",
        ADSIM_REPORT_STARTUP="1",
    )
    env.pop("ADSIM_JOURNAL", None)  # `adsim journal export` reads what `demo` wrote
    if " journal " in command:  # the README's journal commands follow a run that wrote one
        subprocess.run(
            [sys.executable, "-m", "simulator", "demo"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            check=True,
        )
    argv = shlex.split(command.replace(".venv/bin/adsim", "adsim"))
    assignments = [part for part in argv if re.match(r"^[A-Z_]+=", part)]
    argv = argv[len(assignments) :]
    env.update(part.split("=", 1) for part in assignments)
    stdout_file = None
    if ">" in argv:  # `adsim generate ... > records.jsonl`, as a shell redirects it
        argv, stdout_file = argv[: argv.index(">")], argv[argv.index(">") + 1]
    expanded = []
    for part in argv:
        expanded += sorted(str(p) for p in tmp_path.glob(part)) if "*" in part else [part]
    result = subprocess.run(
        expanded, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180, check=False
    )
    if stdout_file is not None:
        (tmp_path / stdout_file).write_text(result.stdout, "utf-8")
        assert result.stdout, command
    expected = next((code for key, code in _EXPECTED_EXIT.items() if key in command), 0)
    assert result.returncode == expected, (
        f"{command}\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    )
    assert "Traceback" not in result.stderr


def test_the_readme_js_handler_runs_under_node(tmp_path):
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    source = re.search(r"```js\n// (\S+\.mjs).*?\n(.*?)```", text(page("javascript.md")), re.S)
    assert source is not None
    handler = tmp_path / source.group(1)
    handler.write_text(source.group(2))
    scenario = ROOT / "fixtures" / "scenarios" / "blind_transfer.yaml"
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "run", str(scenario), "--js-handler", str(handler)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**os.environ, "ADSIM_JOURNAL": ":memory:"},
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]


def test_the_readme_ini_and_test_samples_run_with_pytest(tmp_path):
    pytest_page = text(page("pytest.md"))
    ini = re.search(r"```ini\n(.*?)```", pytest_page, re.S).group(1)
    test = next(
        s for s in re.findall(r"```python\n(.*?)```", pytest_page, re.S) if "def test_" in s
    )
    handler = FILES["crm_handler.py"].split("\n", 1)[1]
    (tmp_path / "pytest.ini").write_text(ini)
    (tmp_path / "my_integration").mkdir()
    (tmp_path / "my_integration" / "__init__.py").write_text("")
    (tmp_path / "my_integration" / "handler.py").write_text(handler)
    (tmp_path / "test_sample.py").write_text(test)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:pytest-qt"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout
