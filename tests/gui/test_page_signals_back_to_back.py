"""A headless page's run stopped by two signals back to back (Ctrl-C, then at once a CI runner's
SIGTERM) exits 128 + the first: the second's handler, which Python ran inside the first's
before its first line, was noted first (exit 143 for Ctrl-C pressed first). The second signal is
sent from inside the first's handler as it is called, in a process of its own."""

from __future__ import annotations

import signal
import sys

import pytest

from tests.unit.test_signals_back_to_back import handled_in_order

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


@pytest.mark.parametrize("second", [signal.SIGTERM, signal.SIGHUP])
def test_the_pages_run_takes_two_signals_in_the_order_they_came(second: int) -> None:
    setup = """
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtCore import QCoreApplication, QEventLoop
        from simulator.gui.page.stop_signals import ctrl_c_quits

        app = QCoreApplication([])
        loop = QEventLoop()
    """
    block = "with ctrl_c_quits(loop) as got"
    assert handled_in_order(setup, block, second) == [signal.SIGINT, second]
