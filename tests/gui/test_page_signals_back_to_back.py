"""A headless page's run stopped by two signals back to back (Ctrl-C, then at once a CI runner's
SIGTERM) exits 128 + the first: the second's handler, which Python ran inside the first's
before its first line, was noted first (exit 143 for Ctrl-C pressed first). The second signal is
sent from inside the first's handler as it is called, in a process of its own."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

import pytest

from tests.unit.test_signal_python_dropped import ROOT

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QEventLoop
    from simulator.gui.page.stop_signals import ctrl_c_quits

    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    second = int(sys.argv[1])
    app = QCoreApplication([])
    loop = QEventLoop()
    sent = []
    with ctrl_c_quits(loop) as interrupted:
        handler = signal.getsignal(signal.SIGINT).__code__

        def trace(frame, event, arg):
            if event == "call" and frame.f_code is handler and not sent:
                sent.append(second)
                os.kill(os.getpid(), second)  # inside the first's, before its first line

        sys.settrace(trace)
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):
            pass
        sys.settrace(None)
    print(interrupted)
    """
)


@pytest.mark.parametrize("second", [signal.SIGTERM, signal.SIGHUP])
def test_the_pages_run_takes_two_signals_in_the_order_they_came(second: int) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(int(second))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done
    assert done.stdout == f"[{int(signal.SIGINT)}, {int(second)}]\n", done
