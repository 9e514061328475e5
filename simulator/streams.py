"""adsim's standard output and error: any text in any locale, a reader that left, a full disk.

An ASCII-only locale (``LC_ALL=C`` with ``PYTHONCOERCECLOCALE=0``, ``PYTHONIOENCODING=ascii``)
or a Windows code page (cp1252) cannot encode a scenario named ``Zoë ✓`` or a customer called
``Ünal``, and Python's stdout then raises ``UnicodeEncodeError`` in the middle of a run. So:

- stdout that is not a terminal (a file, a pipe, CI's log) carries data: JSON lines, CSV, the
  activity record. It is written in UTF-8 whatever the locale, as JSON requires (RFC 8259); a
  file name that came from the command line as undecodable bytes goes back out as those bytes.
- a terminal keeps its encoding (that is what it shows); a character it lacks is written as an
  escape (``\\u2713``) rather than ending the run. stderr does that already (Python's default).

Every line on stderr is written whole, in one ``write``. Python's own stderr is unbuffered when
it is not a terminal, so ``print(line)`` is two writes, the text and then its newline; adsim
prints from several threads (``--trace-handlers``, the summary, the first Ctrl-C's notice) and
its plugin processes share the same stderr, so a line written between the two ended up in the
middle of another (``... save okadsim: interrupted``) and a log reader missed both.

A reader that left (``adsim ... | head``) ends the command quietly with 141, as SIGPIPE would; a
full disk or quota is one line and exit 2; an error line stderr cannot take loses the line, not
the exit code.

Standard library only: it runs before a command's imports.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import io
import os
import stat
import sys
from typing import Protocol, TextIO

__all__ = [
    "EXIT_BROKEN_PIPE",
    "OutputFailedError",
    "OutputFile",
    "OutputFullError",
    "Writer",
    "complain",
    "encodable_streams",
    "may_wait",
    "no_room",
    "open_standard_fds",
    "output_failure",
    "quiet_broken_pipe",
    "whole_lines",
]

EXIT_BROKEN_PIPE = 141
"""128 + SIGPIPE: what a shell reports for a program the closed pipe ended."""

_NO_ROOM = frozenset(
    getattr(errno, name) for name in ("ENOSPC", "EDQUOT", "EFBIG") if hasattr(errno, name)
)
"""Write errors that mean the output's disk (or quota, or file size limit) is full."""


def _is_utf8(encoding: str | None) -> bool:
    if not encoding:
        return False
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def open_standard_fds() -> None:
    """Standard input, output and error that were closed (``adsim run ... >&-``) become
    /dev/null. Left closed, the next file adsim opens takes that number: the journal's database
    would be "stdout", and a plugin process, which inherits it, would print into it. Python
    then had ``sys.stdout`` None and adsim ended in an AttributeError."""
    for fd, name, mode in ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w")):
        try:
            os.fstat(fd)
            continue
        except OSError:
            pass
        devnull = os.open(os.devnull, os.O_RDONLY if mode == "r" else os.O_WRONLY)
        if devnull != fd:
            os.dup2(devnull, fd)
            os.close(devnull)
        if getattr(sys, name) is None:
            setattr(sys, name, open(fd, mode, encoding="utf-8", closefd=False))  # noqa: SIM115


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


def whole_lines(*names: str) -> None:
    """Make ``sys.stderr`` (or the named streams: ``"stdout"``, ``"stderr"``) write each line in
    one piece, at its newline (see the module docstring); a stream a caller replaced (not the
    interpreter's own) is left alone."""
    for name in names or ("stderr",):
        stream = getattr(sys, name)
        if stream is not getattr(sys, f"__{name}__") or not isinstance(stream, io.TextIOWrapper):
            continue
        # The text layer keeps a line until its newline and hands it on in one write. A write
        # that fails (the reader left) drops that line: nothing is left to fail again at exit.
        with contextlib.suppress(OSError, ValueError):  # closed
            stream.reconfigure(line_buffering=True, write_through=False)


def quiet_broken_pipe() -> int:
    """``adsim ... | head``: the reader left. Point stdout at /dev/null so the interpreter's
    last flush cannot fail again, and exit as a program killed by SIGPIPE would (141)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a file (tests): nothing to redirect
        pass
    return EXIT_BROKEN_PIPE


def no_room(exc: OSError) -> bool:
    """Whether a write failed because the disk, the quota or the file size limit is full."""
    return exc.errno in _NO_ROOM


def complain(line: str) -> None:
    """An error's one line on stderr. A stderr nobody reads any more (``2>&1 | head -0``) loses
    the line, not the exit code that says what went wrong."""
    with contextlib.suppress(OSError, ValueError):  # ValueError: closed (by a handler's code)
        print(line, file=sys.stderr, flush=True)


class Writer(Protocol):
    """Where a command writes its data: ``sys.stdout`` or an ``OutputFile``."""

    def write(self, text: str, /) -> int: ...


class OutputFailedError(OSError):
    """A write to an ``--output`` file (or its close) failed for another reason than a full
    disk (``no_room``) or a reader that left: an I/O error of its disk or network share."""


class OutputFullError(OSError):
    """A write to an ``--output`` file (or its close) found no room (``no_room``): a full disk or
    quota, said as a redirect's is, with the file's name (``filename``)."""


def output_failure(exc: OSError, name: str) -> OSError:
    """What a failed write to the ``--output`` file ``name`` raises: a reader that left as it
    is; a full disk ``OutputFullError``, any other failure ``OutputFailedError``, naming it."""
    if isinstance(exc, BrokenPipeError):
        return exc
    kind = OutputFullError if no_room(exc) else OutputFailedError
    return kind(exc.errno, exc.strerror or str(exc), name)


class OutputFile:
    """An ``--output`` file open for writing. Its writes that fail, but for a full disk or a
    closed pipe (said as such by the command line), raise ``OutputFailedError`` naming the file:
    the command line says so in one line, exit 2, where an ``EIO`` ended in a traceback."""

    def __init__(self, handle: TextIO, name: str):
        self._handle = handle
        self.name = name

    def write(self, text: str, /) -> int:
        """Write ``text`` (see the class docstring for a write that fails)."""
        try:
            return self._handle.write(text)
        except OSError as exc:
            raise self._failed(exc) from None

    def fileno(self) -> int:
        """The file's descriptor."""
        return self._handle.fileno()

    def close(self) -> None:
        """Flush what is buffered and close the file."""
        try:
            self._handle.close()
        except OSError as exc:
            raise self._failed(exc) from None

    def __enter__(self) -> OutputFile:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _failed(self, exc: OSError) -> OSError:
        return output_failure(exc, self.name)


def may_wait(stream: object) -> bool:
    """Whether a write to ``stream`` may wait on its reader for as long as the reader likes (a
    pipe, a terminal, a socket): anything but a regular file, or a stream with no file."""
    try:
        mode = os.fstat(stream.fileno()).st_mode  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is both
        return True
    return not stat.S_ISREG(mode)
