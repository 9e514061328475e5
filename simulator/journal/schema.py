"""The journal's schema: SQLite's ``PRAGMA user_version`` and the migrations that reach it.

``MIGRATIONS[i]`` upgrades a journal from version ``i`` to ``i + 1`` (append, never edit), each in
one transaction, so a journal written by an older adsim is upgraded when opened.

Schema versions: 1 ``runs``, ``events`` (virtual time), ``outcomes``; 2 adds ``packets``: every
vendor packet a JS page or handler module exchanged with the simulated widget, in the order they
were journaled, stamped with the wall clock; 3 adds ``agent`` to ``events`` and ``outcomes``: the
simulated agent whose desktop emitted the event (NULL with one agent), filled in on upgrade from
the run's ``meta`` (``"agent"``), where adsim 0.x kept it before; 4 adds to ``runs`` how the
run ended (``ended_ms``, ``ending``: ``finished`` or ``interrupted``, ``stop_signal``) and which
process writes it (``host``, ``pid``, ``pid_start``), so that a run cut short is told from one
that finished (``simulator.journal.run_ends``); the runs of an older journal get NULL in each:
no end recorded, no writer known.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Sequence

from simulator.journal.errors import JournalError

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "adsim_version", "migrate"]

_EXPECTED: dict[tuple[Callable[[sqlite3.Connection], None], ...], dict[str, set[str]]] = {}
"""The tables and columns ``migrations`` make, by the migrations (built once, in memory)."""


def _run_script(db: sqlite3.Connection, script: str) -> None:
    # Not ``executescript``: it commits first, and a migration must stay one transaction.
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _schema_1(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            started_ms INTEGER NOT NULL,
            meta TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TABLE events (
            run_id INTEGER NOT NULL REFERENCES runs(id),
            seq INTEGER NOT NULL,
            time_ms INTEGER NOT NULL,
            name TEXT NOT NULL,
            interaction_id TEXT,
            args TEXT NOT NULL,
            answer TEXT,
            PRIMARY KEY (run_id, seq)
        );
        CREATE INDEX events_by_interaction ON events(interaction_id);
        CREATE TABLE outcomes (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs(id),
            event_seq INTEGER NOT NULL,
            event_name TEXT NOT NULL,
            interaction_id TEXT,
            plugin TEXT NOT NULL,
            handler TEXT NOT NULL,
            status TEXT NOT NULL,
            duration_ms REAL NOT NULL,
            result TEXT,
            error TEXT,
            traceback TEXT
        );
        CREATE INDEX outcomes_by_event ON outcomes(run_id, event_seq);
        CREATE INDEX outcomes_by_interaction ON outcomes(interaction_id);
        """,
    )


def _schema_2(db: sqlite3.Connection) -> None:
    # ``id`` AUTOINCREMENT: journal order, never reused. ``no_handlers`` is 1/0 when the packet
    # has ``noHandlers``, else NULL; ``error`` is the ``__handled__`` packet's error.
    _run_script(
        db,
        """
        CREATE TABLE packets (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id INTEGER NOT NULL REFERENCES runs(id),
            time_ms INTEGER NOT NULL,
            plugin TEXT NOT NULL,
            direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
            type TEXT NOT NULL,
            uid TEXT,
            params TEXT NOT NULL,
            no_handlers INTEGER,
            error TEXT
        );
        CREATE INDEX packets_by_run ON packets(run_id, id);
        """,
    )


def _schema_3(db: sqlite3.Connection) -> None:
    # Before version 3 each agent's desktop had a run of its own whose meta named the agent:
    # that name moves onto the rows (parsed here, not with SQLite's JSON functions, which a
    # Python build may lack).
    db.execute("ALTER TABLE events ADD COLUMN agent TEXT")
    db.execute("ALTER TABLE outcomes ADD COLUMN agent TEXT")
    db.execute("CREATE INDEX events_by_agent ON events(agent, run_id, seq)")
    for run_id, meta in db.execute("SELECT id, meta FROM runs").fetchall():
        try:
            agent = json.loads(meta).get("agent")
        except (ValueError, AttributeError):
            continue
        if isinstance(agent, str):
            db.execute("UPDATE events SET agent = ? WHERE run_id = ?", (agent, run_id))
            db.execute("UPDATE outcomes SET agent = ? WHERE run_id = ?", (agent, run_id))


def _schema_4(db: sqlite3.Connection) -> None:
    # Columns, not the run's meta: an end is written once the run is over, by an UPDATE that
    # a prune or a reader never sees half made (the meta is one JSON text, written at the start).
    for column in (
        "ended_ms INTEGER",
        "ending TEXT CHECK (ending IN ('finished', 'interrupted'))",
        "stop_signal TEXT",
        "host TEXT",
        "pid INTEGER",
        "pid_start TEXT",
    ):
        db.execute(f"ALTER TABLE runs ADD COLUMN {column}")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _schema_1,
    _schema_2,
    _schema_3,
    _schema_4,
]
"""``MIGRATIONS[i]`` takes a journal from schema version ``i`` to ``i + 1`` (append, never edit)."""

