"""adsim's process-wide settings, kept from a plugin that runs in adsim's own process.

With ``--handler-isolation thread`` a plugin shares adsim's process, and with it three settings
adsim's own code depends on:

- the current directory: a plugin's ``os.chdir()`` (in ``register()``, to find its own files;
  in a handler) moved adsim's, and the relative paths adsim opened later went there: the next
  scenario of ``adsim run a.yaml b.yaml --handler crm.py`` was refused ("no such handler file",
  exit 2) and its ``--journal runs.db`` was made in the plugin's folder, nothing saying why;
- the recursion limit: lowered (``sys.setrecursionlimit(40)``), adsim's own code ran out of it
  and the run ended in adsim's own ``RecursionError``, with no summary. Raised, it is the
  plugin's own (a parser's deep recursion) and stays;
- the thread switch interval: raised (``sys.setswitchinterval(1000)``), a handler that loops held
  the GIL for that long: its timeout never came, and neither Ctrl-C nor SIGTERM stopped adsim.
  Lowered, threads take turns more often: slower, and the plugin's own.

After a plugin's import and ``register()`` and after each handler call, what it changed is put
back and said (an incident of the run: exit 1). A handler that puts it back itself
(``contextlib.chdir``) changed nothing. The check costs a ``getcwd`` before and after each call
and the reading of two numbers (some 3 µs a call).
"""

from __future__ import annotations

import os
import sys

__all__ = ["Settings", "mend_settings", "now"]

Settings = tuple[str | None, int, float]
"""The current directory (None: it cannot be read, as when it was removed), the recursion limit
and the thread switch interval."""


def _cwd() -> str | None:
    try:
        return os.getcwd()
    except OSError:  # removed meanwhile (a temporary folder), or no longer ours to read
        return None


def now() -> Settings:
    """The settings as they are."""
    return _cwd(), sys.getrecursionlimit(), sys.getswitchinterval()


def mend_settings(who: str, before: Settings) -> list[str]:
    """Put back each setting of ``before`` that ``who`` changed since; an incident's line for
    each (none: nothing changed)."""
    lines = []
    cwd, limit, interval = before
    if cwd is not None:
        current = _cwd()
        if current != cwd:
            lines.append(_put_back_cwd(who, cwd, current))
    lowered = sys.getrecursionlimit()
    if lowered < limit:
        sys.setrecursionlimit(limit)
        lines.append(
            f"{who} lowered the recursion limit to {lowered} (sys.setrecursionlimit), which "
            "adsim's own code (all of adsim, in thread isolation) runs under: it ended in "
            f"adsim's own RecursionError; adsim put back {limit} (raise it, never lower it, or "
            "use process isolation)"
        )
    raised = sys.getswitchinterval()
    if raised > interval:
        sys.setswitchinterval(interval)
        lines.append(
            f"{who} raised the thread switch interval to {raised:g} s (sys.setswitchinterval); in "
            "adsim's own process (thread isolation) a handler that loops held adsim's threads "
            "back that long: its timeout and Ctrl-C waited for it; adsim put back "
            f"{interval:g} s (use process isolation)"
        )
    return lines


def _put_back_cwd(who: str, cwd: str, current: str | None) -> str:
    there = current if current is not None else "a folder since removed"
    try:
        os.chdir(cwd)
    except OSError as exc:
        done = f"adsim could not put back {cwd}: {exc.strerror or exc}"
    else:
        done = f"adsim put back {cwd}"
    return (
        f"{who} changed adsim's current directory to {there} (os.chdir); in adsim's own process "
        "(thread isolation) every relative path opened later (the next scenario's handlers "
        f"and journal, a test's files) went there too: {done} (open the plugin's files by "
        "absolute path, Path(__file__).parent / NAME, or use process isolation)"
    )
