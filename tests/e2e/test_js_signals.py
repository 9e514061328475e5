"""A JS module's node process ended by a signal: named by the signal, not a negative code."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.web import find_node
from simulator.web.last_words import exit_words

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "fixtures" / "scenarios"
needs_node = pytest.mark.skipif(find_node() is None, reason="node is not installed (Node 18+)")


def test_exit_words() -> None:
    assert exit_words(3) == "exited (code 3)"
    assert exit_words(-9) == "was killed by signal SIGKILL (9)"
    assert exit_words(-6) == "was killed by signal SIGABRT (6; node aborts so when out of memory)"


@needs_node
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_node_killed_by_a_signal_is_said_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each outcome said "exited (code -9)", a code no process exits with."""
    module = tmp_path / "crm.mjs"
    module.write_text(
        "export function register(adApi) {\n"
        "  adApi.on('ON_NEW_INTERACTION', () => process.kill(process.pid, 'SIGKILL'));\n"
        "}\n",
        encoding="utf-8",
    )
    code = main(["run", str(SCENARIOS / "chat.yaml"), "--js-handler", str(module)])
    err = capsys.readouterr().err
    assert code == 1
    assert "the node process for crm.mjs was killed by signal SIGKILL (9) before" in err
    assert "code -" not in err
