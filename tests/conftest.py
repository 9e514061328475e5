"""Shared test set-up: Qt (when a test uses it) runs offscreen, before any QApplication exists;
every test, of every directory, leaves the signal handlers as it found them."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# QtWebEngine (the CRM page tests) cannot start Chromium's sandbox as root.
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
# Runs that journal by default must not write into the developer's data directory.
os.environ.setdefault("ADSIM_JOURNAL", ":memory:")


_STRAY = tuple(
    getattr(signal, name)
    for name in ("SIGUSR1", "SIGUSR2", "SIGALRM", "SIGVTALRM", "SIGPROF")
    if hasattr(signal, name)
)


@pytest.fixture(autouse=True)
def _no_signal_catcher_left() -> Iterator[None]:
    """Fails the test that leaves a handler host of thread isolation open (its
    ``StraySignals`` catcher still listening) or a handler of SIGUSR1, SIGALRM ... set: every
    later host handed the signals to that host, and test_stray_signals_hosts skipped itself in
    the full suite. What was left is put back, so only that test fails. Every directory: the
    GUI and end-to-end tests run first, and one of theirs left a catcher the unit tests met."""
    module = sys.modules.get("simulator.handlers.stray_signals")
    orphaned = getattr(module, "_orphaned", lambda handler: False)
    for signum in _STRAY:  # a released host's, left by a close off the main thread: the default
        if orphaned(signal.getsignal(signum)):
            signal.signal(signum, signal.SIG_DFL)
    handlers = {signum: signal.getsignal(signum) for signum in _STRAY}
    before = list(_listening())
    yield
    left = [catcher for catcher in _listening() if catcher not in before]
    for catcher in left:
        catcher.release()
    changed = [
        signal.Signals(signum).name
        for signum, handler in handlers.items()
        if signal.getsignal(signum) != handler
    ]
    for signum, handler in handlers.items():
        if handler is not None:  # None: set outside Python, cannot be put back
            signal.signal(signum, handler)
    if left:
        pytest.fail(
            f"{len(left)} handler host(s) of thread isolation left open (their signal catcher "
            "still listening): close each host the test makes"
        )
    if changed:
        pytest.fail(f"the test left a handler of {', '.join(changed)} set: put it back")


def _listening() -> list[object]:
    """The stray-signal catchers listening (none before ``stray_signals`` is imported)."""
    module = sys.modules.get("simulator.handlers.stray_signals")
    return list(getattr(module, "_listening", ()))
