"""A JS module's node process ended by a signal: named by the signal, not a negative code; and
adsim stopped by one while a module's handler loops."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
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


# ``adsim`` as a terminal starts it (SIGINT and SIGTERM neither ignored nor blocked), whatever
# pytest's own parent handed on (see tests/gui/test_page_run.py).
_AS_FOREGROUND_JOB = (
    "import signal, sys; "
    "signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM}); "
    "signal.signal(signal.SIGINT, signal.default_int_handler); "
    "signal.signal(signal.SIGTERM, signal.SIG_DFL); "
    "from simulator.entry_point import main; "
    "sys.exit(main())"
)


@needs_node
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_stop_while_a_handler_loops_ends_node_and_names_the_handler(tmp_path: Path) -> None:
    """SIGTERM while a module's handler runs ``while (true) {}``: adsim waited out the whole
    handler timeout before it ended, with nothing said about the handler. A loop that never
    ends is found by a ping at once: its node is ended, exit 143, a line names the handler."""
    module = tmp_path / "crm.mjs"
    module.write_text(
        "export function register(adApi) {\n"
        "  adApi.on('ON_NEW_INTERACTION', () => { console.error('spinning'); while (true) {} });\n"
        "}\n",
        encoding="utf-8",
    )
    command = [sys.executable, "-c", _AS_FOREGROUND_JOB, "run", str(SCENARIOS / "chat.yaml")]
    command += ["--js-handler", str(module), "--handler-timeout", "300", "--journal", ":memory:"]
    lines: queue.SimpleQueue[str] = queue.SimpleQueue()
    seen: list[str] = []
    with subprocess.Popen(
        command, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        reader = threading.Thread(
            target=lambda: [lines.put(line) for line in process.stderr or ()], daemon=True
        )
        reader.start()
        try:
            while not any("spinning" in line for line in seen):
                seen.append(lines.get(timeout=60))  # the handler started, and loops
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=60) == 128 + signal.SIGTERM  # not after 300 s
        finally:
            if process.poll() is None:
                process.kill()
        reader.join(10)
    while not lines.empty():
        seen.append(lines.get())
    said = "".join(seen)
    assert (
        "adsim: js:crm.mjs's event loop is blocked: a handler of ON_NEW_INTERACTION was still "
        "running when adsim stopped and it answered no ping for 5 s (a loop that never ends?); "
        "its node process was ended\n"
    ) in said, said
    assert "Traceback" not in said
