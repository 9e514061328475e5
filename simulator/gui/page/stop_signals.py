"""While a headless page's Qt loop runs, Ctrl-C, SIGTERM and SIGHUP quit it (``ctrl_c_quits``):
the runs stop, adsim exits 128 + the signal."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QEventLoop, QTimer

from simulator.interrupts import in_turn

__all__ = ["ctrl_c_quits"]

_SIGNAL_CHECK_MS = 200

_STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")


@contextmanager
def ctrl_c_quits(loop: QEventLoop) -> Iterator[list[int]]:
    """While Qt's loop runs, Ctrl-C (and SIGTERM, SIGHUP: a CI job's timeout, a closed
    terminal) quits it (the list gets the signal's number) instead of raising inside whatever Qt
    slot Python happens to run next, or ending adsim on the spot with nothing said and the page's
    runs cut half-way. Only on the main thread, and only for a signal with its default handler
    (a shell that ignores one keeps ignoring it)."""
    interrupted: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield interrupted
        return

    def quit_with(signum: int) -> None:
        interrupted.append(signum)
        loop.quit()

    quit_loop = in_turn(quit_with)  # a second signal Python ran inside the first's: after it

    previous: dict[int, Any] = {}
    for name in _STOP_SIGNALS:
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        default = signal.default_int_handler if name == "SIGINT" else signal.SIG_DFL
        if signal.getsignal(signum) is default:
            previous[signum] = signal.signal(signum, quit_loop)
    if not previous:
        yield interrupted
        return
    # Python runs signal handlers between its own bytecodes; this lets it in while Qt waits.
    ticker = QTimer()
    ticker.timeout.connect(lambda: None)
    ticker.start(_SIGNAL_CHECK_MS)
    try:
        yield interrupted
    finally:
        ticker.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
