"""The pytest plugin (entry point ``pytest11: adsim``): fixtures, options and markers only.

Active whenever agent-desktop-simulator is installed; it imports no Qt at load time (the window
fixture imports it inside its body), so Qt-free test suites are not affected.

Options and ini keys::

    --adsim-handler PATH       a handler plugin (file, directory or module name); repeatable
    adsim_handlers = ...       the same in the ini file (paths relative to the ini file)
    adsim_seed = 0             the seed of the simulator fixtures
    adsim_handler_timeout = 5  seconds before a handler call is reported as api_not_answer
    adsim_api_version = 5.19   the adApi version (5.19, 5.24.1 or 2026; over scenario files')

Marker: ``@pytest.mark.adsim(seed=..., tenant=..., handlers=[...], settings={...},
api_version="2026")`` overrides them for one test.

Handlers are imported as modules (``simulator.testing.imports``): a test and its handler share
the module's state. Under plain ``pytest`` (not ``python -m pytest``) the handler's folder must
be importable: ``pythonpath = src`` in the ini file. Each pytest-xdist worker is its own process
with its own simulators, handler modules and (in-memory) journals.
"""

from __future__ import annotations

import argparse
import difflib
import importlib.util
import os
import sys
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from simulator import numbers
from simulator.file_args import file_name

__all__ = [
    "adsim",
    "adsim_scenario",
    "adsim_window",
    "pytest_addhooks",
    "pytest_addoption",
    "pytest_configure",
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


_EXIT_STATUS: list[int] = [0]
"""The session's exit status, for ``pytest_unconfigure``."""

_INTERRUPTED: list[bool] = [False]
"""Ctrl-C (or ``pytest.exit``) ended the session: the fixtures' teardown waits for nothing."""


def pytest_keyboard_interrupt(excinfo: pytest.ExceptionInfo[BaseException]) -> None:
    """Called before the session's teardown: a handler stuck in a CRM call was waited for there,
    up to its timeout plus 1 s, and the session looked hung after Ctrl-C."""
    _INTERRUPTED[0] = True


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Remember the session's exit status."""
    _EXIT_STATUS[0] = int(exitstatus)


def _stop_capturing(config: pytest.Config) -> None:
    """Give stderr back (a handler plugin ends the process: ``simulator.handlers.exit_guard``)."""
    capture = config.pluginmanager.getplugin("capturemanager")
    if capture is not None:
        capture.suspend_global_capture(in_=False)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """The last step: a thread a handler plugin left running (not a daemon: its test failed at
    teardown, naming it) would keep the process from exiting for ever; it ends here instead,
    with the session's exit status."""
    _INTERRUPTED[0] = False  # a pytester session run in this process is over
    guard = sys.modules.get("simulator.handlers.exit_guard")
    if guard is not None:
        guard.before_saying[:] = [
            call for call in guard.before_saying if getattr(call, "args", ())[:1] != (config,)
        ]
    if "simulator.handlers.leftover_threads" in sys.modules:
        from simulator.handlers.leftover_threads import exit_if_held

        exit_if_held(_EXIT_STATUS[0])


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker; a handler plugin's ``os._exit`` is said past the capture."""
    _INTERRUPTED[0] = False
    from simulator.handlers import exit_guard

    exit_guard.before_saying.append(partial(_stop_capturing, config))
    config.addinivalue_line(
        "markers",
        "adsim(seed=None, tenant=None, handlers=None, settings=None, handler_timeout=None, "
        "handler_isolation=None, api_version=None): "
        "configure the adsim fixtures for this test",
    )


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


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    config = request.config
    base = Path(config.inipath).parent if config.inipath else Path(config.rootpath)
    # A path is relative to the ini file, wherever pytest runs; a folder's name has no slash.
    handlers: list[str | Path] = [
        base / spec if "/" in spec or spec.endswith(".py") or (base / spec).exists() else spec
        for spec in config.getini("adsim_handlers")
    ]
    handlers += config.getoption("adsim_handlers")
    seed = config.getoption("adsim_seed")
    if seed is None:
        seed = _number(numbers.seed, config.getini("adsim_seed"), "adsim_seed")
    options: dict[str, Any] = {
        "seed": seed,
        "handlers": handlers,
        "handler_timeout": _number(
            _TIMEOUT, config.getini("adsim_handler_timeout"), "adsim_handler_timeout"
        ),
        "handler_isolation": _isolation(
            config.getini("adsim_handler_isolation"), "adsim_handler_isolation"
        ),
        "tenant": None,
        "settings": None,
        "base": Path(config.invocation_params.dir),
        "api_version": _api_version(config.getini("adsim_api_version"), "adsim_api_version"),
    }
    # A class's or module's marker and the test's add up, the closest one's keys winning.
    given: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers("adsim"))):
        unknown = sorted(set(marker.kwargs) - set(_MARKER_KEYS))
        if unknown or marker.args:
            what = f"{unknown[0]}=: not one of its keys" if unknown else "a positional argument"
            close = difflib.get_close_matches(unknown[0], _MARKER_KEYS, n=1) if unknown else []
            hint = f" (did you mean {close[0]}=?)" if close else ""
            raise pytest.UsageError(
                f"adsim: @pytest.mark.adsim({what}{hint}; it takes only the keyword arguments "
                f"{', '.join(_MARKER_KEYS)}"
            )
        # None is the default, as the marker's signature says (seed=None was a random seed).
        given.update((key, value) for key, value in marker.kwargs.items() if value is not None)
    if "handlers" in given:
        options["handlers"] = _marker_handlers(given["handlers"])
    for key, parse in (("seed", numbers.seed), ("handler_timeout", _TIMEOUT)):
        if key in given:
            options[key] = _number(parse, given[key], f"@pytest.mark.adsim({key}=)")
    if "api_version" in given:
        options["api_version"] = _api_version(given["api_version"], "api_version=")
    if "handler_isolation" in given:
        options["handler_isolation"] = _isolation(
            given["handler_isolation"], "@pytest.mark.adsim(handler_isolation=)"
        )
    if "settings" in given:
        options["settings"] = _settings(given["settings"])
    if "tenant" in given:
        options["tenant"] = _tenant(given["tenant"])
    return options


