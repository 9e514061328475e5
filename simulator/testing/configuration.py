"""The ``adsim`` fixtures' configuration: the ini keys, the command-line options and the
``@pytest.mark.adsim(...)`` marker, each value checked as ``adsim`` checks its options (another
value is a ``pytest.UsageError`` naming the key)."""

from __future__ import annotations

import argparse
import difflib
import itertools
import os
import re
from collections.abc import Callable
from decimal import Decimal
from numbers import Real
from pathlib import Path
from typing import Any

import pytest

from simulator import numbers
from simulator.testing.handler_failures import HANDLER_FAILURE_CHOICES
from simulator.testing.ini_options import ini_value

__all__ = ["TIMEOUT", "argument", "fixture_options", "number", "usage_error"]


def usage_error(excinfo: pytest.ExceptionInfo[BaseException]) -> bool:
    """For ``__tracebackhide__``: a usage error's frames are hidden, its one line says it all (a
    page of the plugin's code stood above it); any other error's are shown."""
    return excinfo.errisinstance(pytest.UsageError)


def fixture_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The ``AdsimHarness`` arguments of ``request``'s test, and ``handler_failures``."""
    __tracebackhide__ = usage_error  # pytest: the one line, not these frames
    config = request.config
    base = Path(config.inipath).parent if config.inipath else Path(config.rootpath)
    # A path is relative to the ini file, wherever pytest runs; a folder's name has no slash.
    handlers: list[str | Path] = [
        base / spec if "/" in spec or spec.endswith(".py") or (base / spec).exists() else spec
        for spec in map(_one_ini_handler, config.getini("adsim_handlers"), itertools.repeat(base))
    ]
    handlers += config.getoption("adsim_handlers")
    seed = config.getoption("adsim_seed")
    if seed is None:
        seed = number(numbers.seed, ini_value(config, "adsim_seed"), "adsim_seed")
    options: dict[str, Any] = {
        "seed": seed,
        "handlers": handlers,
        "handler_timeout": number(
            TIMEOUT, ini_value(config, "adsim_handler_timeout"), "adsim_handler_timeout"
        ),
        "handler_isolation": _isolation(
            config.getini("adsim_handler_isolation"), "adsim_handler_isolation"
        ),
        "tenant": None,
        "settings": None,
        "base": Path(config.invocation_params.dir),
        "api_version": _api_version(
            str(ini_value(config, "adsim_api_version")), "adsim_api_version"
        ),
        "handler_failures": _handler_failures(
            config.getini("adsim_handler_failures"), "adsim_handler_failures"
        ),
    }
    # A class's or module's marker and the test's add up, the closest one's keys winning.
    given: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers("adsim"))):
        unknown = sorted(set(marker.kwargs) - set(_MARKER_KEYS))
        if unknown or marker.args:
            if unknown:
                close = difflib.get_close_matches(unknown[0], _MARKER_KEYS, n=1)
                hint = f" (did you mean {close[0]}=?)" if close else ""
                what = f"({unknown[0]}=...): {unknown[0]} is not one of its keys{hint}"
            else:
                what = "(...): a positional argument, which it does not take"
            raise pytest.UsageError(
                f"adsim: @pytest.mark.adsim{what}; it takes only the keyword arguments "
                f"{', '.join(_MARKER_KEYS)}"
            )
        # None is the default, as the marker's signature says (seed=None was a random seed).
        given.update((key, value) for key, value in marker.kwargs.items() if value is not None)
    if "handlers" in given:
        options["handlers"] = _marker_handlers(given["handlers"])
    for key in ("seed", "handler_timeout"):
        if key in given:
            options[key] = argument(given[key], key, "@pytest.mark.adsim")
    if "api_version" in given:
        options["api_version"] = _api_version(given["api_version"], "api_version=")
    if "handler_isolation" in given:
        options["handler_isolation"] = _isolation(
            given["handler_isolation"], "@pytest.mark.adsim(handler_isolation=)"
        )
    if "handler_failures" in given:
        options["handler_failures"] = _handler_failures(
            given["handler_failures"], "@pytest.mark.adsim(handler_failures=)"
        )
    if "settings" in given:
        options["settings"] = _settings(given["settings"])
    if "tenant" in given:
        options["tenant"] = _tenant(given["tenant"])
    return options


