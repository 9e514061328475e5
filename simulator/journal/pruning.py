"""``adsim journal prune --keep N``: a journal file keeps only its last runs, and shrinks.

A journal file is never pruned by adsim itself: every run adds to it (a load-mode repeat of one
call with a SAVE handler, ~7.5 KB: ``--repeat 100000`` adds ~750 MB). ``prune`` deletes every
run but the last ``keep`` (its events, outcomes and packets with it) in one transaction, then
rewrites the file without the freed pages (SQLite's ``VACUUM``) and empties the WAL, so the disk
space comes back. A journal another process keeps locked past the busy timeout is refused as a
run refuses it (``JournalError``), and nothing is deleted.

Another adsim may be writing the journal meanwhile: its rows held back for a run this deletes
(outcomes, answers, packets, the run's end) are then not written (each insert asks for its run's
row in its own transaction: ``simulator.journal.statements``), and a run it is still writing,
deleted here, refuses its next commit (``Journal.commit``): no row is left without its run.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from simulator import interrupts
from simulator.journal.errors import JournalError, is_locked, reason
from simulator.journal.opening import open_database
from simulator.journal.schema import MIGRATIONS

__all__ = ["Pruned", "prune"]

_TABLES = ("events", "outcomes", "packets")
"""The tables whose rows belong to a run (``run_id``), besides ``runs`` itself."""
_IN_USE = "another adsim has it open"


@dataclass(frozen=True)
class Pruned:
    """What ``prune`` did."""

    deleted: int
    """Runs deleted."""
    first_deleted: int | None
    last_deleted: int | None
    kept: int
    """Runs left."""
    bytes_before: int
    bytes_after: int
    shrunk: bool
    """The file was rewritten without the freed pages (False: see ``not_shrunk``; the freed
    pages are reused by the next runs)."""
    not_shrunk: str = ""
    """Why the file was not rewritten: another process has it open, or SQLite's reason (a
    rewrite needs free disk space about the journal's size)."""


def _size(path: Path) -> int:
    total = 0
    for suffix in ("", "-wal"):
        try:
            total += os.path.getsize(f"{path}{suffix}")
        except OSError:
            continue
    return total


def _rewritten(
    db: sqlite3.Connection,
    path: Path,
    *,
    first: int | None,
    count: int,
    keep: int,
    below: int | None,
    before: int,
) -> Pruned:
    """The file rewritten without the pages of the runs deleted (``below``: the first run
    kept; None: none deleted), and what the prune did."""
    shrunk = False
    why = ""
    if below is not None:
        try:
            db.execute("VACUUM")
            # Into the file, and the WAL emptied: not while another connection reads.
            busy, _frames, _copied = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            shrunk = busy == 0
            why = "" if shrunk else _IN_USE
        except sqlite3.DatabaseError as exc:  # the runs are gone all the same
            why = _IN_USE if is_locked(exc) else f"it could not be rewritten: {exc}"
    deleted = count - keep if below is not None else 0
    return Pruned(
        deleted=deleted,
        first_deleted=first if deleted else None,
        last_deleted=below - 1 if below is not None else None,
        kept=count - deleted,
        bytes_before=before,
        bytes_after=_size(path),
        shrunk=shrunk,
        not_shrunk=why,
    )


def prune(path: Path, keep: int, *, busy_timeout: float) -> Pruned:
    """Delete every run of the journal at ``path`` but the last ``keep`` (at least 1: a run's
    number is the highest one's plus one, so with none left they would start again from 1,
    and a ``--run N`` in a CI log would name another run) and shrink the file."""
    if keep < 1:
        raise ValueError("keep at least the last run: run numbers go on from it")
    before = _size(path)
    db = open_database(str(path), busy_timeout=busy_timeout, writing=True, migrations=MIGRATIONS)
    try:
        db.execute("BEGIN IMMEDIATE")
        try:
            first, count = db.execute("SELECT MIN(id), COUNT(*) FROM runs").fetchone()
            below = None
            if count > keep:
                (below,) = db.execute(
                    "SELECT id FROM runs ORDER BY id DESC LIMIT 1 OFFSET ?", (keep,)
                ).fetchone()
                below += 1  # the newest run deleted is ``below - 1``
                for table in _TABLES:
                    db.execute(f"DELETE FROM {table} WHERE run_id < ?", (below,))
                db.execute("DELETE FROM runs WHERE id < ?", (below,))
        except BaseException:  # a stop too: nothing deleted
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        # From the commit on a stop (Ctrl-C, SIGTERM) waits for the prune's end: the runs are
        # gone then, and the command says so before it stops (``interrupts.raise_stop``).
        with interrupts.shielded():
            try:
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            return _rewritten(
                db, path, first=first, count=count, keep=keep, below=below, before=before
            )
    except sqlite3.OperationalError as exc:
        # The deletes' transaction rolled back (the rewrite's failures are told above).
        raise JournalError(
            f"cannot be pruned ({reason(exc)}); nothing was deleted", str(path)
        ) from None
    except sqlite3.DatabaseError as exc:
        # A page SQLite cannot read (a bad disk, a copy cut short) past the ones opening reads:
        # the one line export and runs give, not a traceback; the transaction rolled back.
        raise JournalError(
            f"not a usable adsim journal ({exc}); pass another --journal file", str(path)
        ) from None
    finally:
        db.close()
