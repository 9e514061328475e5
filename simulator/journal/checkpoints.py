"""WAL checkpoints on a thread of the journal's own, off the path of the commits.

In WAL mode each commit appends pages to the ``-wal`` file; a checkpoint copies them back into
the database (two ``fsync``s) so that the WAL can start again from its beginning. SQLite's
default does that inside the commit that takes the WAL past 1,000 pages: about one commit in a
hundred of a load run paid ~5 ms for it. Here a second connection, on its own thread, runs a
``PASSIVE`` checkpoint every ``EVERY`` commits: it never takes the write lock, never makes a
commit wait, and copies only what is committed, so it cannot lose or damage anything. The
writer keeps checkpointing itself past ``WRITER_LIMIT`` pages (the bound on the WAL when the
thread falls behind); by then the thread has copied most of it, so it has little left to do.
Closing stops the thread and closes its connection first: the writer's connection, the last,
then checkpoints the rest and removes the WAL, as SQLite does.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from pathlib import Path

from simulator.journal.file_identity import FileIdentity

__all__ = ["EVERY", "WRITER_LIMIT", "Checkpointer"]

EVERY = 32
"""Commits between two checkpoints on the thread."""

WRITER_LIMIT = 4000
"""Pages (of 4 KiB) in the WAL past which a commit checkpoints itself (SQLite's default: 1,000)."""

_JOIN_TIMEOUT = 30.0
"""Seconds ``close`` waits for a checkpoint in progress (a disk that stalls for longer: the
thread's connection closes later, leaving a valid WAL for the next open)."""


class Checkpointer:
    """The checkpoint thread of one journal file (started at the ``EVERY``-th commit)."""

    def __init__(self, path: str):
        self._path = str(Path(path).resolve())  # now: a handler's ``os.chdir`` comes later
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._commits = 0
        self.file: FileIdentity | None = None
        """The file the journal opened: a path that names another file by the time the thread
        connects (deleted, and another adsim's new journal made there) is not checkpointed."""

    def committed(self) -> None:
        """One more commit (called under the journal's lock): every ``EVERY``, wake the thread."""
        self._commits += 1
        if self._commits % EVERY or self._stopping:
            return
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._loop, name="adsim-journal-checkpoints", daemon=True
            )
            self._thread.start()
        self._wake.set()

    def _loop(self) -> None:
        try:
            # ``mode=rw``: a journal file deleted meanwhile is not made again, empty, here.
            uri = f"{Path(self._path).as_uri()}?mode=rw"
            db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        except sqlite3.Error:
            return  # the writer's own checkpoints go on as SQLite's default
        if self.file is not None and self.file.moved():  # another file: not the journal's
            with contextlib.suppress(sqlite3.Error):
                db.close()
            return
        try:
            while True:
                self._wake.wait()
                self._wake.clear()
                if self._stopping:
                    return
                # Busy (another checkpoint, a reader on an old snapshot) or failing: the next
                # one, or the writer past WRITER_LIMIT, copies what this one did not.
                with contextlib.suppress(sqlite3.Error):
                    db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        finally:
            with contextlib.suppress(sqlite3.Error):
                db.close()

    def close(self) -> None:
        """Stop the thread (after the checkpoint in progress) and close its connection."""
        self._stopping = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(_JOIN_TIMEOUT)