def _one_ini_handler(spec: str, base: Path) -> str:
    """``spec``, one line of ``adsim_handlers``, unless it is several handlers on one line
    (``a.py, b.py``), quoted or a TOML list in an ini file: ``UsageError`` saying one a line
    (it was "no such file or folder (looked for .../a.py, b.py)")."""
    __tracebackhide__ = usage_error  # pytest: the one line, not these frames
    parts = [part for part in re.split(r"[\s,\[\]\"']+", spec) if part]
    if not parts or parts == [spec] or (base / spec).exists():
        return spec
    raise pytest.UsageError(
        f"adsim: ini option adsim_handlers: {spec!r} names no file: give one handler a line, "
        "without quotes or brackets (adsim_handlers = followed by indented lines: "
        f"{', then '.join(parts)})"
    )


def where_else(message: str, request: pytest.FixtureRequest, options: dict[str, Any]) -> str:
    """``message`` (a handler that did not load) with, for a relative path of the marker or
    ``--adsim-handler`` that is not under the working directory, where it is: beside the test
    file or a folder above it, or beside the ini file (pytest run from another folder)."""
    cwd = Path(options["base"])
    config = request.config
    folders = [Path(request.path).parent, *Path(request.path).parent.parents]
    folders = folders[:6]
    if config.inipath:
        folders.append(Path(config.inipath).parent)
    for spec in options["handlers"]:
        text = str(spec)
        path = Path(text)
        looked = f"{text}: no such file or folder (looked for {(cwd / path).absolute()})"
        if path.is_absolute() or looked not in message:
            continue
        found = next((folder for folder in folders if (folder / path).exists()), None)
        if found is None:
            continue
        hint = (
            f"; a path in @pytest.mark.adsim(handlers=) and --adsim-handler is relative to the "
            f"working directory, {cwd}; it is at {found / path}: run pytest from {found}, or "
            "name it in the ini file's adsim_handlers, relative to the ini file wherever pytest "
            "runs)"
        )
        return message.replace(looked, looked[:-1] + hint, 1)
    return message


_MARKER_KEYS = (
    "seed",
    "tenant",
    "handlers",
    "settings",
    "handler_timeout",
    "handler_isolation",
    "api_version",
    "handler_failures",
)

_ISOLATIONS = ("thread", "process")


def _handler_failures(value: Any, where: str) -> str:
    """``fail`` (default) or ``allow``: what a handler failure the test did not check does."""
    __tracebackhide__ = usage_error  # pytest: the one line, not these frames
    if value not in HANDLER_FAILURE_CHOICES:
        raise pytest.UsageError(
            f"adsim: {where}: {value!r} is not fail (the default: a handler failure the test "
            "did not check fails it) or allow"
        )
    return str(value)


def _marker_handlers(value: Any) -> list[Any]:
    """The marker's ``handlers=``: one name or path, or a list of them (another value was a
    ``TypeError`` from inside the harness)."""
    __tracebackhide__ = usage_error  # pytest: the one line, not these frames
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
    __tracebackhide__ = usage_error  # pytest: the one line, not these frames
    if value not in _ISOLATIONS:
        raise pytest.UsageError(f"adsim: {where}: {value!r} is not thread or process")
    return str(value)


def _settings(values: Any) -> Any:
    """The marker's ``settings=`` as engine ``Settings``: a misspelt or mistyped one is a usage
    error naming it, not a page of pydantic's."""
    __tracebackhide__ = usage_error  # pytest: the one line, not these frames
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
    __tracebackhide__ = usage_error  # pytest: the one line, not these frames
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


TIMEOUT_RANGE = (0.001, 86_400)
TIMEOUT = numbers.seconds(*TIMEOUT_RANGE)
"""``adsim_handler_timeout``: the bounds of ``adsim run --handler-timeout`` (``inf`` waited for
a hung handler for ever, ``nan`` timed every handler out at once)."""


