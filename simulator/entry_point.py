"""``adsim``'s entry point: the console script and ``python -m simulator`` call ``main`` here.

A Ctrl-C that came while ``adsim`` was still importing its command line (its first ~50 ms, before
``simulator.interrupts`` is in place) printed a ``KeyboardInterrupt`` traceback through the
console script. Here it ends ``adsim`` as a later one does: the one line
``adsim: interrupted (SIGINT): stopping`` and exit code 130.

This module imports only what the interpreter has already imported (``os``, ``sys``): nothing it
does at import takes time in which a Ctrl-C would go unhandled. What Python itself runs before it
(``site`` and the ``.pth`` files of an environment) is Python's, and out of adsim's reach.
"""

from __future__ import annotations

import os
import sys

__all__ = ["main"]

_SIGINT = 2
"""``signal.SIGINT`` on every platform Python runs on (``signal`` is not imported yet)."""


def main() -> int:
    """Run ``adsim`` on ``sys.argv``; returns the exit code."""
    try:
        from simulator.cli import main as run

        return run()
    except KeyboardInterrupt as exc:
        # ``simulator.interrupts`` said its line when it raised (``Interrupted`` has a
        # ``signum``); a plain KeyboardInterrupt came before it was in place, or after.
        signum = getattr(exc, "signum", None)
        if signum is None:
            signum = _SIGINT
            _say("adsim: interrupted (SIGINT): stopping")
        return 128 + signum


def _say(line: str) -> None:
    """One line on stderr in one write (after the terminal's ``^C``, on a line of its own)."""
    try:
        start = "\n" if os.isatty(2) else ""
        os.write(2, (start + line + "\n").encode("utf-8", "replace"))
    except OSError:  # no stderr: the exit code says it
        pass


if __name__ == "__main__":
    sys.exit(main())
