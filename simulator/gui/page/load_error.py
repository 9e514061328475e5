"""A page that never connects its ``AdApi`` after throwing errors nobody caught (a syntax error
in its ``app.js``): ``adsim run --page`` names those errors, where they were thrown, when the
page timeout runs out, instead of guessing ("does it load api.js?").

The errors end nothing early: a page may construct its ``AdApi`` later (after a config fetch, a
timer, a framework's mount), and an unrelated script's error (an analytics call the network
guard blocked) must not fail a page that connects."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from simulator.data import InputFileError
from simulator.gui.page.scheme import HOST, SCHEME

__all__ = ["THROWN_NAMED", "not_connected"]

THROWN_NAMED = 3
"""How many of the errors a page threw uncaught are named (the first ones); the rest counted."""


def _where(target: str | Path, source: str) -> str:
    """The file on disk for a folder page's ``adsim://crm/...`` URL, else the URL itself."""
    parts = urlsplit(source)
    folder = Path(target)
    if parts.scheme == SCHEME.decode() and parts.netloc == HOST and folder.is_dir():
        on_disk = folder / unquote(parts.path).lstrip("/")
        if on_disk.is_file():
            return str(on_disk)
    return source or str(target)


def _place(target: str | Path, source: str, line: int) -> str:
    where = _where(target, source)
    return f"{where}:{line}" if line else where


def not_connected(
    target: str | Path,
    thrown: Sequence[tuple[str, int, str]],
    more: int,
    timeout: float,
    what: str,
) -> InputFileError:
    """Bad input for a page that did not connect an ``AdApi`` within ``timeout`` seconds of its
    load (``what``: "load" or "reload"), naming the first error it threw uncaught meanwhile
    (``thrown``: source URL, line, message) and listing the others (``more`` unnamed)."""
    (source, line, message), *others = thrown
    why = (
        f"thrown while the page {'re' if what == 'reload' else ''}loaded, which did not "
        f"construct window.brightpattern.AdApi within {timeout:g} s"
    )
    also = [f"{_place(target, s, n)}: {m}" for s, n, m in others]
    if more:
        also.append(f"{more} more on stderr ([page] console lines)")
    if also:
        why += f"; also uncaught: {'; '.join(also)}"
    return InputFileError(_where(target, source), line or None, f"{message} ({why})")
