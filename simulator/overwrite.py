"""An ``--output`` is checked before it is opened: one of the command's own inputs is refused,
and the standard output by another name (``/dev/stdout``, or the file stdout is redirected to)
is the standard output.

Opening the output truncates it: ``adsim journal export --journal j.db -o j.db`` emptied the
journal it was about to read, ``adsim run flow.yaml -o flow.yaml`` replaced the scenario with its
events, and ``adsim run ... --journal j.db -o j.db`` passed with a journal that was no longer a
database. A slip of the keyboard (or of shell completion) must not destroy the user's files.

``adsim run flow.yaml -o /dev/stdout | jq`` opened stdout a second time: the run's summary, meant
for the terminal when the events go elsewhere, went into the data; redirected to a file, the two
opens wrote over each other from offset 0.

Two commands writing the same ``--output`` at once (two CI jobs, a script's ``&``) each truncated
it and wrote from their own offset: the file ended as one's lines over the other's, cut
mid-line, with a gap of NUL bytes. ``open_output`` writes a file beside it and renames it over the
output when the command ends (however it ends but killed): each command's output is whole, and
the one that ends last is the one the file holds.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO, cast

from simulator.data.errors import InputFileError

__all__ = [
    "is_standard_output",
    "open_output",
    "refuse_journal_files",
    "refuse_overwriting_inputs",
]


def _same(output: Path, other: str | os.PathLike[str]) -> bool:
    try:
        return os.path.samefile(output, other)
    except (OSError, ValueError):  # either is not there (or not a path): not the same file
        return False


def refuse_overwriting_inputs(
    output: str | os.PathLike[str] | None,
    inputs: Iterable[tuple[str, str | os.PathLike[str] | None]],
) -> None:
    """``InputFileError`` naming ``output`` when it is the same file as one of ``inputs``
    (``(what it is, path)`` pairs; a ``None`` path is skipped). ``None`` and ``-`` (stdout)
    overwrite nothing."""
    if output is None or str(output) in ("-", ""):
        return
    target = Path(output)
    if not target.exists():
        return  # a file that is not there yet cannot be an input
    for what, path in inputs:
        if path is not None and str(path) not in ("-", ":memory:") and _same(target, path):
            raise InputFileError(
                str(output),
                None,
                f"is also {what} of this command ({path}); writing the output there would "
                "destroy it: give --output another file",
            )


JOURNAL_FILES = ("-wal", "-shm", "-journal")
"""The files SQLite keeps beside a journal while it is open."""


def refuse_journal_files(
    output: str | os.PathLike[str] | None, journal: str | os.PathLike[str] | None
) -> None:
    """``InputFileError`` when ``output`` is ``journal`` or one of the files SQLite keeps beside
    it, by name: they need not exist yet. A run's journal makes its ``-wal`` after the output is
    opened, and the events went into it: the run passed with its journal empty; ``adsim run
    --journal new.db -o new.db`` passed with the events and the database in one file. Writing
    over the ``-shm`` a reader maps ended adsim in a bus error."""
    if output is None or journal is None or str(output) in ("-", ""):
        return
    if str(journal) == ":memory:":
        return
    target = Path(output).expanduser().resolve()
    base = Path(journal).expanduser().resolve()
    if target == base:  # one not there yet: the output made it, then SQLite wrote into it
        raise InputFileError(
            str(output),
            None,
            f"is also the journal of this command ({journal}); writing the output there would "
            "destroy it: give --output another file",
        )
    for suffix in JOURNAL_FILES:
        if target == Path(f"{base}{suffix}"):
            raise InputFileError(
                str(output),
                None,
                f"is the {suffix} file of the journal of this command ({journal}); writing the "
                "output there would destroy the journal: give --output another file",
            )


def is_standard_output(output: str | os.PathLike[str] | None) -> bool:
    """Whether ``output`` is the standard output: ``-``, or a name of the file or pipe that
    file descriptor 1 already is."""
    if output is None:
        return False
    if str(output) == "-":
        return True
    try:
        mine, stdout = os.stat(output), os.fstat(1)
    except (OSError, ValueError):
        return False
    return (mine.st_dev, mine.st_ino) == (stdout.st_dev, stdout.st_ino)


class _Replacing:
    """Text written to ``temp``, renamed over ``target`` when closed."""

    def __init__(self, handle: TextIO, temp: Path, target: Path):
        self._handle = handle
        self._temp = temp
        self._target = target
        self._failed = False

    def write(self, text: str, /) -> int:
        """Write ``text`` to the new file."""
        try:
            return self._handle.write(text)
        except OSError:
            self._failed = True  # a full disk, an I/O error: the output is left as it was
            raise

    def flush(self) -> None:
        """Flush the new file (the output is replaced at ``close``)."""
        self._handle.flush()

    def fileno(self) -> int:
        """The new file's descriptor."""
        return self._handle.fileno()

    def close(self) -> None:
        """Close the new file and put it in the output's place, once; after a write that
        failed, remove it (on a full disk, its room is given back) and leave the output."""
        if self._handle.closed:
            return
        try:
            self._handle.close()
        except OSError:
            self._failed = True
            raise
        finally:
            if self._failed:
                self._temp.unlink(missing_ok=True)
        if not self._failed:
            os.replace(self._temp, self._target)

    def __enter__(self) -> _Replacing:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def open_output(path: str | os.PathLike[str]) -> TextIO:
    """``path`` open for writing UTF-8 text. A file (or a name not there yet) is written as a new
    file in its folder and renamed over it when closed (see the module docstring), with the
    file's permissions; a symbolic link's target is replaced, the link kept. Anything else (a
    pipe, ``/dev/null``, a terminal), or a file in a folder adsim may not create files in, is
    written in place. ``OSError`` when it cannot be opened."""
    target = Path(os.path.realpath(path))
    try:
        status = os.stat(target).st_mode
        mode: int | None = stat.S_IMODE(status)
        regular = stat.S_ISREG(status)
    except FileNotFoundError:
        mode, regular = None, True
    except OSError:
        mode, regular = None, False  # said by the open below
    if regular:
        for _ in range(10):  # another name when one is taken (O_EXCL)
            temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.adsim-tmp")
            try:
                handle = temp.open("x", encoding="utf-8", newline="\n")
            except FileExistsError:
                continue
            except PermissionError:
                break  # a folder that is not ours, a file that is: written in place
            if mode is not None:  # the output's own; a file system without modes has none
                with contextlib.suppress(OSError):
                    os.chmod(temp, mode)
            return cast(TextIO, _Replacing(handle, temp, target))
    return Path(path).open("w", encoding="utf-8", newline="\n")
