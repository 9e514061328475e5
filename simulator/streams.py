"""adsim's standard output and error in any locale: they never fail on a character.

An ASCII-only locale (``LC_ALL=C`` with ``PYTHONCOERCECLOCALE=0``, ``PYTHONIOENCODING=ascii``)
or a Windows code page (cp1252) cannot encode a scenario named ``Zoë ✓`` or a customer called
``Ünal``, and Python's stdout then raises ``UnicodeEncodeError`` in the middle of a run. So:

- stdout that is not a terminal (a file, a pipe, CI's log) carries data: JSON lines, CSV, the
  activity record. It is written in UTF-8 whatever the locale, as JSON requires (RFC 8259); a
  file name that came from the command line as undecodable bytes goes back out as those bytes.
- a terminal keeps its encoding (that is what it shows); a character it lacks is written as an
  escape (``\\u2713``) rather than ending the run. stderr does that already (Python's default).

Standard library only: it runs before a command's imports.
"""

from __future__ import annotations

import codecs
import io
import sys

__all__ = ["encodable_streams"]


def _is_utf8(encoding: str | None) -> bool:
    if not encoding:
        return False
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def encodable_streams() -> None:
    """Reconfigure ``sys.stdout`` and ``sys.stderr`` so writing any text to them succeeds (see
    the module docstring); streams already UTF-8, or replaced by a caller, are left alone."""
    for stream in (sys.stdout, sys.stderr):
        if not isinstance(stream, io.TextIOWrapper) or _is_utf8(stream.encoding):
            continue
        try:
            terminal = stream.isatty()
        except ValueError:  # closed
            continue
        if stream is sys.stdout and not terminal:
            # surrogateescape as Python's own C-locale stdout: a file name decoded from the
            # command line's bytes is written back as those bytes.
            stream.reconfigure(encoding="utf-8", errors="surrogateescape")
        else:
            stream.reconfigure(errors="backslashreplace")
