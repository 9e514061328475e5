"""Ctrl-C in a test whose handler is stuck (a CRM call with no timeout): the session stops at
once. The ``adsim`` fixture's teardown waited for the stuck handler up to its timeout plus 1 s
(``handler_timeout=600``: ten minutes of a session that looked hung, then ``KeyboardInterrupt``
pointing inside ``threading.py``)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

NO_QT = ("-p", "no:pytest-qt", "-p", "no:cacheprovider")

STUCK = """
import threading

NEVER = threading.Event()


def register(ad_api):
    ad_api.on("ON_NEW_INTERACTION", lambda interaction: NEVER.wait())
"""


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_ctrl_c_while_a_handler_is_stuck_ends_the_session_without_waiting_for_it(
    pytester, isolation
):
    pytester.makepyfile(stuck=STUCK)
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.adsim(
            handlers=["stuck.py"], handler_timeout=600, handler_isolation="{isolation}"
        )
        def test_first(adsim):
            adsim.login()
            adsim.set_agent_state("ready")
            adsim.sim.offer_call("Sales")  # the simulator's own: the handler starts, stuck
            raise KeyboardInterrupt  # what Ctrl-C raises in the test

        def test_second():
            pass
        """
    )
    # Far below the 601 s the teardown waited; far above what stopping takes on a busy machine.
    result = pytester.runpytest_subprocess(*NO_QT, timeout=120)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert "test_second" not in result.stdout.str()


def test_a_second_ctrl_c_while_pytest_reports_the_first_still_tears_down_without_waiting(
    pytester,
):
    """The second Ctrl-C lands while pytest reports the first, before the plugin's
    ``pytest_keyboard_interrupt`` ran: the teardown took the session for one that was not
    interrupted and waited for the stuck handler up to its timeout, both Ctrl-Cs spent (the
    session hung ten minutes). Here the teardown's ``close`` is asked whether to wait, and never
    waits whatever it is told (the handler is not stuck; nothing here takes time)."""
    closes = pytester.path / "closes.txt"
    pytester.makeconftest(
        f"""
        import pytest

        from simulator.testing import harness

        real = harness.AdsimHarness.close


        def close(self, *, wait=True):
            with open({str(closes)!r}, "a") as told:
                told.write(f"wait={{wait}}\\n")
            real(self, wait=False)


        harness.AdsimHarness.close = close


        @pytest.hookimpl(tryfirst=True)
        def pytest_keyboard_interrupt(excinfo):
            raise KeyboardInterrupt  # the second Ctrl-C, while pytest reports the first
        """
    )
    pytester.makepyfile(
        """
        def test_first(adsim):
            adsim.login()
            raise KeyboardInterrupt  # what Ctrl-C raises in the test

        def test_second():
            pass
        """
    )
    result = pytester.runpytest_subprocess(*NO_QT, timeout=120)
    assert closes.read_text() == "wait=False\n", result.stdout.str() + result.stderr.str()
    assert "test_second" not in result.stdout.str()


def test_a_second_ctrl_c_while_the_teardown_ends_the_plugins_lets_it_end_them(pytester):
    """The second Ctrl-C lands while the ``adsim`` teardown ends the plugins after the first
    (waiting for nothing, a second or so): it cut that close half-way (plugins left open) and
    left pytest's session end with it, skipping the step that ends a thread a plugin left
    running, on which pytest then waited for ever. Here it is sent to the main thread from the
    close itself: the close ends, then the session, interrupted, as after one Ctrl-C."""
    closes = pytester.path / "closes.txt"
    pytester.makeconftest(
        f"""
        import signal

        from simulator.testing import harness

        real = harness.AdsimHarness.close


        def close(self, *, wait=True):
            signal.raise_signal(signal.SIGINT)  # the second Ctrl-C
            real(self, wait=wait)
            with open({str(closes)!r}, "a") as told:
                told.write(f"closed, wait={{wait}}\\n")


        harness.AdsimHarness.close = close
        """
    )
    pytester.makepyfile(
        """
        def test_first(adsim):
            adsim.login()
            raise KeyboardInterrupt  # what the first Ctrl-C raises in the test

        def test_second():
            pass
        """
    )
    result = pytester.runpytest_subprocess(*NO_QT, timeout=120)
    assert closes.read_text() == "closed, wait=False\n", result.stdout.str() + result.stderr.str()
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*! KeyboardInterrupt !*"])
    assert "test_second" not in result.stdout.str()


POLLER = """
import threading

FOREVER = threading.Event()


def register(ad_api):
    threading.Thread(target=FOREVER.wait, name="crm-poller").start()  # not a daemon
"""


def test_a_second_ctrl_c_with_a_thread_a_plugin_left_running_ends_the_session_interrupted(
    pytester,
):
    """The second Ctrl-C lands while pytest reports the first: pytest ends the session with 0,
    and the process, ended over the thread a plugin left running, exited 1 saying nothing."""
    pytester.makepyfile(poller=POLLER)
    pytester.makeconftest(
        """
        import pytest


        @pytest.hookimpl(tryfirst=True)
        def pytest_keyboard_interrupt():
            raise KeyboardInterrupt  # the second Ctrl-C
        """
    )
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.adsim(handlers=["poller.py"], handler_isolation="thread")
        def test_first(adsim):
            raise KeyboardInterrupt  # what the first Ctrl-C raises in the test
        """
    )
    result = pytester.runpytest_subprocess(*NO_QT, timeout=120)
    assert result.ret == pytest.ExitCode.INTERRUPTED, result.stdout.str() + result.stderr.str()
    result.stderr.fnmatch_lines(
        ["adsim: *: thread(s) crm-poller that a handler plugin started still running, *"]
    )


def test_pytest_exit_with_0_and_a_thread_a_plugin_left_running_fails_and_is_no_interruption(
    pytester,
):
    """``pytest.exit(returncode=0)`` is a test's own end, not Ctrl-C: the process, ended over
    the thread a plugin left running (pytest would wait for it for ever), said it was
    interrupted and exited 2."""
    pytester.makepyfile(poller=POLLER)
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.adsim(handlers=["poller.py"], handler_isolation="thread")
        def test_first(adsim):
            pytest.exit("done early", returncode=0)
        """
    )
    result = pytester.runpytest_subprocess(*NO_QT, timeout=120)
    assert result.ret == pytest.ExitCode.TESTS_FAILED, result.stdout.str() + result.stderr.str()
    result.stderr.fnmatch_lines(
        [
            "adsim: pytest.exit ended the session: thread(s) crm-poller that a handler plugin "
            "started still running, not daemons (pytest would wait for them for ever): the "
            "process ends here with exit status 1"
        ]
    )
    assert "interrupted" not in result.stderr.str()
