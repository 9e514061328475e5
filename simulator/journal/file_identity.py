"""Which file a journal's path named when it was opened, and whether it still does.

SQLite writes through the file descriptor it opened: a journal file deleted while adsim writes
it (a clean-up script, ``rm -rf`` of an output folder, a test's temporary folder removed) takes
every later commit with it, and one moved away or replaced by another file (``mv``, a copy put
back over it) gets them where nobody looks. Both went unnoticed: the run passed and the journal
the user asked for did not have it. Each transaction now checks, under the write lock, that the
path still names the file opened (device and inode, one ``stat``); when it does not, the
transaction fails like any write that cannot be done, with one line that says why.

Once such a journal is closed, its ``-wal`` (emptied) and ``-shm`` stay at a path that names no
file: SQLite deletes them only beside the file they serve. ``remove_leftovers`` removes them.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3

__all__ = ["FileIdentity"]

_GONE = "the file was deleted or moved while adsim wrote to it; nothing more is written"
_REPLACED = "another file took its place while adsim wrote to it; nothing more is written"


class FileIdentity:
    """The file a path named at open (its device and inode)."""

    def __init__(self, path: str, identity: tuple[int, int]):
        self.path = path
        self._identity = identity

    @classmethod
    def of(cls, path: str) -> FileIdentity | None:
        """The file ``path`` names now; None for ``:memory:`` or a path that names none."""
        if path == ":memory:":
            return None
        # Absolute now, as SQLite made it at open: a handler's ``os.chdir`` (thread isolation
        # runs it in adsim's process) must not move the path checked.
        absolute = os.path.abspath(path)
        try:
            stat = os.stat(absolute)
        except OSError:
            return None
        return cls(absolute, (stat.st_dev, stat.st_ino))

    def moved(self) -> bool:
        """Whether the path no longer names the file opened (deleted, moved or replaced)."""
        try:
            self.check()
        except sqlite3.DatabaseError:
            return True
        return False

    def check(self) -> None:
        """``sqlite3.DatabaseError`` (the reason, for the one line) when the path no longer
        names the file opened."""
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            raise sqlite3.DatabaseError(_GONE) from None
        except OSError:
            return  # not ours to judge (a folder made unreadable): SQLite's writes say it
        if (stat.st_dev, stat.st_ino) != self._identity:
            raise sqlite3.DatabaseError(_REPLACED)

    def remove_leftovers(self) -> None:
        """After the close of a journal whose file was deleted or moved away: the ``-wal`` and
        ``-shm`` SQLite left at the path, beside no file (a series whose journal was deleted
        left them, empty). Only when the path names nothing (not even a link), so that another
        journal made there since keeps its own, and only a WAL that holds no page (the close's
        checkpoint emptied it): best effort, a folder that refuses keeps them."""
        if os.path.lexists(self.path):
            return
        wal, shm = f"{self.path}-wal", f"{self.path}-shm"
        try:
            if os.lstat(wal).st_size > 0:
                return
        except FileNotFoundError:
            pass
        except OSError:
            return
        for leftover in (wal, shm):
            with contextlib.suppress(OSError):
                os.remove(leftover)
