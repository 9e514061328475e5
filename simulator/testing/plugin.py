"""The pytest plugin (entry point ``pytest11: adsim``): fixtures, options and markers only.

Active whenever agent-desktop-simulator is installed; it imports no Qt at load time (the window
fixture imports it inside its body), so Qt-free test suites are not affected.

Options and ini keys::

    --adsim-handler PATH       a handler plugin (file, directory or module name); repeatable
    adsim_handlers = ...       the same in the ini file (paths relative to the ini file)
    adsim_seed = 0             the seed of the simulator fixtures
    adsim_handler_timeout = 5  seconds before a handler call is reported as api_not_answer
    adsim_api_version = 5.19   the adApi version (5.19, 5.24.1 or 2026; over scenario files')
    adsim_handler_isolation = thread   or process: each plugin in a process of its own
    adsim_handler_failures = fail   a handler failure the test did not check fails it (or allow)

Marker: ``@pytest.mark.adsim(seed=..., handlers=[...], ...)`` overrides them for one test.

A handler that raised, timed out, crashed or answered junk during a test fails it at its
teardown, unless the test read ``adsim.failures``, expected it or allowed it
(``simulator.testing.handler_failures``); so does an ``adsim_scenario`` run that failed, unless
the test read its verdict. A failed test's report also says when no handler was called, or
what of a handler module the handler's process does not share it read or patched
(``failure_notes``). Handlers are imported as modules (``simulator.testing.imports``): a test and
its handler share the module's state. Each pytest-xdist worker has its own."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
from collections.abc import Callable, Generator, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from simulator import interrupts, numbers
from simulator.file_args import file_name
from simulator.testing import failure_notes, ini_options, session_end, slow_loads, terminal
from simulator.testing.configuration import (
    argument,
    check_scenario_path,
    fixture_options,
    usage_error,
    where_else,
)
from simulator.testing.handler_failures import how_it_stopped, report, unjudged_runs

__all__ = [
    "adsim",
    "adsim_scenario",
    "adsim_window",
    "pytest_addhooks",
    "pytest_addoption",
    "pytest_configure",
    "pytest_runtest_makereport",
]


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    """Loaded under one of its names, the entry point ``adsim`` or the module's own, naming it
    by the other (``pytest_plugins = ["simulator.testing.plugin"]`` in a conftest, ``-p
    simulator.testing.plugin``) is a no-op, as naming any plugin already loaded is: pytest
    stopped with "Plugin already registered under a different name" and a page of its state."""
    mine = pluginmanager.get_name(sys.modules[__name__])
    for other in (_ENTRY_POINT, __name__):
        if other != mine and pluginmanager.get_plugin(other) is None:
            pluginmanager.set_blocked(other)  # pytest skips a blocked name


_ENTRY_POINT = "adsim"
"""The plugin's ``pytest11`` entry point (``-p no:adsim``)."""


def pytest_addoption(parser: pytest.Parser) -> None:
    """The ``adsim`` options and ini keys."""
    group = parser.getgroup("adsim", "agent desktop simulator")
    group.addoption(
        "--adsim-handler",
        action="append",
        default=[],
        type=file_name,  # "" is the working directory: every *.py there would load
        metavar="PATH",
        dest="adsim_handlers",
        help="load this handler plugin into the adsim fixtures (file, directory or module)",
    )
    group.addoption(
        "--adsim-seed",
        type=numbers.seed,  # the seed rule of adsim's --seed and scenario files
        default=None,
        metavar="N",
        help="seed of the adsim fixtures",
    )
    parser.addini("adsim_handlers", "handler plugins for the adsim fixtures", type="linelist")
    parser.addini("adsim_seed", "seed of the adsim fixtures", default="0")
    parser.addini(
        "adsim_handler_timeout", "handler timeout in seconds (adsim fixtures)", default="5"
    )
    parser.addini(
        "adsim_handler_isolation",
        "where the adsim fixtures' handler plugins run: thread (default, in the test's "
        "process) or process (each in its own supervised process)",
        default="thread",
    )
    parser.addini(
        "adsim_api_version",
        "adApi version of the adsim fixtures: 5.19, 5.24.1 or 2026 (default: 5.19, or a "
        "scenario file's api_version:)",
        default="",
    )
    parser.addini(
        "adsim_handler_failures",
        "fail (default): a handler call that failed during a test (raised, timed out, "
        "crashed) and that the test did not check in adsim.failures fails it; allow: not",
        default="fail",
    )


