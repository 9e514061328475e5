"""A signal that comes after a stop, while ``adsim`` ends, keeps the stop's exit code.

Once ``stop_on_signals`` has let go (the command returned, its summary written), Python's own
handlers were back: a further Ctrl-C raised ``KeyboardInterrupt`` in the middle of the
interpreter's shutdown and Python ended itself with SIGINT (exit -2), SIGTERM's default killed it
(-15), where the run had said it stopped and would exit 130 or 143. A user pressing Ctrl-C
again, or a CI runner sending SIGTERM twice, hit it (``test_cli_conditions`` did, under load).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

import pytest

from tests.unit.test_signal_python_dropped import ROOT

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from simulator import interrupts

    signal.signal(signal.SIGINT, signal.default_int_handler)  # a test worker may ignore it
    signum = int(sys.argv[1])
    later = int(sys.argv[4])
    stop = sys.argv[2] == "stop"
    try:
        with interrupts.stop_on_signals(exit_after_stop=sys.argv[3] == 'exit'):
            if stop:
                os.kill(os.getpid(), signum)
    except interrupts.Interrupted:
        pass
    print("summary", flush=False)
    os.kill(os.getpid(), later)  # while adsim ends
    print("not reached", flush=True)
    """
)


def _run(
    signum: int, mode: str, exit_after: str = "exit", later: int | None = None
) -> subprocess.CompletedProcess[str]:
    later = signum if later is None else later
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, str(int(signum)), mode, exit_after, str(int(later))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@posix_only
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_while_ending_after_a_stop_exits_with_the_stops_code(signum):
    done = _run(signum, "stop")
    assert done.returncode == 128 + signum, done
    assert done.stdout == "summary\n"  # flushed, and nothing after the signal ran
    assert "Traceback" not in done.stderr, done.stderr


@posix_only
def test_another_signal_while_ending_keeps_the_first_stops_code():
    """Ctrl-C said the run exits 130; a CI runner's SIGTERM while it ends does not make it 143."""
    done = _run(signal.SIGINT, "stop", later=signal.SIGTERM)
    assert done.returncode == 128 + signal.SIGINT, done
    assert "not reached" not in done.stdout


@posix_only
def test_without_a_stop_the_signals_are_pythons_again():
    done = _run(signal.SIGTERM, "none")
    assert done.returncode == -signal.SIGTERM, done


@posix_only
def test_a_caller_of_the_block_gets_its_handlers_back_even_after_a_stop():
    """In a process that goes on after the block (a test run, a caller's own loop), a later
    signal is the process's own business again: it must not end it on adsim's behalf."""
    done = _run(signal.SIGTERM, "stop", "keep")
    assert done.returncode == -signal.SIGTERM, done


ENDED = textwrap.dedent(
    """
    import os, signal, sys
    from simulator import interrupts

    signal.signal(signal.SIGINT, signal.default_int_handler)  # a test worker may ignore it
    with interrupts.stop_on_signals(exit_after_stop=True):
        interrupts.result(int(sys.argv[2]))  # the run ended by itself, with this code
    print("summary", flush=False)
    os.kill(os.getpid(), int(sys.argv[1]))  # while adsim ends
    print("not reached", flush=True)
    """
)


@posix_only
@pytest.mark.parametrize("code", [0, 1])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_while_ending_after_a_run_that_ended_keeps_the_runs_code(signum, code):
    """Its result written, the run is over: a late Ctrl-C turned a pass into a KeyboardInterrupt
    traceback, a late SIGTERM into a kill (-15)."""
    done = subprocess.run(
        [sys.executable, "-c", ENDED, str(int(signum)), str(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == code, done
    assert done.stdout == "summary\n"  # flushed, and nothing after the signal ran
    name = signal.Signals(signum).name
    assert done.stderr == (
        f"adsim: {name} while adsim was ending, after the command had ended: exit {code}, "
        "its own result\n"
    )


LATE_IN_ADSIM = textwrap.dedent(
    """
    import atexit, os, signal, sys

    signal.signal(signal.SIGINT, signal.default_int_handler)  # a test worker may ignore it
    signum = int(sys.argv[1])
    sys.argv = ["adsim", "demo", "--journal", ":memory:"]
    import simulator.cli
    from simulator.entry_point import main

    command = simulator.cli._run

    def _run(*args, **kwargs):
        # Registered as the command runs (a library it imports, a plugin): runs in Python's
        # exit before adsim's own last one, which ignores the stop signals from there on.
        atexit.register(os.kill, os.getpid(), signum)
        return command(*args, **kwargs)

    simulator.cli._run = _run
    raise SystemExit(main())
    """
)


@posix_only
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_adsims_own_end_after_a_pass_keeps_the_pass(signum):
    """``adsim demo`` passes; the signal comes in Python's exit (``atexit``), after main()."""
    done = subprocess.run(
        [sys.executable, "-c", LATE_IN_ADSIM, str(int(signum))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done
    assert "Traceback" not in done.stderr, done.stderr
    name = signal.Signals(signum).name
    assert done.stderr.endswith(
        f"adsim: {name} while adsim was ending, after the command had ended: exit 0, its "
        "own result\n"
    ), done.stderr


LEFT_THE_COMMAND = textwrap.dedent(
    """
    import os, signal, sys
    from simulator import interrupts

    signal.signal(signal.SIGINT, signal.default_int_handler)  # a test worker may ignore it
    signal.signal(signal.SIGTERM, signal.SIG_DFL)

    def command():
        os.kill(os.getpid(), signal.SIGINT)  # the stop
        while True:
            pass

    with interrupts.stop_on_signals(exit_after_stop=True, command=command.__code__):
        try:
            command()
        except KeyboardInterrupt:
            # Another signal while the stop is handled, out of the command and still in the
            # block: it escaped everything and Python ended the process with SIGINT (-2).
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(10_000_000):
                pass
    print("not reached", flush=True)
    """
)


@posix_only
def test_a_signal_after_a_stop_left_the_command_keeps_the_stops_code():
    """``test_cli_conditions``' stuck-handler test sends signals until adsim ends: one that came
    once the stop had left the command, before the block let go, ended adsim killed by SIGINT
    (-2) now and then under load, not 130."""
    done = subprocess.run(
        [sys.executable, "-c", LEFT_THE_COMMAND],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 128 + signal.SIGINT, done.stderr
    assert "not reached" not in done.stdout
    assert "Traceback" not in done.stderr
