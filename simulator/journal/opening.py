"""Opening a journal file for ``Journal.open``: the checks that refuse an unusable one in one line
(a folder, a file in the way of its folder, a file that is not a journal, one that cannot be
written or whose write lock another process keeps), SQLite's settings (WAL, ``synchronous``,
``busy_timeout``), the schema's migrations, and the default file's place."""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

from simulator.journal.checkpoints import WRITER_LIMIT
from simulator.journal.errors import UNWRITABLE, JournalError, is_locked, reason
from simulator.journal.new_file import Created
from simulator.journal.read_only import cannot_write, read_only, upgraded_copy
from simulator.journal.schema import adsim_version, migrate

__all__ = ["APP_NAME", "ENV_JOURNAL", "broken_link", "default_journal_path", "open_database"]

LOCKED_ADVICE = "let the other adsim finish or pass another --journal file"
"""What to do about a journal another process keeps locked (the end of the line)."""

UNWRITABLE_ADVICE = "pass a writable --journal file, or ':memory:' to keep none"
"""What to do about a journal this process cannot write (the end of the line)."""

APP_NAME = "agent-desktop-simulator"
ENV_JOURNAL = "ADSIM_JOURNAL"


def default_journal_path() -> Path:
    """``$ADSIM_JOURNAL``, else ``journal.sqlite3`` in the user's data directory (platformdirs).

    A leading ``~`` in the variable is the home folder: a CI file's ``env:`` or a ``.env`` file
    does not expand it as a shell does, and the journal went into a folder named ``~``."""
    override = os.environ.get(ENV_JOURNAL)
    if override:
        return Path(override) if override == ":memory:" else Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "journal.sqlite3"


def broken_link(path: Path) -> str | None:
    """What is wrong with ``path`` when it is a symbolic link that reaches no file it could be: a
    loop, or a target whose folder does not exist (SQLite said "unable to open database file",
    and a reader "no journal here; run adsim first", which then failed the same way). None
    otherwise: a link to a file not made yet, in a folder that is there, is made by a run."""
    if not path.is_symlink():
        return None
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "is a symbolic link that loops (to itself, or through others back to it)"
        target = Path(os.path.join(path.parent, os.readlink(path)))
        if not target.parent.is_dir():
            return f"is a symbolic link to {target}, whose folder does not exist"
    return None


_PROBES = {
    "events": "INSERT INTO events (run_id, seq, time_ms, name, interaction_id, args)"
    " VALUES (?, 1, 0, '', '', '')",
    "outcomes": "INSERT INTO outcomes (run_id, event_seq, event_name, interaction_id, plugin,"
    " handler, status, duration_ms) VALUES (?, 1, '', '', '', '', 'ok', 0)",
    "packets": "INSERT INTO packets (run_id, time_ms, plugin, direction, type, params)"
    " VALUES (?, 0, '', 'in', '', '')",
}
"""A row of each table a run writes, for ``_probe_write``."""


def _probe_write(db: sqlite3.Connection) -> None:
    """Take the write lock and write a row of each table a run writes, then roll back: fails
    now if writes would fail. SQLite reads and changes the pages a run's first commit does (each
    table's last page, each index's path to the row), so a journal damaged there (a copy cut
    short, a bad disk) is refused at start, not at that commit, mid-run; a damaged page
    elsewhere (an old run's) is found where it is read. Not ``PRAGMA quick_check``: it reads
    the whole file (~0.4 s for 170 MB), at every start."""
    db.execute("BEGIN IMMEDIATE")
    try:
        run = db.execute("INSERT INTO runs (started_ms) VALUES (0)").lastrowid
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        for table, sql in _PROBES.items():
            if table in tables:
                db.execute(sql, (run,))
    finally:
        if db.in_transaction:
            db.execute("ROLLBACK")


def _others_shm(exc: sqlite3.Error, target: str) -> bool:
    """Whether opening ``target`` failed on the ``-shm`` of another journal: ``rm j.sqlite3``
    while an adsim writes it leaves its ``-shm`` (and ``-wal``) at the path, which SQLite then
    reads for a new journal made there, whose WAL has no such frames (a short read). It said
    "cannot be written (disk I/O error); pass a writable --journal file"."""
    return (
        getattr(exc, "sqlite_errorname", None) == "SQLITE_IOERR_SHORT_READ"
        and target != ":memory:"
        and os.path.exists(f"{target}-shm")
    )


def _file_in_the_way(folder: Path) -> Path | None:
    """The nearest of ``folder`` and its parents that exists and is not a folder, if any."""
    for path in (folder, *folder.parents):
        if path.exists():
            return None if path.is_dir() else path
    return None