_EXIT_STATUS: list[int] = [0]
"""The session's exit status, for ``pytest_unconfigure``."""

_INTERRUPTED: list[bool] = [False]
"""Ctrl-C (or ``pytest.exit``) ended the session: the fixtures' teardown waits for nothing."""
_BY_EXIT: list[bool] = [False]
"""It was ``pytest.exit``, not Ctrl-C: its exit status is its own (``session_end``)."""


def pytest_keyboard_interrupt(excinfo: pytest.ExceptionInfo[BaseException]) -> None:
    """Called before the session's teardown: a handler stuck in a CRM call was waited for there,
    up to its timeout plus 1 s, and the session looked hung after Ctrl-C."""
    _INTERRUPTED[0] = True
    _BY_EXIT[0] = isinstance(excinfo.value, pytest.exit.Exception)


@pytest.hookimpl(trylast=True)  # after pytest's teardown of the test Ctrl-C stopped
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A pool's worker a handler plugin left busy fails the session (``session_end``); remember
    the session's exit status."""
    session_end.finish(session, interrupted=_INTERRUPTED[0] and not _BY_EXIT[0])
    _EXIT_STATUS[0] = int(session.exitstatus)


def _stop_capturing(config: pytest.Config) -> None:
    """Give stderr back (a handler plugin ends the process: ``simulator.handlers.exit_guard``)."""
    capture = config.pluginmanager.getplugin("capturemanager")
    if capture is not None:
        capture.suspend_global_capture(in_=False)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """The last step: a thread a handler plugin left running (not a daemon: its test failed at
    teardown, naming it; a pool's worker still busy, named at the session's end) would keep the
    process from exiting for ever; it ends here instead, with the session's exit status (2 after
    Ctrl-C, even when pytest was told 0) (``session_end``)."""
    interrupted, by_exit = _INTERRUPTED[0], _BY_EXIT[0]
    _INTERRUPTED[0] = _BY_EXIT[0] = False  # a pytester session run in this process is over
    teller = config.stash.get(_TELLER, None)
    if teller is not None:
        slow_loads.remove(teller)
    terminal.release(config)
    guard = sys.modules.get("simulator.handlers.exit_guard")
    if guard is not None:
        guard.before_saying[:] = [
            call for call in guard.before_saying if getattr(call, "args", ())[:1] != (config,)
        ]
    # After Ctrl-C: 2, even when a second one in pytest's own handling of it was told 0;
    # ``pytest.exit``'s own status otherwise (0 ends over a plugin's thread as 1: a failure).
    stopped = interrupted and not by_exit
    code = _EXIT_STATUS[0] or (pytest.ExitCode.INTERRUPTED if stopped else 0)
    session_end.end(config, code, interrupted=interrupted, by_exit=by_exit)
    watch = sys.modules.get("simulator.handlers.exit_watch")  # a plugin's endless atexit
    if watch is not None and watch.plugins_registered():
        watch.watch(_EXIT_STATUS[0], pytest=True)


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker; a handler plugin's ``os._exit`` is said past the capture."""
    _INTERRUPTED[0] = _BY_EXIT[0] = False
    ini_options.refuse_misspelt(config)
    session_end.opened(config)
    config.pluginmanager.register(session_end, "adsim-session-end")
    terminal.keep(config)  # before any test captures stderr (a set-up stuck is said there)
    teller: slow_loads.Teller = partial(_tell_if_slow, config)
    config.stash[_TELLER] = teller
    slow_loads.install(teller)  # wherever a plugin loads: set-up, adsim.agent(), a reload
    from simulator.handlers import exit_guard, exit_watch

    exit_guard.before_saying.append(partial(_stop_capturing, config))
    exit_watch.arm()  # before any handler plugin registers an atexit function
    _importable_before_collection(config)
    config.addinivalue_line(
        "markers",
        "adsim(seed=None, tenant=None, handlers=None, settings=None, handler_timeout=None, "
        "handler_isolation=None, api_version=None, handler_failures=None): "
        "configure the adsim fixtures for this test",
    )


