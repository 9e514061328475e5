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
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

__all__ = [
    "adsim",
    "adsim_scenario",
    "adsim_window",
    "pytest_addoption",
    "pytest_configure",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    """The ``adsim`` options and ini keys."""
    group = parser.getgroup("adsim", "agent desktop simulator")
    group.addoption(
        "--adsim-handler",
        action="append",
        default=[],
        metavar="PATH",
        dest="adsim_handlers",
        help="load this handler plugin into the adsim fixtures (file, directory or module)",
    )
    group.addoption(
        "--adsim-seed", type=int, default=None, metavar="N", help="seed of the adsim fixtures"
    )
    parser.addini("adsim_handlers", "handler plugins for the adsim fixtures", type="linelist")
    parser.addini("adsim_seed", "seed of the adsim fixtures", default="0")
    parser.addini(
        "adsim_handler_timeout", "handler timeout in seconds (adsim fixtures)", default="5"
    )
    parser.addini(
        "adsim_api_version",
        "adApi version of the adsim fixtures: 5.19, 5.24.1 or 2026 (default: 5.19, or a "
        "scenario file's api_version:)",
        default="",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker."""
    config.addinivalue_line(
        "markers",
        "adsim(seed=None, tenant=None, handlers=None, settings=None, handler_timeout=None, "
        "api_version=None): "
        "configure the adsim fixtures for this test",
    )


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    config = request.config
    base = Path(config.inipath).parent if config.inipath else Path(config.rootpath)
    handlers: list[str | Path] = [base / spec if "/" in spec or spec.endswith(".py") else spec
                                  for spec in config.getini("adsim_handlers")]  # fmt: skip
    handlers += config.getoption("adsim_handlers")
    seed = config.getoption("adsim_seed")
    options: dict[str, Any] = {
        "seed": int(config.getini("adsim_seed")) if seed is None else seed,
        "handlers": handlers,
        "handler_timeout": float(config.getini("adsim_handler_timeout")),
        "tenant": None,
        "settings": None,
        "base": Path.cwd(),
        "api_version": _api_version(config.getini("adsim_api_version"), "adsim_api_version"),
    }
    marker = request.node.get_closest_marker("adsim")
    if marker is not None:
        known = {"seed", "tenant", "handlers", "settings", "handler_timeout", "api_version"}
        unknown = set(marker.kwargs) - known
        if unknown or marker.args:
            raise pytest.UsageError(
                f"@pytest.mark.adsim takes only keyword arguments seed, tenant, handlers, "
                f"settings, handler_timeout, api_version; got {sorted(unknown) or marker.args}"
            )
        options.update(marker.kwargs)
        if "api_version" in marker.kwargs:
            options["api_version"] = _api_version(marker.kwargs["api_version"], "api_version=")
    return options


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
    from simulator.testing.harness import AdsimHarness, HandlerLoadError

    try:
        harness = AdsimHarness(**_options(request))
    except HandlerLoadError as exc:
        pytest.fail(f"adsim: a handler plugin did not load:\n{exc}", pytrace=False)
    try:
        yield harness
    finally:
        harness.close()


@pytest.fixture
def adsim_scenario(adsim: Any) -> Callable[..., Any]:
    """Run a scenario file with the configured handlers: ``result = adsim_scenario(path)``;
    ``result.passed``, ``result.events``, ``result.failures``, ``result.jsonl()``."""
    return adsim.run_scenario


@pytest.fixture
def adsim_window(request: pytest.FixtureRequest, adsim: Any) -> Any:
    """The agent desktop window over the ``adsim`` simulator, shown with ``qtbot``."""
    qtbot = request.getfixturevalue("qtbot")
    from simulator.gui.testing import open_window

    return open_window(qtbot, adsim.sim, adsim.host)
