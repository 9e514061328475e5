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
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from simulator.data.errors import InputFileError

__all__ = ["is_standard_output", "refuse_journal_files", "refuse_overwriting_inputs"]


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