_MARKER_KEYS = (
    "seed",
    "tenant",
    "handlers",
    "settings",
    "handler_timeout",
    "handler_isolation",
    "api_version",
)

_ISOLATIONS = ("thread", "process")


def _marker_handlers(value: Any) -> list[Any]:
    """The marker's ``handlers=``: one name or path, or a list of them (another value was a
    ``TypeError`` from inside the harness)."""
    items = [value] if isinstance(value, (str, Path)) else value
    if not isinstance(items, (list, tuple)):
        items = [value]
    for item in items:
        if not isinstance(item, (str, Path)):
            raise pytest.UsageError(
                f"adsim: @pytest.mark.adsim(handlers=): {item!r} is not a handler: give a "
                "module name, a .py file or a folder, or a list of them"
            )
    return list(items)


def _isolation(value: Any, where: str) -> str:
    """``thread`` or ``process``: another value was the handler host's ``ValueError``."""
    if value not in _ISOLATIONS:
        raise pytest.UsageError(f"adsim: {where}: {value!r} is not thread or process")
    return str(value)


def _settings(values: Any) -> Any:
    """The marker's ``settings=`` as engine ``Settings``: a misspelt or mistyped one is a usage
    error naming it, not a page of pydantic's."""
    from pydantic import ValidationError

    from simulator.data.model_wording import error_text, fields_of, suggest
    from simulator.engine import Settings

    if isinstance(values, Settings):
        return values
    if not isinstance(values, dict):  # a str was an AttributeError deep in the engine
        raise pytest.UsageError(
            f"adsim: @pytest.mark.adsim(settings=): {values!r} is not a dict of settings "
            "({'ring_timeout_seconds': 5} ...)"
        )
    try:
        return Settings(**values)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        name = ".".join(str(part) for part in first["loc"]) or "settings"
        if first["type"] == "extra_forbidden":
            message = f"{name}: not a setting{suggest(name, fields_of(Settings))}"
        else:  # worded as a scenario's or a tenant file's problems are
            message = error_text(first, Settings)
        more = f" ({exc.error_count()} problems in all)" if exc.error_count() > 1 else ""
        raise pytest.UsageError(f"adsim: @pytest.mark.adsim(settings=): {message}{more}") from None


