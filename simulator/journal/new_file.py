"""What opening a journal created (its file, the folders above it), taken away again when the
open is refused: a refused start leaves nothing behind (a full disk left a 0-byte file). Never a
file or folder that was there before.

The file is created here, with ``O_EXCL``, before SQLite opens it: so it is known to be this
process's own, not one another adsim made at the same moment (two runs starting on a new
journal). Even so it is removed only while it holds nothing (no bytes, or SQLite's header and
no table, as a disk with room for one page leaves it), and never when the open was refused for
a lock another process holds: a journal another adsim opened is that adsim's too."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Created"]

_SIBLINGS = ("-wal", "-shm", "-journal")
"""The files SQLite keeps beside a database."""


@dataclass
class Created:
    """The file and folders an open made (none: it made nothing)."""

    file: Path | None = None
    folders: list[Path] = field(default_factory=list)
    """Made by ``make_folders``, the deepest first."""
    siblings: list[Path] = field(default_factory=list)
    """SQLite's files beside ``file`` that were not there before it was made."""

    @classmethod
    def make_folders(cls, folder: Path) -> Created:
        """Make ``folder`` and its missing parents (``OSError`` as ``mkdir``'s, with what it
        made removed), remembering which it made."""
        missing = []
        for path in (folder, *folder.parents):
            if os.path.lexists(path):
                break
            missing.append(path)
        made = cls(folders=missing)  # the deepest first; one not made is not removed
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            made.remove()
            raise
        return made

    def make_file(self, target: str) -> None:
        """Create the journal file ``target`` if it is not there (through a symbolic link: its
        target), remembering it and the SQLite files beside it that are not there either. A
        file there already, or one that cannot be created, is left to SQLite (which says why)."""
        path = Path(os.path.realpath(target))
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except OSError:
            return
        os.close(descriptor)
        self.file = path
        self.siblings = [
            sibling
            for sibling in (Path(f"{path}{suffix}") for suffix in _SIBLINGS)
            if not os.path.lexists(sibling)
        ]

    def remove(self) -> None:
        """Remove what was made (best effort): the file while still empty, with SQLite's files
        beside it that it made, then the folders while empty."""
        if self.file is not None:
            if _holds_nothing(self.file):
                for path in (self.file, *self.siblings):
                    with contextlib.suppress(OSError):
                        path.unlink()
            self.file = None
        for folder in self.folders:
            try:
                folder.rmdir()
            except FileNotFoundError:
                continue  # never made (a mkdir that failed below it)
            except OSError:
                break  # not empty (something else is in it now): it and its parents stay
        self.folders = []


def _holds_nothing(path: Path) -> bool:
    """Whether the database file ``path`` holds nothing: no bytes, or SQLite's header with no
    schema (no table ever made, no version set) and no commit in its WAL (another process's
    would be there before any checkpoint). Read from the files' bytes: SQLite itself cannot
    read a WAL database on a full disk (its ``-shm`` cannot grow). False when in doubt."""
    try:
        with path.open("rb") as file:
            header = file.read(100)
        if not header:
            return True
        if not header.startswith(b"SQLite format 3\0") or len(header) < 100:
            return False
        if header[40:44] != bytes(4) or header[60:64] != bytes(4):  # schema cookie, version
            return False
        return not _wal_commits(Path(f"{path}-wal"))
    except OSError:
        return False


def _wal_commits(wal: Path) -> bool:
    """Whether the WAL ``wal`` holds a commit: a frame of its current salt whose header gives
    the database's size after it (``https://sqlite.org/fileformat2.html#walformat``)."""
    if not wal.exists():
        return False
    with wal.open("rb") as file:
        header = file.read(32)
        if len(header) < 32:
            return False  # no header: no frame either
        page_size = int.from_bytes(header[8:12], "big")
        salts = header[16:24]
        while True:
            frame = file.read(24)
            if len(frame) < 24:
                return False
            if frame[8:16] == salts and frame[4:8] != bytes(4):
                return True
            file.seek(page_size, 1)
