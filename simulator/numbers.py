"""Numbers from the command line: argparse ``type=`` functions that accept only sane values.

Every numeric option of ``adsim`` goes through one of these, so ``nan``, ``inf``, ``1e-300`` or a
seed past what SQLite stores end as one line naming the option (argparse adds
``argument --rate:``) and exit 2, never a traceback or an endless wait. No imports beyond the
standard library: every subcommand's parser uses them before the engine is loaded.
"""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Callable

__all__ = [
    "MAX_ROW_ID",
    "MAX_SEED",
    "decimal",
    "integer",
    "rate",
    "seconds",
    "seed",
    "seed_problem",
    "whole",
]

MAX_SEED = 2**53
"""The largest seed: the largest number a scenario file may hold (JSON's exact integers,
``simulator.data.bounded_yaml.MAX_NUMBER``), so that ``--seed`` and ``seed:`` take the same
seeds: whatever one accepts, the other does."""
MAX_ROW_ID = 2**63 - 1
"""The largest SQLite row id (64-bit signed): a journal's run number."""


_INTEGER = re.compile(r"[ \t]*[-+]?[0-9]+[ \t]*")
_DECIMAL = re.compile(r"[ \t]*[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?[ \t]*")
_WORDS = re.compile(r"[ \t]*[-+]?(?:nan|inf|infinity)[ \t]*", re.IGNORECASE)
"""Python's ``int()`` and ``float()`` also read other scripts' digits (``--seed ٣`` was seed 3,
``１０`` was 10) and underscores (``1_000``): a number no other tool reads as one, taken
silently. A number on adsim's command line is written in ASCII digits, as in a scenario file."""


def _not_ascii(text: str) -> str:
    """``: write it in ASCII digits, 0-9`` when ``text`` holds another script's digits."""
    if any(char.isdigit() and not char.isascii() for char in text):
        return ": write it in ASCII digits, 0-9"
    return ""


def integer(text: str, what: str = "a whole number") -> int:
    """``text`` as a whole number in ASCII digits (a sign and spaces around allowed), else a
    ``ValueError`` saying ``text`` is not ``what``."""
    if _INTEGER.fullmatch(text) is None:
        raise ValueError(f"{text!r} is not {what}{_not_ascii(text)}")
    return int(text)


def decimal(text: str, what: str = "a number") -> float:
    """``text`` as a number in ASCII digits (``1.5``, ``.5``, ``2e3``; ``nan`` and ``inf`` too,
    for the caller to refuse in its own words), else a ``ValueError`` saying it is not ``what``."""
    if _DECIMAL.fullmatch(text) is None and _WORDS.fullmatch(text) is None:
        raise ValueError(f"{text!r} is not {what}{_not_ascii(text)}")
    return float(text)


def whole(low: int, high: int) -> Callable[[str], int]:
    """A whole number from ``low`` to ``high`` inclusive."""

    def parse(text: str) -> int:
        try:
            value = integer(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is out of range: use {low} to {high:,}")
        return value

    parse.__name__ = "whole number"
    return parse


def _finite(text: str, unit: str) -> float:
    try:
        value = decimal(text, f"a number of {unit}")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number of {unit}")
    return value


def seconds(low: float, high: float) -> Callable[[str], float]:
    """A finite number of seconds from ``low`` to ``high`` inclusive."""

    def parse(text: str) -> float:
        value = _finite(text, "seconds")
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"{text} is out of range: use {low:,.10g} to {high:,.10g} seconds"
            )
        return value

    parse.__name__ = "seconds"
    return parse


def rate(low: float, high: float) -> Callable[[str], float]:
    """A finite rate (per second) from ``low`` to ``high`` inclusive."""

    def parse(text: str) -> float:
        value = _finite(text, "interactions per second")
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"{text} is out of range: use {low:,.10g} to {high:,.10g} interactions per second"
            )
        return value

    parse.__name__ = "rate"
    return parse


def seed_problem(value: int) -> str | None:
    """What is wrong with a seed (None when it is one): ``--seed`` and a scenario's ``seed:``
    say it in the same words (a file's number past 2**53 is refused in them when read)."""
    if value < 0:
        return f"{value} is negative: a seed is a whole number from 0 to {MAX_SEED:,}"
    if value > MAX_SEED:
        return f"{value} is too big (at most {MAX_SEED:,})"
    return None


def seed(text: str) -> int:
    """A random seed: a whole number from 0 to ``MAX_SEED`` (2**53)."""
    try:
        value = integer(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    problem = seed_problem(value)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return value


seed.__name__ = "seed"