def _tenant(path: Any) -> Any:
    """The marker's ``tenant=`` file, loaded: its problem in ``adsim``'s one line."""
    from simulator.data import InputFileError, Tenant, load_tenant

    if isinstance(path, Tenant):
        return path
    if not isinstance(path, (str, Path)):
        # open(5) is file descriptor 5: pytest's capture file, read and closed (the session
        # ended without a line of output).
        raise pytest.UsageError(
            f"adsim: @pytest.mark.adsim(tenant=): {path!r} is not a tenant file: give its path"
        )
    try:
        return load_tenant(path)
    except InputFileError as exc:
        raise pytest.UsageError(f"adsim: @pytest.mark.adsim(tenant=): {exc}") from None


_TIMEOUT = numbers.seconds(0.001, 86_400)
"""``adsim_handler_timeout``: the bounds of ``adsim run --handler-timeout`` (``inf`` waited for
a hung handler for ever, ``nan`` timed every handler out at once)."""


def _number(parse: Callable[[str], Any], value: Any, where: str) -> Any:
    """``value`` (ini text or a marker's number) checked as the command line checks it."""
    if isinstance(value, bool):  # True is 1 to int(): not a seed nor a timeout
        value = str(value).lower()
    try:
        return parse(str(value))
    except argparse.ArgumentTypeError as exc:
        raise pytest.UsageError(f"adsim: {where}: {exc}") from None


def _api_version(value: Any, where: str) -> str | None:
    if value in ("", None):
        return None
    from simulator.contract.versions import parse_api_version

    try:
        return parse_api_version(value).value
    except ValueError as exc:
        raise pytest.UsageError(f"adsim: {where}: {exc}") from None


@pytest.fixture
def adsim(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A headless simulator (virtual clock) with the configured handlers loaded.

    Call engine actions on it (``adsim.offer_call("Sales")``); each settles the handlers (and
    fails the test with ``HandlerLoopError`` when they keep acting on their own events).
    Read ``adsim.events``, ``adsim.records``, ``adsim.outcomes``, ``adsim.failures``.
    """
    from simulator.testing.harness import (
        AdsimHarness,
        HandlerLoadError,
        LeftoverThreadError,
        PluginCloseError,
    )

    not_loaded = None
    try:
        harness = AdsimHarness(**_options(request))
    except HandlerLoadError as exc:
        not_loaded = str(exc)
    if not_loaded is not None:  # outside the except: said once, not as a chain of two
        pytest.fail(f"adsim: a handler plugin did not load:\n{not_loaded}", pytrace=False)
    try:
        yield harness
    finally:
        problem = None
        try:
            harness.close(wait=not _INTERRUPTED[0])
        except (LeftoverThreadError, PluginCloseError) as exc:
            problem = str(exc)
        if problem is not None:  # the plugin's bug, said once (not as a chain of two)
            pytest.fail(problem, pytrace=False)


@pytest.fixture
def adsim_scenario(request: pytest.FixtureRequest, adsim: Any) -> Callable[..., Any]:
    """Run a scenario file with the configured handlers: ``result = adsim_scenario(path)``, a
    relative ``path`` being relative to the test file's folder; ``result.passed``,
    ``result.events``, ``result.failures``, ``result.jsonl()``."""
    here = Path(request.path).parent

    def run(path: str | Path, *, seed: int | None = None) -> Any:
        __tracebackhide__ = True
        from simulator.scenarios.errors import ScenarioFileError

        if seed is not None:  # adsim run --seed's rule: a failed run's seed can be replayed
            seed = _number(numbers.seed, seed, "adsim_scenario(seed=)")
        try:
            return adsim.run_scenario(here / path, seed=seed)  # an absolute path stays itself
        except ScenarioFileError as exc:
            # The file's problem (missing, malformed) is the test's, at the test's line: not
            # a page of the loader's frames above the one line that says it.
            raise exc.with_traceback(None) from None

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
