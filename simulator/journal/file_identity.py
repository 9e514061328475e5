"""Which file a journal's path named when it was opened, and whether it still does.

SQLite writes through the file descriptor it opened: a journal file deleted while adsim writes
it (a clean-up script, ``rm -rf`` of an output folder, a test's temporary folder removed) takes
every later commit with it, and one moved away or replaced by another file (``mv``, a copy put
back over it) gets them where nobody looks. Both went unnoticed: the run passed and the journal
the user asked for did not have it. Each transaction now checks, under the write lock, that the
path still names the file opened (device and inode, one ``stat``); when it does not, the
transaction fails like any write that cannot be done, with one line that says why.

Once such a journal is closed, its ``-wal`` (emptied) and ``-shm`` stay at a path that names no
file: SQLite deletes them only beside the file they serve. ``remove_leftovers`` removes them, and
only them: a ``-wal`` or ``-shm`` at the path that is not the one this journal opened (another
adsim's new journal there, made between the look and the removal) is left alone.
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
        self._siblings: dict[str, tuple[int, int]] = {}
        """The ``-wal`` and ``-shm`` files SQLite opened beside it (``note_siblings``)."""

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

    def note_siblings(self) -> None:
        """Remember the ``-wal`` and ``-shm`` beside the file now (once SQLite opened them, at
        the journal's open): only those are ever removed (``remove_leftovers``)."""
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(OSError):
                stat = os.lstat(f"{self.path}{suffix}")
                self._siblings[suffix] = (stat.st_dev, stat.st_ino)

    def change(self) -> str | None:
        """What became of the file at its path since it was opened: ``"deleted"`` (deleted or
        moved away), ``"replaced"`` (another file took its place), None (it is still there)."""
        try:
            self.check()
        except sqlite3.DatabaseError as exc:
            return "deleted" if str(exc) == _GONE else "replaced"
        return None

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
        """Before the close of a journal whose file was deleted or moved away: the ``-wal`` and
        ``-shm`` SQLite would leave at the path, beside no file (a series whose journal was
        deleted left them, empty). Only when the path names nothing (not even a link), only
        the files this journal opened (called while they are still open, so that their inode
        numbers cannot have gone to new files), and only a WAL that holds no page (checkpointed
        and emptied): another adsim's new journal made there since keeps its own (removing its
        ``-wal`` lost its commits). Best effort: a folder that refuses keeps them."""
        if os.path.lexists(self.path):
            return
        wal = f"{self.path}-wal"
        try:
            if os.lstat(wal).st_size > 0:
                return
        except FileNotFoundError:
            pass
        except OSError:
            return
        for suffix, identity in self._siblings.items():
            leftover = f"{self.path}{suffix}"
            with contextlib.suppress(OSError):
                stat = os.lstat(leftover)
                if (stat.st_dev, stat.st_ino) == identity:
                    os.remove(leftover)
