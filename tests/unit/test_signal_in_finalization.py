"""A signal in Python's finalization, after adsim's last ``atexit``: Python has put the default
action back in place of adsim's handlers by then, and a SIGTERM or Ctrl-C in the milliseconds its
modules take to be torn down killed adsim (-15, -2) after a run that had passed. Seen as a rare
``-15`` in ``test_cli_conditions``' signal tests under load; here the signal is sent from the
finalization itself (an object deleted with the module's globals), so it always lands there."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

LATE = """\
import os, signal, sys
signal.pthread_sigmask(signal.SIG_UNBLOCK, {{signal.SIGINT, signal.SIGTERM}})
signal.signal(signal.SIGINT, signal.default_int_handler)
signal.signal(signal.SIGTERM, signal.SIG_DFL)
from simulator.cli import main


class Late:
    def __del__(self, kill=os.kill, pid=os.getpid(), signum={signum}):
        kill(pid, signum)


late = Late()  # deleted with this module's globals: in Python's finalization
sys.exit(main())
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_in_pythons_finalization_keeps_the_commands_exit_code(tmp_path, signum):
    scenario = ROOT / "fixtures" / "scenarios" / "missed_call.yaml"
    done = subprocess.run(
        [sys.executable, "-c", LATE.format(signum=int(signum)), "run", str(scenario)],
        check=False,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, (done.returncode, done.stderr)
    assert "PASS" in done.stdout
    assert "Traceback" not in done.stderr
