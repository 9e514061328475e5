"""The journal's errors: which file, what is wrong, what to do."""

from __future__ import annotations

__all__ = ["UNWRITABLE", "JournalError", "JournalWriteError", "is_locked", "reason"]


class JournalError(Exception):
    """The journal cannot be opened or read: which file, what is wrong, what to do."""

    def __init__(self, message: str, path: str | None = None):
        self.message = message
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class JournalWriteError(JournalError):
    """A write failed: what could not be written and why (the events were not delivered)."""

    def __init__(self, message: str, path: str | None = None, runs: tuple[int, ...] = ()):
        super().__init__(message, path)
        self.runs = runs
        """The ids of the runs whose rows (outcomes, answers, packets) the failure lost, where
        known: load mode names them (``run 40: journal ...``)."""


UNWRITABLE = ("readonly", "read-only", "locked", "busy", "unable to open", "disk", "full")
"""Signs, in SQLite's messages, that the file cannot be written (rather than is not a journal)."""


def is_locked(exc: BaseException) -> bool:
    """Whether SQLite's error says another connection holds the lock."""
    text = str(exc)
    return "locked" in text or "busy" in text


def reason(exc: BaseException) -> str:
    """The cause of a failed write, as the one line says it."""
    if isinstance(exc, UnicodeEncodeError):
        return "text UTF-8 cannot hold (a lone surrogate)"
    text = str(exc) or type(exc).__name__
    if is_locked(exc):
        return f"{text}: another process holds its write lock"
    if "disk is full" in text:  # SQLITE_FULL: the disk, a quota, a size limit of SQLite's
        return f"{text}: free some space on its disk"
    if getattr(exc, "sqlite_errorname", None) == "SQLITE_IOERR_SHMSIZE":
        # WAL mode's -shm file could not grow (a disk with room for the journal's first page
        # but not the 32 KB of its -shm): SQLite says only "disk I/O error".
        return f"{text}: its -shm file could not grow; free some space on its disk"
    if "malformed" in text:  # SQLITE_CORRUPT, met at a page the open did not read
        return f"{text}: the file is damaged; pass another --journal file"
    return text