def number(parse: Callable[[str], Any], value: Any, where: str) -> Any:
    """``value``, an ini file's text (or a number pytest 9's TOML table gives: ``ini_value``),
    checked as the command line checks it."""
    __tracebackhide__ = usage_error  # pytest: the one line, not these frames
    try:
        text = str(value).lower() if isinstance(value, bool) else str(value)  # TOML's `true`
    except ValueError:  # an int past the 4,300 digits Python turns into text
        raise pytest.UsageError(
            f"adsim: {where}: a number of more than 4,300 digits is out of range"
        ) from None
    try:
        return parse(text)
    except argparse.ArgumentTypeError as exc:
        raise pytest.UsageError(f"adsim: {where}: {exc}") from None


_ARGUMENTS: dict[str, tuple[Callable[[str], Any], str, str]] = {
    "seed": (numbers.seed, "an int", f"a whole number from 0 to {numbers.MAX_SEED:,}"),
    "handler_timeout": (
        TIMEOUT,
        "a number",
        f"a number of seconds from {TIMEOUT_RANGE[0]:,} to {TIMEOUT_RANGE[1]:,}",
    ),
}
"""A number given in Python (the marker's, ``adsim_scenario``'s): its parser, the type it
takes and what it is."""


def argument(value: Any, key: str, call: str) -> Any:
    """``value``, given in Python as ``call(key=value)``: of the Python type it takes (text or a
    bool is not a number there: ``seed="3"`` passed as 3, ``seed=True`` was said as 'true'),
    then checked as the command line checks it."""
    __tracebackhide__ = usage_error  # pytest: the one line, not these frames
    parse, expected, what = _ARGUMENTS[key]
    where = f"{call}({key}=)"
    whole = not isinstance(value, (bool, float)) and hasattr(type(value), "__index__")
    # A timeout is any real number (a numpy float, a Fraction, a Decimal), as float() takes it.
    real = key != "seed" and not whole and isinstance(value, Real | Decimal)
    if not (whole or (real and not isinstance(value, bool))):
        try:  # text that reads as one: what to write instead
            meant = isinstance(value, str) and parse(value.strip()) is not None
        except argparse.ArgumentTypeError:
            meant = False
        fix = f"write {key}={value.strip()}, without quotes" if meant else f"give {what}"
        raise pytest.UsageError(
            f"adsim: {where}: {value!r} is {_a(type(value).__name__)}, not {expected}: {fix}"
        )
    if whole:
        return number(parse, int(value), where)
    try:
        seconds = float(value)
    except (OverflowError, ValueError):  # a Fraction or a Decimal past a float's range
        raise pytest.UsageError(f"adsim: {where}: the value is out of range: give {what}") from None
    return number(parse, seconds, where)


def _a(name: str) -> str:
    return f"an {name}" if name[:1] in "aeiou" else f"a {name}"


def _api_version(value: Any, where: str) -> str | None:
    __tracebackhide__ = usage_error  # pytest: the one line, not these frames
    if value in ("", None):
        return None
    from simulator.contract.versions import parse_api_version

    try:
        return parse_api_version(value).value
    except ValueError as exc:
        raise pytest.UsageError(f"adsim: {where}: {exc}") from None


def check_scenario_path(path: Any) -> None:
    """``adsim_scenario(path)``'s ``path``: a scenario's text (no file has that name) or a
    number is said at the test's line, not as a missing file or from pathlib's insides."""
    __tracebackhide__ = True
    if isinstance(path, str) and "\n" in path.strip():  # its text: no file has that name
        first = path.strip().splitlines()[0][:40]
        raise ValueError(
            "adsim_scenario() takes the path of a scenario file, not its text "
            f"({first} ...): write the text to a file, (tmp_path / 'flow.yaml')"
            ".write_text(...), and give its path"
        )
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            "adsim_scenario() takes the path of a scenario file (a str or a pathlib.Path), "
            f"not {type(path).__name__}"
        )
