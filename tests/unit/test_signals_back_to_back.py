"""Two stop signals back to back (Ctrl-C, then at once a CI runner's SIGTERM): the stop is the
first's, and its line is said.

Python runs a signal's handler between two bytecodes, inside a handler already running when the
signal comes meanwhile. The second signal's handler ran inside the first's: at its very start,
before its first line, it took the stop as its own (``interrupted (SIGTERM)``, exit 143, for
Ctrl-C pressed first); in the middle of it, it raised the stop from there and the first's line
was never written (the run ended stopped with not one line saying so). Both seen in CI under load
(``test_demo_two_signals``). Here the second signal is sent from inside the first's handler, at
each of those two points, in a process of its own."""

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
    from simulator import interrupts

    signal.signal(signal.SIGINT, signal.default_int_handler)  # a test worker may ignore them
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    where, second = sys.argv[1], int(sys.argv[2])
    sent = []

    def send_second():
        if not sent:
            sent.append(second)
            os.kill(os.getpid(), second)  # handled at the next bytecode: inside the first's

    if where == "start":  # as the first's handler is called, before its first line
        def trace(frame, event, arg):
            if event == "call" and frame.f_code is interrupts._Stopper.__call__.__code__:
                send_second()
        sys.settrace(trace)
    else:  # in its middle (as it notes when the stop came)
        real = interrupts.time

        class Clock:
            def monotonic(self):
                send_second()
                return real.monotonic()
        interrupts.time = Clock()

    stopper = None
    try:
        with interrupts.stop_on_signals():
            stopper = interrupts._ACTIVE[0]
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C
            for _ in range(1000):
                pass
        print("not stopped")
    except interrupts.Interrupted as exc:
        sys.settrace(None)
        print(signal.Signals(exc.signum).name, stopper.stops, sent == [second])
    """
)


@pytest.mark.parametrize("where", ["start", "middle"])
@pytest.mark.parametrize("second", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_second_signal_inside_the_firsts_handler_comes_after_it(where: str, second: int) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, where, str(int(second))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done
    # The stop is Ctrl-C's, the first; the second counts as a second stop (no waiting).
    assert done.stdout == "SIGINT 2 True\n", done
    assert done.stderr == "adsim: interrupted (SIGINT): stopping\n", done


BOTH_INSIDE = """
handler = signal.getsignal(signal.SIGINT).__code__
sent = []


def trace(frame, event, arg):
    if event == "call" and frame.f_code is handler and not sent:
        sent.append(second)
        os.kill(os.getpid(), second)  # inside the first's, before its first line


sys.settrace(trace)
os.kill(os.getpid(), signal.SIGINT)
for _ in range(1000):
    pass
sys.settrace(None)
"""


def handled_in_order(setup: str, block: str, second: int) -> list[int]:
    """The signals ``block`` (a ``with`` line of ``setup``'s, taking them: ``as got``) got, in
    its order, for Ctrl-C and ``second`` sent inside Ctrl-C's handler as it is called."""
    script = (
        "import os, signal, sys\n"
        + textwrap.dedent(setup)
        + "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "signal.signal(signal.SIGTERM, signal.SIG_DFL)\n"
        "second = int(sys.argv[1])\n"
        f"{block}:\n" + textwrap.indent(BOTH_INSIDE, "    ") + "print(list(got))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(int(second))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done
    return [int(n) for n in done.stdout.strip().strip("[]").split(", ")]


@pytest.mark.parametrize("second", [signal.SIGTERM, signal.SIGHUP])
def test_the_window_takes_two_signals_in_the_order_they_came(second: int) -> None:
    """The window's close says the first signal and exits 128 + it: the second's handler, run
    inside the first's, made the close SIGTERM's (exit 143) for Ctrl-C pressed first."""
    setup = """
        from simulator.gui import launch  # no Qt at import: the window's signal handling alone

        got = []
    """
    block = "with launch._stopping_on_signals(got.append)"
    assert handled_in_order(setup, block, second) == [signal.SIGINT, second]
