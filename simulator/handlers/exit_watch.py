"""A plugin's ``atexit`` function that never returns, when its process is adsim's (thread
isolation).

``atexit.register(f)`` in a plugin run in adsim's own process runs ``f`` as adsim exits, after
its summary, as Python runs them; one that never returns (``while True: pass``, a
``threading.Event().wait()``, a flush to a CRM that never answers) held adsim's exit for ever
after a ``PASS``: CI waited out its own timeout. ``watch`` (called once the command's exit code
is known) gives the ``atexit`` functions ``GRACE`` seconds: past it, one line on stderr names
the function, the plugin that registered it and where it was stuck, and adsim ends with the
command's exit code, 1 for 0. ``simulator.handlers.exit_guard`` records who registers what
(``registered``). Bounded only while Python runs bytecode: C code that holds the GIL for ever
in an ``atexit`` function is beyond it.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
from types import FrameType

from simulator import interrupts
from simulator.handlers import exit_guard

__all__ = ["GRACE", "arm", "plugins_registered", "watch"]

GRACE = 5.0
"""Seconds the ``atexit`` functions have, from the first, before adsim ends without them."""


_DONE = threading.Event()
"""Set by the last ``atexit`` function (``interrupts.ignore_stops_once_ended`` under ``adsim``,
``arm``'s under pytest): every other has returned."""
_CODE = [0]
"""The exit code to end with (the latest ``watch``: a pytester session run inside pytest's
ends before the outer one)."""
_PYTEST = [False]
"""The process is pytest's (the adsim fixtures): said so."""
_BEGUN: list[threading.Event] = []
"""Set by the first ``atexit`` function (``watch``): they have begun."""
_armed: list[bool] = []
_watching: list[bool] = []


def arm() -> None:
    """Under pytest (at its configure, before any handler plugin loads): the end of the
    ``atexit`` functions registered after this is noted (they run last first)."""
    if not _armed:
        _armed.append(True)
        atexit.register(_DONE.set)


def watch(code: int, *, pytest: bool = False) -> None:
    """From the first ``atexit`` function run to the last, at most ``GRACE`` seconds; then
    exit ``code`` (1 for 0) with a line. The watcher starts now, a daemon: a thread started
    in an ``atexit`` function is refused from Python 3.12."""
    _CODE[0] = code
    _PYTEST[0] = pytest
    if _watching:
        return
    _watching.append(True)
    if not _armed:  # adsim's command: interrupts' atexit function runs last
        _armed.append(True)
        interrupts.at_exit_end.append(_DONE.set)
    begun = threading.Event()
    atexit.register(begun.set)  # registered last: runs first
    _BEGUN[:] = [begun]
    interrupts.at_exit_running.append(_cut_off)
    threading.Thread(
        target=_wait, args=(begun, threading.get_ident()), name="adsim-atexit-watch", daemon=True
    ).start()


def plugins_registered() -> bool:
    """Whether a plugin's code registered an ``atexit`` function in this process."""
    return exit_guard.registered(None) is not None


def _wait(begun: threading.Event, main: int) -> None:
    begun.wait()
    if _DONE.wait(GRACE):
        return
    code = _CODE[0]
    frame = sys._current_frames().get(main)
    with contextlib.suppress(Exception):
        line = f"adsim: {_stuck(frame)}; exit {code or 1}\n"
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        for call in exit_guard.before_saying:  # pytest's capture of stderr ended
            with contextlib.suppress(Exception):
                call()
        os.write(2, line.encode("utf-8", "replace"))
    exit_guard.real_exit(code or 1)


def _running(frame: FrameType) -> tuple[str, str, bool]:
    """Which ``atexit`` function runs ``frame`` (whose: the plugin by its name, as the summary
    names it, not by its file), where in the plugin's own code (the innermost frame when none
    is the plugin's: a library's function registered), and whether it is a plugin's."""
    at = exit_guard.own_frame(frame) or frame  # threading.py's wait said nothing of the plugin
    where = f"{at.f_code.co_filename}:{at.f_lineno} in {at.f_code.co_name}"
    outer = frame
    while outer.f_back is not None:
        outer = outer.f_back
    name = outer.f_code.co_qualname
    found = exit_guard.registered(outer.f_code)
    # Its name now (its file's when registered at import: the name was not known yet).
    code_of = exit_guard.plugin_code(frame)
    plugin = code_of[0] if code_of is not None else found[0] if found is not None else None
    if plugin is None:
        return f"an atexit function ({name}, a plugin's or a library's)", where, False
    registered = f" (registered at {found[1]})" if found is not None else ""
    return f"plugin {plugin}'s atexit function {name}{registered}", where, True


def _cut_off(frame: FrameType | None) -> str | None:
    """A signal that ends adsim as it exits (``interrupts``), over a plugin's ``atexit``
    function: the clause saying the user's signal cut it off (it said the plugin had called
    ``os._exit``); None when none was running."""
    if not _BEGUN or not _BEGUN[0].is_set() or _DONE.is_set() or frame is None:
        return None
    who, where, mine = _running(frame)
    if not mine:
        return None
    return f"{who} was still running, at {where}, and did not finish"


def _stuck(frame: FrameType | None) -> str:
    """Which ``atexit`` function is still running, whose, and where."""
    if frame is None:
        return f"an atexit function was still running {GRACE:g} s after the report"
    who, where, _mine = _running(frame)
    report, other = (
        ("pytest's report", 'handler_isolation="process" (the adsim marker)')
        if _PYTEST[0]
        else ("adsim's report", "process isolation, adsim's default")
    )
    return (
        f"{who} was still running {GRACE:g} s after {report}, at {where}: in adsim's own "
        "process (thread isolation) it held the process's exit; it ended without it "
        f"(with {other}, it runs in the plugin's process, within its close's limit)"
    )
