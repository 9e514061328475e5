"""Reading a journal without writing it, or anything beside it: another user's journal, a
read-only CI artifact. ``Journal.open(..., writing=False)`` falls back to this when SQLite cannot
write there (WAL mode wants a ``-shm`` file beside the journal, an older schema an upgrade).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

from simulator.journal.errors import JournalError
from simulator.journal.schema import migrate

__all__ = ["cannot_write", "read_only", "upgraded_copy"]


def _close_quietly(db: sqlite3.Connection | None) -> None:
    if db is not None:
        with contextlib.suppress(sqlite3.Error):
            db.close()


def _copy(db: sqlite3.Connection) -> sqlite3.Connection:
    """A copy of ``db`` to upgrade: in a temporary file of its own, which SQLite deletes on
    closing (in memory, a journal of 750 MB took 750 MB to export, or to list its runs); in
    memory only when no temporary folder can take it."""
    copy = sqlite3.connect("", isolation_level=None, check_same_thread=False)
    try:
        db.backup(copy)
    except sqlite3.OperationalError:  # no temporary folder can take it
        _close_quietly(copy)
        copy = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        db.backup(copy)
    return copy


def upgraded_copy(
    db: sqlite3.Connection, migrations: Sequence[Callable[[sqlite3.Connection], None]]
) -> sqlite3.Connection:
    """A copy of ``db`` (a journal of an older schema) upgraded to ``migrations``; ``db`` is
    left open for its caller to close."""
    copy = _copy(db)
    try:
        migrate(copy, migrations)
    except BaseException:
        _close_quietly(copy)
        raise
    return copy


def cannot_write(exc: BaseException) -> bool:
    """SQLite's ways of saying it cannot write the file or create the ones beside it."""
    text = str(exc)
    return "readonly" in text or "read-only" in text or "unable to open" in text


def read_only(
    target: str, migrations: Sequence[Callable[[sqlite3.Connection], None]]
) -> sqlite3.Connection:
    """A connection that reads ``target`` without writing it or anything beside it.

    ``mode=ro`` when SQLite can share the WAL index; else ``immutable=1``, which reads the main
    file only and so is used only when no ``-wal`` file holds writes the main file lacks (it
    would read without them). An older schema is upgraded in a temporary copy.
    """
    uri = Path(target).resolve().as_uri()
    db: sqlite3.Connection | None = None
    try:
        try:
            db = sqlite3.connect(
                f"{uri}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
            )
            db.execute("PRAGMA user_version").fetchone()
        except sqlite3.OperationalError:
            _close_quietly(db)
            db = None
            wal = Path(f"{target}-wal")
            if wal.exists() and wal.stat().st_size > 0:
                raise JournalError(
                    f"cannot be read here: {wal.name} beside it holds writes that only a "
                    "process that can write this folder can read; copy the journal and its "
                    "-wal file to a writable folder and pass that --journal file",
                    target,
                ) from None
            db = sqlite3.connect(
                f"{uri}?immutable=1", uri=True, isolation_level=None, check_same_thread=False
            )
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if version < len(migrations):
            copy = _copy(db)
            db.close()
            db = copy
        migrate(db, migrations)
    except JournalError as exc:
        _close_quietly(db)
        raise JournalError(exc.message, target) from None
    except sqlite3.DatabaseError as exc:
        _close_quietly(db)
        raise JournalError(
            f"not a usable adsim journal ({exc}); pass another --journal file", target
        ) from None
    return db
