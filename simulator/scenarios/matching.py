"""Matching expected values against what came: literals, partial mappings and operators.

An expected value is one of:

- a literal (text, number, true/false): equal to the actual value (``14155550134`` matches the
  text ``"14155550134"``); ``null`` matches a key that is left out;
- a mapping of fields: a partial match of a mapping (other keys may be there);
- a list: the same length, each item matching;
- a mapping of operators: ``equals``, ``not``, ``at_least``, ``at_most``, ``greater_than``,
  ``less_than``, ``one_of``, ``contains``, ``matches`` (a regular expression), ``present``
  (true/false), ``length``, ``interaction`` (the id of an interaction named with ``as``).

``mismatches()`` returns what differs, as readable lines; an empty list is a match.

A ``matches`` pattern is checked when the file is read (Python's ``re`` syntax) and searched
with the ``regex`` module, in its ``re``-compatible mode, for its ``timeout``: a pattern that
backtracks catastrophically (``(x+x+)+y`` on a long text) ran for minutes, in C, deaf to a
thread's timer. A search that gives up after ``MATCH_TIMEOUT_SECONDS`` (of the process's
processor time: regex's timeout counts that, not the clock's) raises
``MatchTimeoutError``, which no operator can turn into a pass (``not``, ``one_of``): the
expectation fails, saying so.
"""

from __future__ import annotations

import json
import re
import time
import warnings
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

__all__ = [
    "MATCH_TIMEOUT_SECONDS",
    "MISSING",
    "OPERATORS",
    "MatchTimeoutError",
    "as_json",
    "check_matcher",
    "describe",
    "interaction_names",
    "is_operator_map",
    "mismatches",
    "pattern_error_offset",
]

MATCH_TIMEOUT_SECONDS = 1.0
"""How long one ``matches`` search may take: far more than any sane pattern needs on a payload."""


class MatchTimeoutError(Exception):
    """A ``matches`` search gave up: its pattern backtracks catastrophically on the value."""


@lru_cache(maxsize=256)
def _pattern(text: str) -> Any:
    import regex  # ~5-10 ms: only for a scenario that has a pattern

    return regex.compile(text, regex.VERSION0)


def _pattern_problem(text: str) -> str | None:
    """Why ``text`` is no regular expression (None when it is one). One Python reads, with a
    ``FutureWarning``, otherwise than other languages do (``[[:alpha:]]``, ``[a-z&&b]``) is
    refused too: the warning was two lines of Python's on stderr, and the pattern matched other
    text than meant (a traceback under ``filterwarnings = error``)."""
    import regex

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", FutureWarning)
            re.compile(text)  # the syntax the docs promise, and its messages
        _pattern(text)
    except (re.error, regex.error) as exc:
        return f"not a regular expression: {exc}"
    except FutureWarning as exc:
        return (
            f"a regular expression Python reads otherwise than other languages ({exc}): "
            "escape [ and the doubled &, -, |, ~ inside [...] with \\ (Python has no [:alpha:] "
            "classes: write [a-zA-Z] or \\w)"
        )
    return None


