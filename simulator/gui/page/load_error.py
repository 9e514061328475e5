"""A page whose script throws while it loads, before it constructs an ``AdApi`` (a syntax error
in its ``app.js``): ``adsim run --page`` reports that error, where it was thrown, at once,
instead of waiting out the load timeout and guessing."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from simulator.data import InputFileError
from simulator.gui.page.scheme import HOST, SCHEME

__all__ = ["CONSTRUCTED_SCRIPT", "thrown_while_loading"]

CONSTRUCTED_SCRIPT = "(window.brightpattern && window.brightpattern.instances) || 0"
"""How many ``AdApi`` instances the page's shim has constructed (0 without the shim)."""


def _where(target: str | Path, source: str) -> str:
    """The file on disk for a folder page's ``adsim://crm/...`` URL, else the URL itself."""
    parts = urlsplit(source)
    folder = Path(target)
    if parts.scheme == SCHEME.decode() and parts.netloc == HOST and folder.is_dir():
        on_disk = folder / unquote(parts.path).lstrip("/")
        if on_disk.is_file():
            return str(on_disk)
    return source or str(target)


def thrown_while_loading(
    target: str | Path, source: str, line: int, message: str
) -> InputFileError:
    """Bad input naming the error's file:line and message, and why it ends the load."""
    why = "thrown while the page loaded, before it constructed window.brightpattern.AdApi"
    return InputFileError(_where(target, source), line or None, f"{message} ({why})")
