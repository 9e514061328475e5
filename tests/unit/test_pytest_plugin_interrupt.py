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
