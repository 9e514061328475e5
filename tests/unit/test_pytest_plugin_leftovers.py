"""The ``adsim`` fixture and a handler plugin that leaves a thread running (thread isolation,
the fixture's default): a thread that is not a daemon kept the pytest session from exiting
after its summary, for ever (a CI job hung until its own timeout). The test now errors at its
teardown naming the thread, and the session exits with its status."""

from __future__ import annotations

pytest_plugins = ["pytester"]

NO_QT = ("-p", "no:pytest-qt", "-p", "no:cacheprovider")
LIMIT = 120.0  # a guard: a hang fails this test rather than the suite

WORKER = """
import queue
import threading

WORK = queue.Queue()


def work():
    while WORK.get() is not None:
        pass


def register(ad_api):
    threading.Thread(target=work, name="crm-worker").start()  # not a daemon
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", WORK.put)
"""

CLOSES = (
    WORKER
    + """

def close():
    WORK.put(None)  # the worker ends: nothing is left running
"""
)

DAEMON = WORKER.replace('name="crm-worker")', 'name="crm-worker", daemon=True)')

POOL = """
import concurrent.futures

POOL = concurrent.futures.ThreadPoolExecutor(thread_name_prefix="crm-pool")


def register(ad_api):
    POOL.submit(print, "connected")  # a worker stays: Python ends it at exit
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: POOL.submit(print, "saved"))
"""

TEST = """
import pytest

pytestmark = pytest.mark.adsim(handlers=["crm_worker.py"])


def test_login(adsim):
    adsim.login()


def test_login_again(adsim):
    adsim.login()
"""


def test_a_worker_left_running_errors_at_teardown_and_the_session_exits(pytester):
    pytester.makepyfile(crm_worker=WORKER, test_w=TEST)
    result = pytester.runpytest_subprocess(*NO_QT, timeout=LIMIT)  # before: never returned
    result.assert_outcomes(passed=2, errors=2)
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_login*",
            "adsim: thread(s) crm-worker started during this test (by a handler plugin's "
            "register() or a handler) still running 0.5 s after it, and not daemons: the test "
            "process could never exit. End them in the plugin's close() *",
        ]
    )
    assert "During handling of the above exception" not in result.stdout.str()


def test_a_worker_its_close_hook_ends_is_no_problem(pytester):
    pytester.makepyfile(crm_worker=CLOSES, test_w=TEST)
    result = pytester.runpytest_subprocess(*NO_QT, timeout=LIMIT)
    result.assert_outcomes(passed=2)
    assert result.ret == 0


def test_a_daemon_worker_is_no_problem(pytester):
    pytester.makepyfile(crm_worker=DAEMON, test_w=TEST)
    result = pytester.runpytest_subprocess(*NO_QT, timeout=LIMIT)
    result.assert_outcomes(passed=2)
    assert result.ret == 0


def test_a_thread_pools_workers_are_no_problem(pytester):
    pytester.makepyfile(crm_worker=POOL, test_w=TEST)
    result = pytester.runpytest_subprocess(*NO_QT, timeout=LIMIT)
    result.assert_outcomes(passed=2)
    assert result.ret == 0