def pattern_error_offset(text: str) -> int | None:
    """Where in ``text`` (0-based) its syntax error is, when Python's ``re`` says."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # said at the pattern's start
            re.compile(text)
    except re.error as exc:
        return exc.pos
    return None


_GAVE_UP: set[str] = set()
"""Patterns a search gave up on in this process: later ones get a twentieth of the time, so
that ``--repeat 1000`` of a run that fails on one is not 1000 timeouts long."""


def _search(pattern: str, value: str, label: str) -> bool:
    """Whether ``pattern`` is found in ``value``; ``MatchTimeoutError`` when the search gives up."""
    timeout = MATCH_TIMEOUT_SECONDS / (20 if pattern in _GAVE_UP else 1)
    compiled = _pattern(pattern)
    started = time.perf_counter()
    try:
        return compiled.search(value, timeout=timeout) is not None
    except TimeoutError:
        # regex's timeout counts the process's processor time, not the clock's: on a busy
        # machine (CI beside other jobs) a 1 s limit was 2-3 s on the clock; both are said.
        elapsed = time.perf_counter() - started
        _GAVE_UP.add(pattern)
        raise MatchTimeoutError(
            f"{label}matches /{pattern}/ took more than {timeout:g} s of processor time "
            f"({elapsed:.1f} s on the clock) on a value of "
            f"{len(value):,} characters ({_shown(value)}) and was stopped: the pattern backtracks "
            "catastrophically on it; simplify it (no nested repeats such as (a+)+, no "
            "alternatives that match the same text)"
        ) from None


OPERATORS = frozenset(
    {
        "equals",
        "not",
        "at_least",
        "at_most",
        "greater_than",
        "less_than",
        "one_of",
        "contains",
        "matches",
        "present",
        "length",
        "interaction",
    }
)
_NUMERIC = ("at_least", "at_most", "greater_than", "less_than")
_MISSING = object()


def is_operator_map(value: Any) -> bool:
    """True for a mapping whose keys are all operators (``{at_least: 120}``)."""
    return (
        isinstance(value, Mapping)
        and bool(value)
        and all(isinstance(key, str) and key in OPERATORS for key in value)
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_matcher(expected: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], str]]:
    """Problems in an expected value (bad operator arguments, bad regular expressions), each with
    the path inside ``expected`` where it is."""
    problems: list[tuple[tuple[Any, ...], str]] = []
    if isinstance(expected, Mapping):
        op_keys = [k for k in expected if isinstance(k, str) and k in OPERATORS]
        if op_keys and len(op_keys) != len(expected):
            others = [str(k) for k in expected if k not in op_keys]
            problems.append(
                (
                    path,
                    f"mixes operators ({', '.join(op_keys)}) with fields ({', '.join(others)}); "
                    "to match a mapping literally write equals: {...}",
                )
            )
            return problems
        if not op_keys:
            for key, value in expected.items():
                problems += check_matcher(value, (*path, key))
            return problems
        if _no_number_between(expected):
            problems.append((path, f"no number is {describe(expected)}: this can never match"))
        for key, value in expected.items():
            where = (*path, key)
            if key == "length" and _is_number(value) and (value < 0 or value != int(value)):
                problems.append((where, f"length {value} can never match: a length is 0, 1, 2 ..."))
            elif key in _NUMERIC and not _is_number(value):
                problems.append((where, f"{key} needs a number, not {as_json(value)}"))
            elif key == "present" and not isinstance(value, bool):
                problems.append((where, "present needs true or false"))
            elif key == "one_of":
                if not isinstance(value, list) or not value:
                    problems.append((where, "one_of needs a list of values"))
                else:
                    for index, item in enumerate(value):
                        problems += check_matcher(item, (*where, index))
            elif key in ("contains", "matches") and value == "":
                problems.append((where, _EMPTY[key]))
            elif key == "matches":
                if not isinstance(value, str):
                    problems.append((where, "matches needs a regular expression (text)"))
                elif (wrong := _pattern_problem(value)) is not None:
                    problems.append((where, wrong))
            elif key == "interaction" and not isinstance(value, str):
                problems.append((where, "interaction needs a name given with as:"))
            elif key in ("not", "length", "contains"):
                problems += check_matcher(value, where)
    elif isinstance(expected, list):
        for index, item in enumerate(expected):
            problems += check_matcher(item, (*path, index))
    return problems


# ``""`` is in every text and the empty pattern found in every value: the expectation passed
# whatever the value was, so long as there was one (and ``not:`` of it never passed).
_EMPTY = {
    "contains": 'contains: "" is in every text: it checks nothing; write the text to look for, '
    'present: true for "there is a value", or contains: {equals: ""} for an empty item of a list',
    "matches": 'matches: "" is found in every value: it checks nothing; write the pattern to '
    'look for, or present: true for "there is a value"',
}


def _no_number_between(expected: Mapping[str, Any]) -> bool:
    """Whether the numeric operators of ``expected`` leave no number (``{at_least: 10,
    at_most: 5}``, ``{greater_than: 5, less_than: 5}``): it failed every run, as if the
    integration were wrong."""
    bounds = {key: expected[key] for key in _NUMERIC if key in expected}
    if not all(_is_number(value) for value in bounds.values()):
        return False  # reported as such
    lows = [(bounds[k], k == "greater_than") for k in ("at_least", "greater_than") if k in bounds]
    highs = [(bounds[k], k == "less_than") for k in ("at_most", "less_than") if k in bounds]
    for low, above in lows:
        for high, below in highs:
            if low > high or (low == high and (above or below)):
                return True
    return False


def interaction_names(expected: Any) -> list[tuple[tuple[Any, ...], str]]:
    """Every ``interaction: NAME`` inside an expected value, with its path."""
    found: list[tuple[tuple[Any, ...], str]] = []

    def walk(value: Any, path: tuple[Any, ...]) -> None:
        if isinstance(value, Mapping):
            for key, item in value.items():
                if key == "interaction" and is_operator_map(value) and isinstance(item, str):
                    found.append(((*path, key), item))
                elif key != "equals":
                    walk(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*path, index))

    walk(expected, ())
    return found


def describe(expected: Any) -> str:
    """The expected value for people: ``'Product sold'``, ``at least 120``."""
    if is_operator_map(expected):
        parts = []
        for key, value in expected.items():
            if key == "present":
                parts.append("present" if value else "absent")
            elif key == "equals":
                parts.append(f"exactly {as_json(value)}")
            elif key == "not":
                parts.append(f"not {describe(value)}")
            elif key == "one_of":
                parts.append("one of " + ", ".join(describe(v) for v in value))
            elif key == "length":
                parts.append(f"of length {describe(value)}")
            elif key == "interaction":
                parts.append(f"the id of `{value}`")
            else:
                parts.append(f"{key.replace('_', ' ')} {as_json(value)}")
        return " and ".join(parts)
    if isinstance(expected, Mapping):
        return "{" + ", ".join(f"{k}: {describe(v)}" for k, v in expected.items()) + "}"
    if expected is None:
        return "absent"
    return as_json(expected)


def as_json(value: Any, limit: int = 80) -> str:
    """``value`` as JSON, as the file and the payloads write it (``null``, ``true``, ``"text"``,
    ``{"a": 1}``), cut short at ``limit`` characters: Python's ``None``, ``True`` and
    ``{'a': 1}`` were no words of either."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (ValueError, TypeError, RecursionError):  # a number of 5,000 digits, a tuple key
        text = "a number too large to show" if isinstance(value, int) else str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _equal(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual or (
            isinstance(expected, bool) and isinstance(actual, bool) and expected == actual
        )
    if _is_number(expected) and isinstance(actual, str):
        return str(expected) == actual
    if isinstance(expected, str) and _is_number(actual):
        return expected == str(actual)
    return bool(expected == actual)


def _literal_equal(expected: Any, actual: Any) -> bool:
    """Deep equality, with the same leniency for numbers written as text as ``_equal``."""
    if isinstance(expected, Mapping):
        return (
            isinstance(actual, Mapping)
            and expected.keys() == actual.keys()
            and all(_literal_equal(value, actual[key]) for key, value in expected.items())
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(_literal_equal(a, b) for a, b in zip(expected, actual, strict=True))
        )
    return _equal(expected, actual)


def _shown(actual: Any) -> str:
    return "absent" if actual is _MISSING else as_json(actual)


def mismatches(
    expected: Any, actual: Any, names: Mapping[str, str] | None = None, path: str = ""
) -> list[str]:
    """What in ``actual`` does not match ``expected`` (empty: it matches). ``actual`` may be
    ``_MISSING`` for a key that is left out; ``names`` resolves ``interaction: NAME``."""
    names = names or {}
    label = f"{path}: " if path else ""
    if is_operator_map(expected):
        return _operators(expected, actual, names, path)
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return [f"{label}expected a mapping, was {_shown(actual)}"]
        found: list[str] = []
        for key, value in expected.items():
            child = f"{path}.{key}" if path else str(key)
            found += mismatches(value, actual.get(key, _MISSING), names, child)
        return found
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{label}expected a list, was {_shown(actual)}"]
        if len(expected) != len(actual):
            want = f"{len(expected)} item{'' if len(expected) == 1 else 's'}"
            return [f"{label}expected {want}, was {len(actual)}: {_shown(actual)}"]
        found = []
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            found += mismatches(want, got, names, f"{path}[{index}]")
        return found
    if expected is None:
        if actual is _MISSING or actual is None:
            return []
        return [f"{label}expected absent, was {_shown(actual)}"]
    if actual is _MISSING or not _equal(expected, actual):
        return [f"{label}expected {as_json(expected)}, was {_shown(actual)}"]
    return []


def _operators(
    expected: Mapping[str, Any], actual: Any, names: Mapping[str, str], path: str
) -> list[str]:
    label = f"{path}: " if path else ""
    found: list[str] = []
    for key, want in expected.items():
        if key == "present":
            there = actual is not _MISSING
            if there != want:
                found.append(
                    f"{label}expected present, was absent"
                    if want
                    else f"{label}expected absent, was {_shown(actual)}"
                )
            continue
        if actual is _MISSING:
            found.append(f"{label}expected {describe({key: want})}, was absent")
            continue
        if key == "equals":
            if not _literal_equal(want, actual):
                found.append(f"{label}expected exactly {as_json(want)}, was {_shown(actual)}")
        elif key == "not":
            if not mismatches(want, actual, names, path):
                found.append(f"{label}expected not {describe(want)}, was {_shown(actual)}")
        elif key in _NUMERIC:
            if not _is_number(actual):
                found.append(f"{label}expected {describe({key: want})}, was {_shown(actual)}")
                continue
            good = {
                "at_least": actual >= want,
                "at_most": actual <= want,
                "greater_than": actual > want,
                "less_than": actual < want,
            }[key]
            if not good:
                found.append(f"{label}expected {describe({key: want})}, was {_shown(actual)}")
        elif key == "one_of":
            if all(mismatches(option, actual, names, path) for option in want):
                found.append(f"{label}expected {describe({key: want})}, was {_shown(actual)}")
        elif key == "contains":
            if isinstance(actual, str):
                good = isinstance(want, str) and want in actual
            elif isinstance(actual, list):
                good = any(not mismatches(want, item, names) for item in actual)
            elif isinstance(actual, Mapping):
                good = want in actual
            else:
                good = False
            if not good:
                found.append(f"{label}expected to contain {as_json(want)}, was {_shown(actual)}")
        elif key == "matches":
            text = actual if isinstance(actual, str) else str(actual)
            if not _search(want, text, label):
                found.append(f"{label}expected to match /{want}/, was {_shown(actual)}")
        elif key == "length":
            if not isinstance(actual, str | list | Mapping):
                found.append(f"{label}expected something with a length, was {_shown(actual)}")
            else:
                found += mismatches(want, len(actual), names, f"{path} length".strip())
        elif key == "interaction":
            iid = names.get(want)
            if iid is None:
                found.append(f"{label}`{want}` has no interaction id (was it created?)")
            elif actual != iid:
                found.append(f"{label}expected the id of `{want}` ({iid}), was {_shown(actual)}")
    return found


MISSING = _MISSING
"""The value ``mismatches`` receives for a key that is left out."""
