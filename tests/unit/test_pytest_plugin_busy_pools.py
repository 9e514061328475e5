"""The ``adsim`` fixture and a handler plugin that leaves a ``concurrent.futures`` pool's worker
busy (thread isolation, the fixture's default: the pool is in the test process). Python's exit
waits for the worker's task, or its pool's ``initializer``: the pytest process waited after its
summary with nothing said, for ever were the work stuck (a CI job with every test passed hung
until its own timeout). The session's end now gives it the grace ``adsim run`` gives, then
names it in the summary, fails the session and ends the process rather than wait; only a
handler plugin's work, never a test's own pool, and never work done within the grace."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

NO_QT = ("-p", "no:pytest-qt", "-p", "no:cacheprovider")
LIMIT = 120.0  # a guard: a hang fails this test rather than the suite

STUCK_TASK = """
import concurrent.futures
import threading

POOL = concurrent.futures.ThreadPoolExecutor(thread_name_prefix="crm-pool")
NEVER = threading.Event()


def register(ad_api):
    ad_api.on("ON_LOGIN", lambda *args: POOL.submit(NEVER.wait))
"""

STUCK_INITIALIZER = """
import concurrent.futures
import threading

HELD = threading.Lock()
HELD.acquire()
# Lock.acquire is C code: the worker's innermost Python frame is the pool's own loop.
POOL = concurrent.futures.ThreadPoolExecutor(
    thread_name_prefix="crm-pool", initializer=HELD.acquire
)


def register(ad_api):
    ad_api.on("ON_LOGIN", lambda *args: POOL.submit(print, "logged in"))
"""

STUCK_IN_PLUGIN_CODE = """
import concurrent.futures
import threading

NEVER = threading.Event()


def upload(*args):
    NEVER.wait()  # a CRM call with no timeout


def register(ad_api):
    pool = concurrent.futures.ThreadPoolExecutor(thread_name_prefix="crm-pool")  # no global
    ad_api.on("ON_LOGIN", lambda *args: pool.submit(upload))
"""

# Stuck until something the test sets: the session's end (conftest below) or never.
RELEASED = STUCK_TASK

TEST = """
import pytest

pytestmark = pytest.mark.adsim(handlers=["crm_pool.py"])


def test_login(adsim):
    adsim.login()
