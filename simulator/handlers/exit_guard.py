"""``os._exit`` called by a plugin that runs in adsim's own process (thread isolation).

With ``--handler-isolation thread`` (and the pytest fixtures' default) a plugin shares adsim's
process, and ``os._exit(0)`` in one of its handlers ended adsim at once with status 0: no
summary, no journal flush, and CI saw a pass. Once such a plugin is loaded ``os._exit`` is this
module's: called from a plugin's code (a frame in the folder of a plugin's file, innermost
first), or on a thread importing a plugin or running its ``register``, it says so on stderr,
with where, and ends the process with the status asked for, 1 for 0: the plugin's exit still
ends adsim (nothing else can run after it), but never as a pass. Anything else (adsim's own
exits, a library's, a forked child's) goes straight to the real ``os._exit``. Process isolation
needs none of this: a plugin's exit ends only its own process, reported as ``crashed``.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import NoReturn

__all__ = ["before_saying", "loading", "watch"]

_REAL_EXIT = os._exit
_folders: dict[str, str] = {}
"""The folder of each plugin file loaded in this process (real path) -> the plugin's name."""
_local = threading.local()
before_saying: list[Callable[[], object]] = []
"""Called before the line is written (the pytest plugin: stop capturing stderr, or the line
would go to a capture file the exit never shows)."""
_installed_in: list[int] = []
"""The process the guard was installed in (a forked child's exits are its own business)."""


def _install() -> None:
    if os._exit is not _guarded:
        _installed_in[:] = [os.getpid()]
        os._exit = _guarded


def watch(name: str, file: str | None) -> None:
    """``name``'s code is in ``file`` (and its folder): its ``os._exit`` is said."""
    _install()
    if file is not None:
        _folders.setdefault(os.path.dirname(os.path.realpath(file)), name)


@contextlib.contextmanager
def loading(what: str) -> Iterator[None]:
    """An ``os._exit`` on this thread meanwhile is ``what``'s (a plugin's import or
    ``register``, whose file may not be known yet: an installed package's)."""
    _install()
    outer = getattr(_local, "loading", None)
    _local.loading = what
    try:
        yield
    finally:
        _local.loading = outer


def _culprit(frame: FrameType | None) -> tuple[str, str] | None:
    """(plugin, file:line) of the plugin code that called ``os._exit``; None when not a plugin."""
    first = frame
    while frame is not None:
        code = frame.f_code
        name = _folders.get(os.path.dirname(os.path.realpath(code.co_filename)))
        if name is not None:
            return name, f"{code.co_filename}:{frame.f_lineno}"
        frame = frame.f_back
    what = getattr(_local, "loading", None)
    if what is not None and first is not None:
        return what, f"{first.f_code.co_filename}:{first.f_lineno}"
    return None


def _guarded(status: int) -> NoReturn:
    if [os.getpid()] == _installed_in:
        culprit = _culprit(sys._getframe(1))
        if culprit is not None:
            name, where = culprit
            code = status or 1
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(Exception):
                    stream.flush()
            for call in before_saying:
                with contextlib.suppress(Exception):
                    call()
            # The test running, when this process is pytest's (a child inherits the variable).
            test = os.environ.get("PYTEST_CURRENT_TEST") if "_pytest" in sys.modules else None
            during = f" during {test.removesuffix(' (call)')}" if test else ""
            with contextlib.suppress(Exception):
                print(
                    f"adsim: plugin {name} called os._exit({status}) at {where}{during}: in "
                    f"adsim's own process (thread isolation) its exit ends adsim with it, before "
                    f"the run's end; exit {code} (process isolation, adsim's default, reports it "
                    "as a crash and goes on)",
                    file=sys.stderr,
                    flush=True,
                )
            _REAL_EXIT(code)
    _REAL_EXIT(status)