def _importable_before_collection(config: pytest.Config) -> None:
    """The folders of the ini file's loose handler files on ``sys.path`` before collection, so
    the handler is imported by its name and a test's ``import crm_handler`` is its module: under
    plain ``pytest`` (no working directory on ``sys.path``) the handler ran as its own copy, and
    the import failed at collection (``No module named 'crm_handler'``) or, in a test, found a
    second copy. A mistake in them is reported at the set-up, as before."""
    base = Path(config.inipath).parent if config.inipath else Path(config.rootpath)
    paths = [base / spec for spec in config.getini("adsim_handlers")]
    if not paths:
        return
    from simulator.testing.imports import make_importable

    for path in paths:
        # A path the system refuses (too long, unreadable, a NUL) is the set-up's to report, in
        # the test's one line: raised here, it ended the session in a page of INTERNALERROR.
        with contextlib.suppress(OSError, ValueError):
            files = sorted(path.glob("*.py")) if path.is_dir() else [path]
            for file in files:
                if file.is_file() and not file.name.startswith("_"):
                    make_importable(file)


_TELLER = pytest.StashKey[slow_loads.Teller]()
_TEST = pytest.StashKey[str]()
"""The test that runs (its set-up, call and teardown), for a line about a stuck load."""


def _tell_if_slow(config: pytest.Config, what: str, after: float) -> Any:
    """A load still running ``after`` seconds in, said on the terminal, naming the test."""
    test = config.stash.get(_TEST, None)
    return terminal.told_if_slow(config, f"{test}: {what}" if test else what, after)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, Any, None]:
    """A test's set-up, call and teardown: what loads meanwhile is its."""
    item.config.stash[_TEST] = item.nodeid
    try:
        outcome = yield
    finally:
        del item.config.stash[_TEST]
    failed = outcome.excinfo  # pluggy's ``exception`` is newer than pytest 7's
    if failed is not None and issubclass(failed[0], KeyboardInterrupt):
        # Ctrl-C, said as soon as it leaves the test: a second one that lands while pytest
        # reports the first (before ``pytest_keyboard_interrupt``) skipped that hook, and the
        # teardown waited for a stuck handler up to its timeout (ten minutes) with both spent.
        _INTERRUPTED[0] = True


def pytest_assertrepr_compare(op: str, left: Any, right: Any) -> list[str] | None:
    """``assert adsim.failures == []``: each failed handler call on its own line, with the
    handler's ``file:line`` (pytest showed a clipped ``HandlerOutcome(...)`` repr)."""
    if op != "==" or "simulator.handlers.outcome" not in sys.modules:  # no outcome made yet
        return None
    from simulator.handlers.outcome import HandlerOutcome
    from simulator.testing.assertions import failed_calls_text

    for outcomes, other in ((left, right), (right, left)):
        if (
            isinstance(outcomes, list)
            and outcomes
            and all(isinstance(item, HandlerOutcome) for item in outcomes)
            and other == []
        ):
            calls = f"[{len(outcomes)} failed handler call(s)]"
            headline = f"{calls} == []" if outcomes is left else f"[] == {calls}"
            return [headline, *failed_calls_text(outcomes).splitlines()]
    return None


