"""What the summary says of a plugin process's close (``PluginProcess.close``), one line each:
its ``close()`` that did not finish in time or raised, its process ended during it, threads it
left running, and its ``atexit`` functions (``simulator.handlers.child_exit``) that raised, ended
its process (``atexit.register(os._exit, 0)``, a signal) or were still running when the close's
limit ran out (its stacks dumped, its process killed).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from simulator.handlers.stacks import describe_exit

if TYPE_CHECKING:
    from simulator.handlers.plugin_pipe import Life

__all__ = ["close_lines"]


def close_lines(
    life: Life,
    grace: float,
    late: str | None,
    where: Callable[[str], str | None],
    own: str | None,
    *,
    running: tuple[str, str] | None = None,
) -> list[str]:
    """The lines (each to follow ``plugin crm: ``) of ``life``'s close, whose limit was
    ``grace`` + 1 s; ``late``: its stacks when that limit ran out and it was killed (None when
    it ended in time); ``where``: a dump's ``file:line in function``; ``own``: the plugin's
    file; ``running``: (event, handler) of a call its process was still running then (the
    window closed with a handler busy): that is what did not finish, not its ``close()``."""
    limit = grace + 1.0
    exiting = life.exiting[0] if life.exiting is not None else None
    lines = []
    if late is not None and exiting is None:
        # Where in the plugin's own code: past its close(), in adsim's end (its threads'
        # grace, Python's helpers), the dump's frames are adsim's and threading's.
        at = where(late)
        if at is not None and not _in_file(at, own):
            at = None
        if running is not None:
            event, handler = running
            lines.append(
                f"its handler {handler} of {event} was still running when adsim closed it"
                + (f", at {at}" if at else "")
                + f"; its process was killed after {limit:g} s"
            )
        else:
            lines.append(
                f"its close did not finish within {limit:g} s"
                + (f", at {at}" if at else "")
                + "; its process was killed"
            )
    if life.closing and not life.killed and life.left_threads is None:
        # It ended before it said so: its close() called os._exit, a signal, a crash.
        lines.append(
            f"its process {describe_exit(life.process.returncode)} during its close(), before "
            "it could say how its close went"
        )
    if life.close_error is not None:
        lines.append(f"its close() raised: {life.close_error}")
    if life.left_threads:
        names = ", ".join(life.left_threads)
        lines.append(
            f"thread(s) {names} still running {grace:g} s after the end; its process was ended"
        )
    lines.extend(life.exit_errors)
    if exiting is None or life.exiting is None:
        return lines
    skipped = _skipped(*life.exiting[1:])
    if late is not None:
        at = where(late)
        lines.append(
            f"its atexit function {exiting} was still running when its close's {limit:g} s "
            "ran out" + (f", at {at}" if at else "") + "; its process was killed" + skipped
        )
    elif not life.killed:  # os._exit, a signal: its own end (adsim's kill at a stop is said)
        how = describe_exit(life.process.returncode)
        lines.append(f"its atexit function {exiting} ended its process: it {how}{skipped}")
    return lines


def _in_file(at: str, file: str | None) -> bool:
    """Whether ``at`` (``file:line in function``) is in ``file``."""
    there = at.rsplit(" in ", 1)[0].rsplit(":", 1)[0]
    return file is not None and os.path.realpath(there) == os.path.realpath(file)


def _skipped(names: list[str], count: int) -> str:
    """`` (flush and logging.shutdown, registered before it, did not run)``; empty for none."""
    if not count:
        return ""
    shown = list(names) + ([f"{count - len(names)} more"] if count > len(names) else [])
    listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    return f" ({listed}, registered before it, did not run)"
