"""Whose is a ``concurrent.futures`` pool's worker still busy at the pytest session's end
(``leftover_owners.pool_work_of``): who started it, told without running anyone's code, for
every harness; and the session's end (``session_end.finish``) that never raises nor loses a
Ctrl-C. See test_pytest_plugin_busy_pools.py for the rest."""

from __future__ import annotations

import importlib.util
import sys
import types

import pytest

from simulator.handlers import leftover_owners
from tests.unit.test_pytest_plugin_busy_pools import (
    ENDING,
    LIMIT,
    NO_QT,
    STUCK_TASK,
    TEST,
    _named,
)

pytest_plugins = ["pytester"]


class _Touchy(types.ModuleType):
    """A module whose attributes are computed: any read of one is its code."""

    def __getattr__(self, name: str) -> object:
        raise RuntimeError(f"lazy module {name} touched")


def test_the_modules_imported_are_read_without_running_their_code(monkeypatch, tmp_path):
    """``getattr(module, "__file__")`` over sys.modules ran a module's ``__getattr__`` (its
    exception escaped the session's end: a traceback, then a hang) and imported a module
    ``importlib.util.LazyLoader`` left to load."""
    ran: list[str] = []
    heavy = tmp_path / "heavy_for_owners.py"
    heavy.write_text("import builtins\nbuiltins.__dict__['_adsim_heavy_ran'] = True\n")
    spec = importlib.util.spec_from_file_location("heavy_for_owners", heavy)
    assert spec is not None and spec.loader is not None
    spec.loader = importlib.util.LazyLoader(spec.loader)
    lazy = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lazy)

    class Odd:
        def __getattribute__(self, name: str) -> object:
            ran.append(name)
            raise RuntimeError(name)

    touchy = _Touchy("touchy")
    monkeypatch.setitem(sys.modules, "heavy_for_owners", lazy)
    monkeypatch.setitem(sys.modules, "touchy_for_owners", touchy)
    monkeypatch.setitem(sys.modules, "odd_for_owners", Odd())  # type: ignore[arg-type]
    found = leftover_owners._plugin_modules([], lambda file: file == str(heavy))
    assert ran == []
    assert not hasattr(__import__("builtins"), "_adsim_heavy_ran")
    assert all(module is not vars(touchy) for module in found)


def test_an_objects_attributes_are_read_without_its_classs_dict_property():
    ran: list[str] = []

    class Client:
        @property
        def __dict__(self) -> dict[str, object]:  # type: ignore[override]
            ran.append("__dict__")
            return {"pool": None}

    class Plain:
        def __init__(self) -> None:
            self.pool = "held"

    assert leftover_owners._attributes(Client()) == []
    assert ran == []
    assert leftover_owners._attributes(Plain()) == ["held"]


WEIRD_CONFTEST = """
import sys
import types


class Touchy(types.ModuleType):
    def __getattr__(self, name):
        raise RuntimeError(f"lazy module {name} touched")


sys.modules["touchy"] = Touchy("touchy")
"""


def test_a_module_that_raises_on_reading_does_not_stop_the_sessions_end(pytester):
    pytester.makepyfile(crm_pool=STUCK_TASK, test_w=TEST)
    pytester.makeconftest(WEIRD_CONFTEST)
    result = pytester.runpytest_subprocess(*NO_QT, timeout=LIMIT)  # before: a traceback, hung
    assert result.ret == 1, result.stdout.str() + result.stderr.str()
    result.stdout.fnmatch_lines([_named("task", 1)])
    result.stderr.fnmatch_lines([ENDING])
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


def test_a_tests_own_pool_running_a_plugins_function_is_not_the_plugins(pytester):
    """What a worker runs tells nothing of whose it is: the test's own pool running the
    plugin's function (released as Python exits) failed a healthy session."""
    pytester.makepyfile(
        crm_pool="""
        import threading

        RELEASE = threading.Event()


        def sync_all():
            RELEASE.wait()


        def register(ad_api):
            pass
        """,
        test_w="""
        import concurrent.futures
        import threading

        import pytest

        import crm_pool

        OWN = concurrent.futures.ThreadPoolExecutor(thread_name_prefix="test-pool")


        @pytest.mark.adsim(handlers=["crm_pool.py"])
        def test_login(adsim):
            adsim.login()
            OWN.submit(crm_pool.sync_all)  # the test's own pool
            threading._register_atexit(crm_pool.RELEASE.set)  # ends as Python exits
        """,
    )
    result = pytester.runpytest_subprocess(*NO_QT, timeout=LIMIT)
    assert result.ret == 0, result.stdout.str() + result.stderr.str()
    assert "adsim: thread(s)" not in result.stdout.str() + result.stderr.str()


LOCAL_POOL_IN_C_CODE = """
import concurrent.futures
import threading

NEVER = threading.Event()  # stands for requests.post(url) with no timeout


def register(ad_api):
    pool = concurrent.futures.ThreadPoolExecutor(thread_name_prefix="crm-pool")  # no global
    ad_api.on("ON_LOGIN", lambda *args: pool.submit(NEVER.wait))
"""


def test_a_pool_local_to_register_stuck_in_c_code_is_the_plugins(pytester):
    """No frame of the plugin's on the worker's stack, its pool bound to no name: the plugin
    started it. It was missed, and Python's exit waited for it for ever."""
    pytester.makepyfile(crm_pool=LOCAL_POOL_IN_C_CODE, test_w=TEST)
    result = pytester.runpytest_subprocess(*NO_QT, timeout=LIMIT)  # before: never returned
    assert result.ret == 1, result.stdout.str() + result.stderr.str()
    result.stdout.fnmatch_lines([_named("task", 1)])
    result.stderr.fnmatch_lines([ENDING])