"""

ENDING = (
    "adsim: thread(s) crm-pool_0 still busy with a handler plugin's work: the process ends here*"
)


def _named(busy: str, status: int) -> str:
    ends = "ends interrupted" if status == pytest.ExitCode.INTERRUPTED else "fails"
    return (
        f"adsim: thread(s) *crm-pool_0 (a worker of a concurrent.futures thread pool, its {busy} "
        "not done) busy with a handler plugin's work still running 0.5 s after the session's "
        "tests: Python's exit waits for such a worker, for ever were its work stuck; the "
        f"session {ends} (exit status {status}). End the work and call the pool's shutdown() in "
        "the plugin's close()"
    )


@pytest.mark.parametrize(
    ("plugin", "busy"),
    [(STUCK_TASK, "task"), (STUCK_INITIALIZER, "initializer"), (STUCK_IN_PLUGIN_CODE, "task")],
    ids=["task-in-its-pool", "initializer-in-its-pool", "its-function-in-a-pool"],
)
def test_a_pool_worker_a_plugin_left_busy_fails_the_session_and_it_ends(pytester, plugin, busy):
    pytester.makepyfile(crm_pool=plugin, test_w=TEST)
    result = pytester.runpytest_subprocess(*NO_QT, timeout=LIMIT)  # before: never returned
    result.assert_outcomes(passed=1)
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        ["*adsim: a handler plugin's pool worker still busy*", _named(busy, 1)]
    )
    result.stderr.fnmatch_lines([ENDING.replace("*", " with exit status 1 *")])


def test_under_xdist_the_controller_says_it_and_fails(pytester):
    """A worker process's exit status never reaches the controller: the controller decides
    with what the worker process found."""
    pytester.makepyfile(crm_pool=STUCK_TASK, test_w=TEST)
    result = pytester.runpytest_subprocess(*NO_QT, "-p", "xdist", "-n", "1", timeout=LIMIT)
    result.assert_outcomes(passed=1)
    assert result.ret == 1
    result.stdout.fnmatch_lines([_named("task", 1).replace("*crm", "[[]gw0] crm")])


def test_a_pool_of_the_tests_own_still_busy_at_the_end_is_not_the_plugins(pytester):
    """The test's own pool, busy past the session's end (until Python's exit), fails nothing
    and is named nowhere, beside a handler plugin with a pool of its own: it failed a healthy
    session, blamed on "a handler plugin"."""
    pytester.makepyfile(crm_pool=STUCK_TASK.replace("POOL.submit(NEVER.wait)", "None"))
    pytester.makeconftest(
        """
        import concurrent.futures
        import threading

        import pytest

        POOL = concurrent.futures.ThreadPoolExecutor(thread_name_prefix="test-pool")
        RELEASE = threading.Event()


        @pytest.fixture
        def busy_pool():
            POOL.submit(RELEASE.wait)
            # Its work ends as Python exits, before Python waits for the pools' workers
            # (threading's exit functions run last registered first).
            threading._register_atexit(RELEASE.set)
        """
    )
    pytester.makepyfile(
        test_w="""
        import pytest

        @pytest.mark.adsim(handlers=["crm_pool.py"])
        def test_login(adsim, busy_pool):
            adsim.login()
        """
    )
    result = pytester.runpytest_subprocess(*NO_QT, timeout=LIMIT)
    result.assert_outcomes(passed=1)
    assert result.ret == 0, result.stdout.str() + result.stderr.str()
    assert "adsim: thread(s)" not in result.stdout.str() + result.stderr.str()


def test_a_worker_done_by_the_last_step_is_named_but_does_not_end_the_process(pytester):
    """Busy at the session's end, it fails the session, as the summary says; done by the last
    step, the process exits on its own (Python's exit handlers run), and no line says it ends
    the process."""
    pytester.makepyfile(crm_pool=STUCK_TASK, test_w=TEST)
    pytester.makeconftest(
        """
        def pytest_unconfigure(config):
            import crm_pool

            crm_pool.NEVER.set()
            crm_pool.POOL.shutdown(wait=True)  # done, before adsim's last step
        """
    )
    result = pytester.runpytest_subprocess(*NO_QT, timeout=LIMIT)
    assert result.ret == 1
    result.stdout.fnmatch_lines([_named("task", 1)])
    assert "the process ends here" not in result.stderr.str()


def test_a_pytester_session_inside_a_test_leaves_the_sessions_own_end_alone(pytester):
    """A pytester session run inside a test cleared what the enclosing session had found: its
    end no longer saw the stuck worker and waited for it for ever."""
    pytester.makepyfile(crm_pool=STUCK_TASK)
    pytester.makepyfile(
        test_w="""
        import pytest

        pytest_plugins = ["pytester"]


        @pytest.mark.adsim(handlers=["crm_pool.py"])
        def test_login(adsim):
            adsim.login()


        def test_inner_session(pytester):
            pytester.makepyfile(test_inner="def test_nothing():\\n    pass\\n")
            pytester.inline_run("-p", "no:pytest-qt", "-p", "no:cacheprovider").assertoutcome(
                passed=1
            )
        """
    )
    result = pytester.runpytest_subprocess(*NO_QT, timeout=LIMIT)  # before: never returned
    result.assert_outcomes(passed=2)
    assert result.ret == 1
    result.stdout.fnmatch_lines([_named("task", 1)])
    result.stderr.fnmatch_lines([ENDING])


INTERRUPTED_TEST = """
import pytest

pytestmark = pytest.mark.adsim(handlers=["crm_pool.py"])


def test_login(adsim):
    adsim.login()
    raise KeyboardInterrupt  # what Ctrl-C raises in the test
"""


def test_after_ctrl_c_a_stuck_worker_is_named_and_the_session_ends_interrupted(pytester):
    pytester.makepyfile(crm_pool=STUCK_TASK, test_w=INTERRUPTED_TEST)
    result = pytester.runpytest_subprocess(*NO_QT, timeout=LIMIT)  # before: never returned
    assert result.ret == pytest.ExitCode.INTERRUPTED, result.stdout.str() + result.stderr.str()
    result.stdout.fnmatch_lines([_named("task", 2)])
    result.stderr.fnmatch_lines([ENDING.replace("*", " with exit status 2 *")])


@pytest.mark.parametrize("interrupted", [False, True], ids=["passed", "ctrl-c"])
def test_work_done_as_the_session_ends_is_named_nowhere(pytester, interrupted):
    """A plugin's task that ends as the session ends (its event set as adsim first looks at
    it) gets the grace, after Ctrl-C too: it was named as stuck after Ctrl-C."""
    pytester.makepyfile(crm_pool=RELEASED, test_w=INTERRUPTED_TEST if interrupted else TEST)
    pytester.makeconftest(
        """
        from simulator.handlers import leftover_threads

        looks = leftover_threads.idle


        def idle(thread):
            import crm_pool

            crm_pool.NEVER.set()  # as adsim first looks at a pool's worker: the session's end
            return looks(thread)


        leftover_threads.idle = idle
        """
    )
    result = pytester.runpytest_subprocess(*NO_QT, timeout=LIMIT)
    expected = pytest.ExitCode.INTERRUPTED if interrupted else pytest.ExitCode.OK
    assert result.ret == expected, result.stdout.str() + result.stderr.str()
    assert "crm-pool" not in result.stdout.str() + result.stderr.str()