def _close_quietly(db: sqlite3.Connection | None) -> None:
    if db is not None:
        with contextlib.suppress(sqlite3.Error):
            db.close()


def open_database(
    target: str,
    *,
    busy_timeout: float,
    writing: bool,
    migrations: Sequence[Callable[[sqlite3.Connection], None]],
) -> sqlite3.Connection:
    """The connection to the journal ``target`` (a file, or ``:memory:``), migrated; with
    ``writing``, checked to take a write now. ``JournalError`` (one line: what is wrong and what
    to do) when it cannot be used. A journal only read is never written: in a folder this user
    cannot write it is opened read-only, and one of an older schema is upgraded in a temporary
    copy."""
    link = broken_link(Path(target)) if target != ":memory:" else None
    if link is not None:
        raise JournalError(f"{link}; pass another --journal file", target)
    if target != ":memory:" and Path(target).is_dir():
        # SQLite says "unable to open database file", and the line said "cannot be written".
        raise JournalError(
            f"is a folder; pass a journal file (such as {Path(target) / 'journal.sqlite3'})",
            target,
        )
    if target != ":memory:" and Path(target).exists() and not Path(target).is_file():
        # /dev/null, a pipe: SQLite said "cannot rollback - no transaction is active".
        raise JournalError(
            "is a device or a pipe, not a journal file; pass a file, or ':memory:' to keep none",
            target,
        )
    created = Created()
    if target != ":memory:":
        try:
            created = Created.make_folders(Path(target).parent)
        except OSError as exc:
            blocker = _file_in_the_way(Path(target).parent)
            if blocker is not None:
                raise JournalError(
                    f"cannot create its folder: {blocker} is a file, not a folder; "
                    "pass another --journal path",
                    target,
                ) from None
            raise JournalError(f"cannot create its folder ({exc.strerror})", target) from None
        created.make_file(target)
    try:
        return _connect(target, busy_timeout, writing, migrations)
    except JournalError as exc:
        if not is_locked(exc):  # locked: another adsim has the file open, and it is theirs too
            created.remove()  # a refused open leaves nothing it made (simulator.journal.new_file)
        raise
    except BaseException:
        created.remove()
        raise


def _connect(
    target: str,
    busy_timeout: float,
    writing: bool,
    migrations: Sequence[Callable[[sqlite3.Connection], None]],
) -> sqlite3.Connection:
    """``open_database`` once the path is checked and its folder is there."""
    db: sqlite3.Connection | None = None
    try:
        db = connected = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
        db.execute(f"PRAGMA busy_timeout = {max(0, int(busy_timeout * 1000))}")
        version = adsim_version(db, len(migrations))  # refused before WAL mode changes it
        if target != ":memory:":
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            if writing:  # the checkpoints are the thread's (simulator.journal.checkpoints)
                db.execute(f"PRAGMA wal_autocheckpoint = {WRITER_LIMIT}")
        if not writing and target != ":memory:" and 0 < version < len(migrations):
            # Only reading: an older journal is upgraded in a temporary copy, never in place
            # (the adsim that wrote it could no longer open it). Copied through this
            # connection, whose close removes the -wal and -shm it made: a read-only one
            # (``read_only``, for a folder this user cannot write) left them beside it.
            copy = upgraded_copy(db, migrations)
            _close_quietly(db)
            return copy
        migrate(db, migrations)
        if writing:
            _probe_write(db)
    except JournalError as exc:
        _close_quietly(db)
        raise JournalError(exc.message, target) from None
    except sqlite3.OperationalError as exc:
        _close_quietly(db)
        if not writing and cannot_write(exc) and Path(target).is_file():
            # Reading a journal in a folder this user cannot write (another user's, a
            # read-only CI artifact): WAL mode needs a -shm file beside it, and an older
            # schema an upgrade; neither is a reason to refuse a read.
            return read_only(target, migrations)
        if not any(sign in str(exc) for sign in UNWRITABLE):
            raise JournalError(
                f"not a usable adsim journal ({exc}); pass another --journal file", target
            ) from None
        if _others_shm(exc, target):
            raise JournalError(
                "cannot be opened: the -shm file beside it is another journal's, one deleted "
                "at this path while an adsim still had it open; let that adsim finish or pass "
                "another --journal file",
                target,
            ) from None
        if is_locked(exc):
            advice = f"waited {busy_timeout:g} s; {LOCKED_ADVICE}"
        else:
            advice = UNWRITABLE_ADVICE
        raise JournalError(f"cannot be written ({reason(exc)}); {advice}", target) from None
    except sqlite3.DatabaseError as exc:
        _close_quietly(db)
        raise JournalError(
            f"not a usable adsim journal ({exc}); pass another --journal file", target
        ) from None
    return connected
