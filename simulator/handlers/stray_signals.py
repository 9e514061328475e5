"""Signals a plugin sends its own process, when that process is adsim's (thread isolation).

``os.kill(os.getpid(), signal.SIGUSR1)``, or ``signal.alarm(5)`` / ``signal.setitimer`` set by a
handler as a timeout of its own, is harmless in a plugin's process (faulthandler takes SIGUSR1;
an alarm that ends it is a ``crashed`` call). In adsim's own process the signal's default action
ended adsim there: no summary, no journal end, exit 138 or 142 and not one line saying why. So
while a host runs plugins in adsim's process, those signals (SIGUSR1, SIGUSR2, SIGALRM,
SIGVTALRM, SIGPROF) are caught when nobody else handles them: each is an incident of the run
(exit 1), and the run goes on. A handler the plugin sets itself in ``register()`` (its own
``SIGALRM`` timeout) is its own and is left alone. SIGINT, SIGTERM and SIGHUP are adsim's
stops (``simulator.interrupts``).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType

__all__ = ["StraySignals"]

_SIGNALS = tuple(
    getattr(signal, name)
    for name in ("SIGUSR1", "SIGUSR2", "SIGALRM", "SIGVTALRM", "SIGPROF")
    if hasattr(signal, name)
)


class StraySignals:
    """The signals above caught for a host (made and released on the main thread)."""

    def __init__(self, report: Callable[[str], None]) -> None:
        self._report = report
        self._handler = self._caught
        self._installed: list[signal.Signals] = []
        if threading.current_thread() is not threading.main_thread():
            return  # only the main thread sets handlers: nothing to catch them with
        for signum in _SIGNALS:
            try:
                if signal.getsignal(signum) is not signal.SIG_DFL:
                    continue  # someone's own (a test runner's timeout): theirs
                signal.signal(signum, self._handler)
            except (OSError, ValueError):
                continue
            self._installed.append(signum)

    def _caught(self, signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        self._report(
            f"signal {name} ({signum}) reached adsim's process, whose default action would "
            "have ended adsim there with no summary: a plugin's signal.alarm, signal.setitimer "
            "or os.kill(os.getpid(), ...) in adsim's own process (thread isolation); adsim went "
            "on (use process isolation, or set a handler of the plugin's own in register())"
        )

    def release(self) -> None:
        """Put the default action back where ours is still set."""
        if threading.current_thread() is not threading.main_thread():
            return
        for signum in self._installed:
            try:
                if signal.getsignal(signum) is self._handler:
                    signal.signal(signum, signal.SIG_DFL)
            except (OSError, ValueError):
                continue
        self._installed = []
