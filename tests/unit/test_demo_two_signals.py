"""``adsim demo`` stopped by two signals back to back during a handler call (Ctrl-C, then a CI
runner's SIGTERM): the run's end is journaled, the stop is the first signal's, and the second
stops at once.

The second signal's own ``Interrupted`` made the exit code and the journaled end its own, or
not, by when it came: 143 with ``interrupted(SIGTERM)``, 143 with ``interrupted(SIGINT)``, or 130,
for the same two keys pressed, where the stop's line had said ``interrupted (SIGINT)``. And one
that came before the wait for the handler still running began was spent on the way to it: the
wait lasted the handler's whole timeout (here 600 s, past the test's guard)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.cli import main
from tests.unit.plugin_demo import ROOT

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals"),
    pytest.mark.usefixtures("sigint_heard"),
]

WAIT = 60.0
"""Seconds for what takes well under one (a loaded 2-core machine): a guard, not a pace."""

PLUGIN = """
import os
import socket
import threading


def save(activity):
    # The call is running: the test is told, and sends its two signals.
    socket.create_connection(("127.0.0.1", int(os.environ["ADSIM_TEST_PORT"]))).sendall(b"x")
    threading.Event().wait()  # a CRM call with no timeout


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""


SAVE = str(ROOT / "fixtures" / "scenarios" / "inbound_acw_disposition.yaml")


@pytest.mark.parametrize("command", [["demo"], ["run", SAVE]], ids=["demo", "run"])
@pytest.mark.parametrize("isolation", ["process", "thread"])
def test_sigint_then_sigterm_during_a_call_journal_the_runs_end_as_the_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], isolation: str, command: list[str]
) -> None:
    """So does ``adsim run``'s, which waited in full too."""
    plugin = tmp_path / "crm.py"
    plugin.write_text(PLUGIN, encoding="utf-8")
    journal = tmp_path / "j.db"
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(WAIT)
    argv = [sys.executable, "-m", "simulator", *command, "--handler", str(plugin)]
    argv += ["--handler-isolation", isolation, "--handler-timeout", "600"]  # not waited for
    argv += ["--journal", str(journal)]
    port = str(listener.getsockname()[1])
    env = {**os.environ, "ADSIM_TEST_PORT": port}
    adsim = subprocess.Popen(
        argv,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        connection, _ = listener.accept()
        with connection:
            connection.settimeout(WAIT)
            assert connection.recv(1) == b"x"
        adsim.send_signal(signal.SIGINT)  # Ctrl-C
        adsim.send_signal(signal.SIGTERM)  # and at once the CI runner's
        _, err = adsim.communicate(timeout=WAIT)
    finally:
        listener.close()
        if adsim.poll() is None:
            adsim.kill()
            adsim.communicate()
    assert err.startswith("adsim: interrupted (SIGINT): stopping"), err
    assert adsim.returncode == 128 + signal.SIGINT, err
    assert main(["journal", "runs", "--journal", str(journal), "--format", "jsonl"]) == 0
    [run] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (run["end"], run["signal"]) == ("interrupted", "SIGINT"), run
    # The call cut short is journaled, a timeout, in both isolations: on a handler thread
    # (which cannot be ended) it was in neither the journal nor the summary (calls 0).
    assert (run["calls"], run["failed"]) == (1, 1), run
    with contextlib.closing(sqlite3.connect(journal)) as db:
        outcomes = db.execute("SELECT status, error FROM outcomes").fetchall()
    [(status, error)] = outcomes
    assert status == "timeout", outcomes
    assert "adsim stopped while this call was running" in error, outcomes
