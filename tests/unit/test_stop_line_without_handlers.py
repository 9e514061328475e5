"""Ctrl-C during ``adsim run --repeat`` with a journal but no handler: the stop line promised
"Ctrl-C again stops without waiting for a handler still running" though there was none (the
docs: that clause only when handlers are loaded). A journal (``--journal``, ``$ADSIM_JOURNAL``)
builds the handler host, but loads no handler."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WAIT = 60

# adsim as a terminal starts it: SIGINT neither ignored nor blocked (a background ``make test &``
# would hand on an ignored SIGINT, which adsim rightly keeps).
_AS_FOREGROUND_JOB = (
    "import signal, sys; "
    "signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT}); "
    "signal.signal(signal.SIGINT, signal.default_int_handler); "
    "from simulator.cli import main; "
    "sys.exit(main())"
)


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_a_stopped_series_with_a_journal_and_no_handler_promises_nothing_about_handlers(
    tmp_path,
):
    argv = ["run", str(ROOT / "fixtures" / "scenarios" / "chat.yaml"), "--repeat", "10000000"]
    argv += ["--journal", str(tmp_path / "j.db"), "--no-entry-points", "-o", "-"]
    process = subprocess.Popen(
        [sys.executable, "-c", _AS_FOREGROUND_JOB, *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith(b'{"seq":1,')  # the runs are going
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=WAIT)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=WAIT)
    assert process.returncode == 130, err
    lines = err.decode().splitlines()
    assert lines[0] == "adsim: interrupted (SIGINT): stopping", lines
    assert lines[1].endswith("runs finished before the stop"), lines