@pytest.fixture
def adsim(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A headless simulator (virtual clock) with the configured handlers loaded; a handler
    call that failed during the test fails it at teardown unless the test read
    ``adsim.failures``, wrapped it in ``adsim.expect_handler_failure()`` or allowed it
    (``@pytest.mark.adsim(handler_failures="allow")``).

    Call engine actions on it (``adsim.offer_call("Sales")``); each settles the handlers (and
    fails the test with ``HandlerLoopError`` when they keep acting on their own events). Read
    ``adsim.events``, ``adsim.records``, ``adsim.outcomes``, ``adsim.failures``."""
    from simulator.handlers.supervisor import DEFAULT_LOAD_TIMEOUT
    from simulator.testing.harness import (
        AdsimHarness,
        HandlerLoadError,
        LeftoverThreadError,
        PluginCloseError,
    )

    __tracebackhide__ = usage_error  # a mistake in the options: its one line
    not_loaded = None
    usage: str | None = None
    try:
        options = fixture_options(request)
    except pytest.UsageError as exc:
        usage = str(exc)
    if usage is not None:
        # Its one line, and no frame: raised, it showed the frame of whichever hook wrapper
        # stood around the set-up (pytest-qt's, a page of code under the line that says it).
        pytest.fail(f"UsageError: {usage}", pytrace=False)
    checked = options.pop("handler_failures") == "fail"
    what = "setting up adsim: a handler module's import or register()"
    try:
        with slow_loads.watched(what, DEFAULT_LOAD_TIMEOUT):
            harness = AdsimHarness(**options)
    except HandlerLoadError as exc:
        not_loaded = where_else(str(exc), request, options)
    if not_loaded is not None:  # outside the except: said once, not as a chain of two
        pytest.fail(f"adsim: a handler plugin did not load:\n{not_loaded}", pytrace=False)
    request.node.stash[_HARNESS] = harness
    request.node.stash[_BEFORE] = failure_notes.before(harness)  # what the test patches since
    if checked:
        request.node.stash[_CHECKED] = harness
    try:
        yield harness
    finally:
        problems = []
        try:
            if _INTERRUPTED[0]:
                # Waiting for nothing, a second or so: a Ctrl-C meanwhile lets it end (cut, it
                # left plugins open and the process could hang on a thread one left running).
                with interrupts.held_off():
                    harness.close(wait=False)
            else:
                harness.close()
        except (LeftoverThreadError, PluginCloseError) as exc:
            problems.append(str(exc))
        # At the teardown, not the end of the test's body: a fixture of the test's that checks
        # adsim.failures after its yield (its teardown runs before this one) has its say.
        calls, incidents = harness.ledger.unseen(harness.desks())
        if checked and not _INTERRUPTED[0] and (calls or incidents):
            problems.append(report(calls, incidents, request.node.stash.get(_STOPPED, None)))
        if request.node.stash.get(_PASSED, False) and not _INTERRUPTED[0]:
            problems += unjudged_runs(harness.unjudged_runs())
        if problems:  # the plugin's bug, said once (not as a chain of two)
            pytest.fail("\n".join(problems), pytrace=False)


_HARNESS, _BEFORE = pytest.StashKey[Any](), pytest.StashKey[Any]()
_PATCHED = pytest.StashKey[str | None]()
_CHECKED = pytest.StashKey[Any]()
"""The test's ``adsim`` harness, when handler failures it did not check fail it."""
_PASSED = pytest.StashKey[bool]()
"""The test's body passed (its report): a failed scenario run it did not check fails it."""


@pytest.hookimpl(hookwrapper=True, tryfirst=True)  # the outermost: the report as it ends
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    """A test that failed on its own: the handler failures it did not check are a section of
    its report, not a second error at its teardown. A test that skipped itself (``pytest.skip``,
    ``importorskip``, ``pytest.xfail``) or failed as its ``xfail`` marker expects has decided
    nothing about them: they fail it at its teardown, saying why (a skip showed them nowhere)."""
    outcome = yield
    report_ = outcome.get_result()
    if call.when == "call":
        item.stash[_PASSED] = report_.passed
        harness, before = item.stash.get(_HARNESS, None), item.stash.get(_BEFORE, None)
        if report_.failed and call.excinfo is not None:  # no handler called, a module's copy
            report_.sections += failure_notes.sections(harness, item, call.excinfo.value, before)
        else:  # failed by a handler at its teardown, once its monkeypatch is undone
            checked = item.stash.get(_CHECKED, None)
            item.stash[_PATCHED] = failure_notes.patched_safely(checked, item, before)
    elif call.when == "teardown":  # its harness let go (its simulator, hosts, journal)
        if report_.failed and item.stash.get(_PATCHED, None):
            report_.sections.append(("adsim: handler isolation", item.stash[_PATCHED]))
        item.stash[_HARNESS] = item.stash[_BEFORE] = item.stash[_CHECKED] = None
    harness = item.stash.get(_CHECKED, None)
    if harness is None or call.when != "call" or call.excinfo is None:
        return
    if not report_.failed:
        item.stash[_STOPPED] = how_it_stopped(report_, call.excinfo.value)
        return
    calls, incidents = harness.ledger.unseen(harness.desks())
    if calls or incidents:
        report_.sections.append(("adsim: handler failures", report(calls, incidents)))


_STOPPED = pytest.StashKey[str]()
"""How a test that did not fail stopped early (skipped itself, failed as expected)."""


@pytest.fixture
def adsim_scenario(request: pytest.FixtureRequest, adsim: Any) -> Callable[..., Any]:
    """Run a scenario file with the configured handlers: ``result = adsim_scenario(path)``, a
    relative ``path`` being relative to the test file's folder; ``result.passed``,
    ``result.events``, ``result.failures``, ``result.jsonl()``."""
    here = Path(request.path).parent

    def run(path: str | Path, *, seed: int | None = None) -> Any:
        __tracebackhide__ = True
        from simulator.scenarios.errors import ScenarioFileError

        check_scenario_path(path)
        if seed is not None:  # adsim run --seed's rule: a failed run's seed can be replayed
            seed = argument(seed, "seed", "adsim_scenario")
        try:
            return adsim.run_scenario(here / path, seed=seed)  # an absolute path stays itself
        except ScenarioFileError as exc:
            # The file's problem (missing, malformed) is the test's, at the test's line: not
            # a page of the loader's frames above the one line that says it.
            raise exc.with_traceback(None) from None

    # A misspelt keyword's TypeError names the fixture, not adsim_scenario.<locals>.run().
    run.__name__ = run.__qualname__ = "adsim_scenario"
    return run


_NO_QTBOT = (
    "adsim_window needs pytest-qt and PySide6: pip install 'agent-desktop-simulator[gui]' pytest-qt"
)


@pytest.fixture
def adsim_window(request: pytest.FixtureRequest, adsim: Any) -> Any:
    """The agent desktop window over the ``adsim`` simulator, shown with ``qtbot``; the test
    is skipped (one line saying what to install) without pytest-qt or PySide6. Deleted after
    the test (pytest-qt closes it first)."""
    if not _installed("PySide6"):  # only simulator.gui imports Qt
        pytest.skip(_NO_QTBOT)
    no_display = _no_display()
    if no_display is not None:  # before qtbot: its QApplication would abort the session
        pytest.fail(no_display, pytrace=False)
    try:
        qtbot = request.getfixturevalue("qtbot")
    except pytest.FixtureLookupError:
        pytest.skip(_NO_QTBOT)
    from simulator.gui.testing import open_window

    return open_window(qtbot, adsim.sim, adsim.host)


@pytest.hookimpl(hookwrapper=True, tryfirst=True)  # not ``wrapper=``: pytest 7 has no such
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    """After a test with ``adsim_window``, once every fixture is torn down (``qtmodeltester``
    lets go of the window's models first): delete the window pytest-qt closed."""
    yield
    if "adsim_window" in getattr(item, "fixturenames", ()):
        from simulator.gui.testing import delete_closed_windows

        delete_closed_windows(getattr(item, "fixturenames", ()))


def _installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ImportError:  # a broken or refused install is not one to use
        return False


def _no_display() -> str | None:
    """Why Qt could not show a window here, or None. On X11 and Wayland systems with no display
    (a CI runner) and no ``QT_QPA_PLATFORM``, the QApplication pytest-qt makes aborts the whole
    process (a Qt fatal error): every test's result was lost, and with pytest's capture even
    Qt's own line saying why."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return None
    widgets = sys.modules.get("PySide6.QtWidgets")  # an application made already works on
    if widgets is not None and widgets.QApplication.instance() is not None:
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform.startswith("xcb"):
        needed = ["DISPLAY"]
    elif platform.startswith("wayland"):
        needed = ["WAYLAND_DISPLAY"]
    elif not platform:  # Qt's own choice between the two
        needed = ["DISPLAY", "WAYLAND_DISPLAY"]
    else:  # offscreen, minimal, vnc, eglfs ...: no display needed
        return None
    if any(os.environ.get(name) for name in needed):
        return None
    unset = " nor ".join(f"${name}" for name in needed)
    return (
        f"adsim_window: no display to show the window on ({unset} is set): run the tests "
        "with QT_QPA_PLATFORM=offscreen (no display needed) or under xvfb-run"
    )
