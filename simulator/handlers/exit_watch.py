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

__all__ = ["GRACE", "watch"]

GRACE = 5.0
"""Seconds the ``atexit`` functions have, from the first, before adsim ends without them."""


def watch(code: int) -> None:
    """From the first ``atexit`` function run to the last (``interrupts``'s, registered
    before any other), at most ``GRACE`` seconds; then exit ``code`` (1 for 0) with a line.
    The watcher starts now, a daemon: a thread started in an ``atexit`` function is refused
    from Python 3.12."""
    begun, done = threading.Event(), threading.Event()
    interrupts.at_exit_end.append(done.set)
    atexit.register(begun.set)  # registered last: runs first
    threading.Thread(
        target=_wait,
        args=(begun, done, code, threading.get_ident()),
        name="adsim-atexit-watch",
        daemon=True,
    ).start()


def _wait(begun: threading.Event, done: threading.Event, code: int, main: int) -> None:
    begun.wait()
    if done.wait(GRACE):
        return
    frame = sys._current_frames().get(main)
    with contextlib.suppress(Exception):
        line = f"adsim: {_stuck(frame)}; exit {code or 1}\n"
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os.write(2, line.encode("utf-8", "replace"))
    exit_guard.real_exit(code or 1)


def _stuck(frame: FrameType | None) -> str:
    """Which ``atexit`` function is still running, whose, and where."""
    if frame is None:
        return f"an atexit function was still running {GRACE:g} s after adsim's report"
    where = f"{frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name}"
    outer = frame
    while outer.f_back is not None:
        outer = outer.f_back
    found = exit_guard.registered(outer.f_code)
    code_of = exit_guard.plugin_code(frame) if found is None else None
    if found is not None:
        plugin, registered = found
        name = outer.f_code.co_qualname
        who = f"plugin {plugin}'s atexit function {name} (registered at {registered})"
    elif code_of is not None:
        who = f"plugin {code_of[0]}'s atexit function {outer.f_code.co_qualname}"
    else:
        who = f"an atexit function ({outer.f_code.co_qualname}, a plugin's or a library's)"
    return (
        f"{who} was still running {GRACE:g} s after adsim's report, at {where}: in adsim's own "
        "process (thread isolation) it held adsim's exit; adsim ended without it (process "
        "isolation, adsim's default, does not run a plugin's atexit functions: flush in close())"
    )