SCHEMA_VERSION = len(MIGRATIONS)


def migrate(
    db: sqlite3.Connection, migrations: Sequence[Callable[[sqlite3.Connection], None]]
) -> int:
    """Bring ``db`` up to ``len(migrations)``, one version per transaction; returns the version.

    Another process may be migrating the same file at once (two ``adsim run`` starting on a new
    journal): the version is read again once this connection holds the write lock, so each
    migration runs once, by whichever process gets the lock first.
    """
    target = len(migrations)
    version = _version(db, target)
    while version < target:
        db.execute("BEGIN IMMEDIATE")
        try:
            version = _version(db, target)
            if version == 0:
                _refuse_foreign_tables(db)
            if version < target:
                migrations[version](db)
                version += 1
                db.execute(f"PRAGMA user_version = {version}")
            db.execute("COMMIT")
        except BaseException:
            # SQLite rolls a transaction back itself on some errors (SQLITE_FULL): a ROLLBACK
            # then raised "cannot rollback - no transaction is active" over the cause, and a
            # new journal on a full disk was "not a usable adsim journal".
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
    _refuse_altered(db, migrations, version)
    return version


def _columns(db: sqlite3.Connection) -> dict[str, set[str]]:
    tables = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {
        name: {row[1] for row in db.execute(f'PRAGMA table_info("{name}")')} for (name,) in tables
    }


def _refuse_altered(
    db: sqlite3.Connection,
    migrations: Sequence[Callable[[sqlite3.Connection], None]],
    version: int,
) -> None:
    """A journal of the right version whose tables someone changed (a table dropped, a column
    dropped or renamed) is refused in one line: it was read as an empty journal (no ``runs``
    table: an export of nothing, exit 0), or a run wrote its events, then stopped at the first
    outcome. Tables and columns added are left alone; so is a dropped index (slower reads,
    the same rows)."""
    key = tuple(migrations)
    if key not in _EXPECTED:
        model = sqlite3.connect(":memory:", isolation_level=None)
        try:
            for step in migrations:
                step(model)
            _EXPECTED[key] = _columns(model)
        finally:
            model.close()
    have = _columns(db)
    for table, columns in _EXPECTED[key].items():
        if table == "sqlite_sequence":
            continue  # SQLite's own (AUTOINCREMENT), made again when needed
        if table not in have:
            missing = f"has no table {table}"
        elif columns - have[table]:
            missing = f"has no column {sorted(columns - have[table])[0]} in its table {table}"
        else:
            continue
        raise JournalError(
            f"not a usable adsim journal: it is of schema version {version} but {missing} "
            "(changed by another program or by hand); pass another --journal file"
        )


def adsim_version(db: sqlite3.Connection, target: int) -> int:
    """The schema version of an adsim journal, or ``JournalError`` for a database that is none:
    another program's (tables, and no version) or a newer adsim's. Asked before anything is
    written to the file: setting WAL mode alone changed the CRM's ``app.db`` for good.

    Both reads in one read transaction: apart, another adsim creating the same new journal
    could commit its tables and its version between them, and the version 0 read before with
    the tables read after was "another program's database"."""
    if db.in_transaction:  # a caller's own: its reads are one state of the file already
        return _checked_version(db, target)
    db.execute("BEGIN")
    try:
        version = _checked_version(db, target)
    except BaseException:
        if db.in_transaction:  # the error is said, not one of ending a read
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")  # it only read
    return version


def _checked_version(db: sqlite3.Connection, target: int) -> int:
    version = _version(db, target)
    if version == 0:
        _refuse_foreign_tables(db)
    return version


def _refuse_foreign_tables(db: sqlite3.Connection) -> None:
    """A database at version 0 is a new journal only when it is empty: one with tables is some
    other program's (the CRM's ``app.db``), which adsim's tables were added to."""
    names = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    if names:
        shown = ", ".join(sorted(names)[:5]) + (" ..." if len(names) > 5 else "")
        raise JournalError(
            f"not an adsim journal: an SQLite database with other tables ({shown}); pass "
            "another --journal file"
        )


def _version(db: sqlite3.Connection, target: int) -> int:
    """The file's schema version; one newer than ``target`` is refused."""
    version: int = db.execute("PRAGMA user_version").fetchone()[0]
    if version > target:
        raise JournalError(
            f"schema version {version} is newer than this adsim understands ({target}); "
            "upgrade adsim or use another --journal file"
        )
    return version
