"""A plugin's ``atexit`` functions run as its process ends (process isolation).

A plugin's process ends with ``os._exit`` once its ``close()`` and its threads' grace are over
(a thread it left must not keep the process alive), which skips Python's exit handlers: what a
plugin or its libraries registered with ``atexit`` (a batch of records flushed to the CRM at
exit, ``logging``'s final flush of a buffering handler, a ``weakref.finalize``, a
``tempfile.TemporaryDirectory`` removed) never ran, with nothing said, while with
``--handler-isolation thread`` the same plugin's ran at adsim's exit. ``run_exit_functions``
runs them at that point, on a thread of their own given the threads' grace: one that raises is
an incident (``its atexit function flush raised: crm.py:9: OSError: ...``, Python's traceback
above it, as at any exit), and one still running after the grace is an incident naming where it
was, and the process ends as before. ``multiprocessing``'s own (which ends the pools and
processes a plugin left) stays adsim's to handle: it is not run (what a plugin left running is
named and killed, ``simulator.handlers.leftover_processes``).
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from collections.abc import Iterable
from typing import Any

from simulator.handlers.background_errors import where
from simulator.handlers.leftover_threads import join_within
from simulator.one_line import exception_text

__all__ = ["run_exit_functions"]


def run_exit_functions(grace: float, files: Iterable[str] = ()) -> list[str]:
    """Run this process's ``atexit`` functions (last registered first, as Python's exit does)
    within ``grace`` seconds of time they could run; the incident lines of those that raised
    or were still running."""
    ending = getattr(sys.modules.get("multiprocessing.util"), "_exit_function", None)
    if ending is not None:
        atexit.unregister(ending)
    if not atexit._ncallbacks():
        return []
    wanted = [os.path.realpath(file) for file in files]
    lines: list[str] = []
    theirs = sys.unraisablehook

    def raised(unraisable: Any) -> None:
        exc = unraisable.exc_value
        if threading.current_thread() is not runner or exc is None:
            theirs(unraisable)
            return
        theirs(unraisable)  # Python's own lines: its traceback on adsim's stderr
        name = getattr(unraisable.object, "__qualname__", None) or repr(unraisable.object)
        lines.append(
            f"its atexit function {name} raised: {where(exc.__traceback__, wanted)}: "
            f"{exception_text(exc)}"
        )

    runner = threading.Thread(target=atexit._run_exitfuncs, name="adsim-atexit", daemon=True)
    sys.unraisablehook = raised
    try:
        runner.start()
        ended = join_within(runner, grace)
    finally:
        sys.unraisablehook = theirs
    if not ended:
        lines.append(
            f"its atexit function {_running(runner, wanted)} still running {grace:g} s after "
            "the end; its process was ended (end what it waits for in close())"
        )
    return lines


def _running(thread: threading.Thread, files: list[str]) -> str:
    """The atexit function ``thread`` runs (the frame ``Thread.run`` called, through
    ``atexit``), with where it is (the innermost frame in the plugin's ``files``, else the
    innermost)."""
    frame = sys._current_frames().get(thread.ident or -1)
    called, found, innermost = None, "", ""
    while frame is not None:
        text = f"{frame.f_code.co_filename}:{frame.f_lineno}"
        innermost = innermost or text
        if not found and os.path.realpath(frame.f_code.co_filename) in files:
            found = text
        if frame.f_back is not None and frame.f_back.f_code is threading.Thread.run.__code__:
            called = frame
        frame = frame.f_back
    name = called.f_code.co_qualname if called is not None else "?"
    return f"{name} (at {found or innermost or '?'})"
