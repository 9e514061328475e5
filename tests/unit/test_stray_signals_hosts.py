"""With several hosts in adsim's own process (a scenario's ``agents:``, thread isolation), the
signals caught for their plugins (SIGUSR1, SIGALRM ...) stay caught when the first host closes
before the others: its catcher hands them to the next. They were put back to their default, and
a later host's plugin's ``os.kill(os.getpid(), signal.SIGUSR1)`` ended adsim with no summary."""

from __future__ import annotations

import os
import signal
import sys
import threading

import pytest

from simulator.handlers import stray_signals
from simulator.handlers.stray_signals import StraySignals

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGUSR1 and SIGALRM are POSIX")


def test_the_first_host_closing_leaves_the_signals_caught_for_the_others() -> None:
    assert threading.current_thread() is threading.main_thread()
    # No skip: in the full suite a host an earlier test never closed still listened, and this
    # test skipped itself there. tests/unit/conftest.py fails a unit test that leaves one; the
    # GUI and end-to-end tests (run first, serially) are not guarded yet, and one of them left
    # one in CI: released here, as its close would have, so this test runs whatever ran first.
    for catcher in list(stray_signals._listening):
        catcher.release()
    assert stray_signals._listening == [], "a handler host left open still catches the signals"
    assert signal.getsignal(signal.SIGUSR1) is signal.SIG_DFL, "SIGUSR1 has someone's handler"
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL, "SIGALRM has someone's handler"
    first: list[str] = []
    second: list[str] = []
    one = StraySignals(first.append)
    two = StraySignals(second.append)
    try:
        one.release()  # the first agent's host closes first
        assert signal.getsignal(signal.SIGUSR1) is not signal.SIG_DFL
        assert signal.getsignal(signal.SIGALRM) is not signal.SIG_DFL
        os.kill(os.getpid(), signal.SIGUSR1)  # handled before the next line runs
        assert len(second) == 1 and "signal SIGUSR1 (10) reached adsim's process" in second[0]
        assert first == []
    finally:
        one.release()
        two.release()
    assert signal.getsignal(signal.SIGUSR1) is signal.SIG_DFL  # the last one puts it back
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL
