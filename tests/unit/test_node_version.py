"""Which ``node`` runs ``--js-handler`` modules: one that is missing or too old is one line that
says what to do, never a module blamed for Node's own syntax error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "fixtures" / "scenarios" / "chat.yaml"
MODULE = ROOT / "fixtures" / "js_handlers" / "crm_logger.mjs"

pytestmark = pytest.mark.skipif(os.name != "posix", reason="fake node scripts need a shell")


def _fake_node(tmp_path: Path, version_line: str, exit_code: int = 0) -> Path:
    """A ``node`` that answers ``--version`` with ``version_line`` and fails to run anything
    (as Node 14 fails on the runner's syntax)."""
    node = tmp_path / "node"
    node.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "--version" ]; then echo "{version_line}"; exit {exit_code}; fi\n'
        'echo "SyntaxError: Unexpected token" >&2\nexit 1\n',
        encoding="utf-8",
    )
    node.chmod(0o755)
    return node


def _run(capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["run", str(SCENARIO), "--js-handler", str(MODULE), "--journal", ":memory:"])
    return code, capsys.readouterr().err.strip().splitlines()


def test_a_node_too_old_is_named_with_its_version(tmp_path, monkeypatch, capsys):
    """It was ``crm_logger.mjs:1: node exited (code 1) before the handshake``: the module
    blamed, Node's version never said."""
    node = _fake_node(tmp_path, "v14.21.3")
    monkeypatch.setenv("ADSIM_NODE", str(node))
    code, err = _run(capsys)
    assert code == 2
    assert len(err) == 1, err
    assert "v14.21.3" in err[0] and "Node 18 or later" in err[0] and str(node) in err[0]
    # What chose it, as a missing $ADSIM_NODE's line says: a PATH with a newer node looked
    # ignored.
    assert f"{node} (from $ADSIM_NODE) is Node v14.21.3" in err[0], err


def test_a_node_too_old_on_path_is_not_said_to_come_from_adsim_node(tmp_path, monkeypatch, capsys):
    node = _fake_node(tmp_path, "v16.20.0")
    monkeypatch.delenv("ADSIM_NODE", raising=False)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}")
    code, err = _run(capsys)
    assert code == 2 and len(err) == 1, err
    assert f"{node} is Node v16.20.0, too old" in err[0] and "(from $ADSIM_NODE)" not in err[0]


@pytest.mark.parametrize("version", ["v18.0.0", "v20.20.2", "v24.1.0"])
def test_node_18_or_later_is_taken(tmp_path, monkeypatch, version):
    from simulator.web.node import node_problem

    node = _fake_node(tmp_path, version)
    assert node_problem(str(node)) is None


def test_a_program_that_is_not_node_is_said(tmp_path, monkeypatch, capsys):
    node = _fake_node(tmp_path, "Python 3.11.7", exit_code=0)
    monkeypatch.setenv("ADSIM_NODE", str(node))
    code, err = _run(capsys)
    assert code == 2
    assert len(err) == 1, err
    assert "does not answer --version as Node does" in err[0]
    assert "Python 3.11.7" in err[0]


def test_an_adsim_node_that_is_not_there_is_named(tmp_path, monkeypatch, capsys):
    """``ADSIM_NODE=/opt/node20/bin/nodee`` said "`node` is not on PATH"."""
    missing = tmp_path / "nodee"
    monkeypatch.setenv("ADSIM_NODE", str(missing))
    code, err = _run(capsys)
    assert code == 2
    assert len(err) == 1, err
    assert f"$ADSIM_NODE ({missing})" in err[0]
    assert "`node` is not on PATH" not in err[0]


def test_an_empty_adsim_node_is_as_unset(tmp_path, monkeypatch):
    """``ADSIM_NODE=`` (a CI file's empty value) said "`node` is not on PATH" while it was."""
    from simulator.web.node import find_node

    node = tmp_path / "node"
    node.write_text("#!/bin/sh\necho v20.0.0\n", encoding="utf-8")
    node.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("ADSIM_NODE", "")
    assert find_node() == str(node)