def test_a_harness_of_the_tests_own_fixture_is_looked_at_too(pytester):
    """``AdsimHarness`` built in a fixture of the user's (docs/pytest.md): its plugins were
    never looked at, and Python's exit waited for the stuck worker for ever."""
    pytester.makepyfile(
        crm_pool=STUCK_TASK,
        test_own="""
        import pytest

        from simulator.testing import AdsimHarness


        @pytest.fixture
        def desk():
            harness = AdsimHarness(handlers=["crm_pool.py"])
            yield harness
            harness.close()


        def test_login(desk):
            desk.login()
        """,
    )
    result = pytester.runpytest_subprocess(*NO_QT, timeout=LIMIT)  # before: never returned
    assert result.ret == 1, result.stdout.str() + result.stderr.str()
    result.stdout.fnmatch_lines([_named("task", 1)])
    result.stderr.fnmatch_lines([ENDING])


SIGINT_AT = """
import os
import signal

from simulator.handlers import {module}

looks = {module}.{name}
CALLS = []


def {name}(*args):
    CALLS.append(1)
    if len(CALLS) == {at}:  # {when}
        os.kill(os.getpid(), signal.SIGINT)
    return looks(*args)


{module}.{name} = {name}
"""


@pytest.mark.parametrize(
    ("module", "name", "at", "when"),
    [
        ("leftover_threads", "idle", 6, "inside the grace"),
        ("leftover_owners", "loaded_since", 2, "at the session's end, before the grace"),
    ],
    ids=["in-the-grace", "before-it"],
)
@pytest.mark.usefixtures("sigint_heard")  # a CI job started in the background ignores it
def test_ctrl_c_at_the_sessions_end_ends_it_interrupted(pytester, module, name, at, when):
    """A Ctrl-C in the grace was noted and lost (exit status 1); just before it, it raised out
    of pytest's session end, and the process hung."""
    pytester.makepyfile(crm_pool=STUCK_TASK, test_w=TEST)
    pytester.makeconftest(SIGINT_AT.format(module=module, name=name, at=at, when=when))
    result = pytester.runpytest_subprocess(*NO_QT, timeout=LIMIT)  # before: 1, or never
    assert result.ret == pytest.ExitCode.INTERRUPTED, result.stdout.str() + result.stderr.str()
    result.stdout.fnmatch_lines([_named("task", 2)])
    result.stderr.fnmatch_lines([ENDING.replace("*", " with exit status 2 *")])
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


LOOK_FAILS = """
from simulator.handlers import leftover_owners


def pool_work_of(thread, plugins):
    raise RuntimeError("odd")


leftover_owners.pool_work_of = pool_work_of


def pytest_sessionfinish(session):
    import threading

    import crm_pool

    threading._register_atexit(crm_pool.NEVER.set)  # as Python exits: it can
"""

LOOK_FAILED = (
    "adsim: the look at handler plugins' pool workers failed (RuntimeError(*odd*)); skipped"
)


UNOWNED = (
    "adsim: thread(s) crm-pool_0 (a worker of a concurrent.futures thread pool, its task not "
    "done) still busy at the session's end, whose adsim could not tell (the look failed): "
    "Python's exit waits for them, for ever were their work stuck"
)


def test_the_look_at_the_pools_failing_is_one_line(pytester):
    """What it raised escaped pytest's session end: a traceback, and pytest skipped its last
    step (a stuck worker: the process hung)."""
    pytester.makepyfile(crm_pool=STUCK_TASK, test_w=TEST)
    pytester.makeconftest(LOOK_FAILS)
    result = pytester.runpytest_subprocess(*NO_QT, timeout=LIMIT)
    assert result.ret == 0, result.stdout.str() + result.stderr.str()
    # Whose the busy worker is is not known: said, not ended (Python's exit waits for it).
    result.stderr.fnmatch_lines([LOOK_FAILED, UNOWNED])
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


def test_under_xdist_the_look_failing_names_the_worker_process(pytester):
    pytester.makepyfile(crm_pool=STUCK_TASK, test_w=TEST)
    pytester.makeconftest(LOOK_FAILS)
    result = pytester.runpytest_subprocess(*NO_QT, "-p", "xdist", "-n", "1", timeout=LIMIT)
    assert result.ret == 0, result.stdout.str() + result.stderr.str()
    result.stderr.fnmatch_lines(["[[]gw0] " + LOOK_FAILED])


def test_pytest_exit_with_0_and_a_stuck_worker_fails_and_is_no_interruption(pytester):
    pytester.makepyfile(
        crm_pool=STUCK_TASK,
        test_w=TEST + "    pytest.exit('done early', returncode=0)\n",
    )
    result = pytester.runpytest_subprocess(*NO_QT, timeout=LIMIT)
    assert result.ret == 1, result.stdout.str() + result.stderr.str()
    result.stdout.fnmatch_lines([_named("task", 1)])  # "the session fails", not interrupted
    result.stderr.fnmatch_lines([ENDING.replace("*", " with exit status 1 *")])


def test_under_xdist_a_worker_processs_line_on_stderr_names_it(pytester):
    pytester.makepyfile(crm_pool=STUCK_TASK, test_w=TEST)
    result = pytester.runpytest_subprocess(*NO_QT, "-p", "xdist", "-n", "1", timeout=LIMIT)
    assert result.ret == 1
    result.stderr.fnmatch_lines(["[[]gw0] " + ENDING])
