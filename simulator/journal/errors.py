"""The journal's errors: which file, what is wrong, what to do."""

from __future__ import annotations

__all__ = ["JournalError", "JournalWriteError"]


class JournalError(Exception):
    """The journal cannot be opened or read: which file, what is wrong, what to do."""

    def __init__(self, message: str, path: str | None = None):
        self.message = message
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class JournalWriteError(JournalError):
    """A write failed: what could not be written and why (the events were not delivered)."""
