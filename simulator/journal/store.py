"""The SQLite journal: runs, events, handler outcomes and JS packets, with a versioned schema.

Each write is its own committed transaction (autocommit) in WAL mode: once ``record_event``
returns, the event is in the database file, and a ``kill -9`` of the process cannot take it back
(``synchronous=NORMAL`` only trades durability against power loss, not against a killed process).
The schema version is SQLite's ``PRAGMA user_version``; ``MIGRATIONS[i]`` upgrades a journal from
version ``i`` to ``i + 1``, so a journal written by an older adsim is upgraded when opened.

Schema versions: 1 ``runs``, ``events`` (virtual time), ``outcomes``; 2 adds ``packets``: every
vendor packet a JS page or handler module exchanged with the simulated widget, in the order they
were journaled, stamped with the wall clock (packets cross threads and processes; the virtual
clock does not move while they do).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Journal",
    "JournalError",
    "JournalEvent",
    "JournalOutcome",
    "JournalPacket",
    "PacketDirection",
    "default_journal_path",
]

APP_NAME = "agent-desktop-simulator"
ENV_JOURNAL = "ADSIM_JOURNAL"
_REDACTED = "***"


class JournalError(Exception):
    """The journal cannot be opened or read: which file, what is wrong, what to do."""

    def __init__(self, message: str, path: str | None = None):
        self.message = message
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


def default_journal_path() -> Path:
    """``$ADSIM_JOURNAL``, else ``journal.sqlite3`` in the user's data directory (platformdirs)."""
    override = os.environ.get(ENV_JOURNAL)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "journal.sqlite3"


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


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_schema_1, _schema_2]
"""``MIGRATIONS[i]`` takes a journal from schema version ``i`` to ``i + 1`` (append, never edit)."""

SCHEMA_VERSION = len(MIGRATIONS)


def migrate(
    db: sqlite3.Connection, migrations: Sequence[Callable[[sqlite3.Connection], None]]
) -> int:
    """Bring ``db`` up to ``len(migrations)``, one version per transaction; returns the version."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    target = len(migrations)
    if version > target:
        raise JournalError(
            f"schema version {version} is newer than this adsim understands ({target}); "
            "upgrade adsim or use another --journal file"
        )
    while version < target:
        db.execute("BEGIN IMMEDIATE")
        try:
            migrations[version](db)
            version += 1
            db.execute(f"PRAGMA user_version = {version}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return version


class _EventLike(Protocol):
    seq: int
    name: Any
    time_ms: int
    interaction_id: str | None
    wire_args: tuple[Any, ...]


class _OutcomeLike(Protocol):
    event_seq: int
    event_name: str
    interaction_id: str | None
    plugin: str
    handler: str
    status: str
    duration_ms: float
    result: Any
    error: str | None
    traceback: str | None


@dataclass(frozen=True, slots=True)
class JournalEvent:
    """One journaled event."""

    run_id: int
    seq: int
    time_ms: int
    name: str
    interaction_id: str | None
    args: list[Any]
    answer: Any = None
    """The answer used, for events that need one (``None`` when nobody answered or not needed)."""


@dataclass(frozen=True, slots=True)
class JournalOutcome:
    """One journaled handler call."""

    run_id: int
    event_seq: int
    event_name: str
    interaction_id: str | None
    plugin: str
    handler: str
    status: str
    duration_ms: float
    result: Any
    error: str | None
    traceback: str | None


PacketDirection = Literal["in", "out"]
"""``in``: from the page (or Node module) to the widget; ``out``: from the widget to the page."""


@dataclass(frozen=True, slots=True)
class JournalPacket:
    """One journaled packet of a JS page or handler module."""

    run_id: int
    id: int
    """Journal order (increasing across runs)."""
    time_ms: int
    """Wall-clock epoch ms when it was journaled (not the simulation's virtual time)."""
    plugin: str
    """The endpoint's plugin (``js:<file>``, ``js:page``)."""
    direction: PacketDirection
    type: str
    uid: str | None
    params: Any
    no_handlers: bool | None = None
    """The packet's ``noHandlers`` (a ``*_RESPONSE`` with no page handler); None when absent."""
    error: str | None = None
    """The packet's ``error`` (``__handled__`` when a page handler threw); None when absent."""

    def wire(self) -> dict[str, Any]:
        """The packet as it travelled: ``{uid, type, params, noHandlers?, error?}``."""
        packet: dict[str, Any] = {"uid": self.uid, "type": self.type, "params": self.params}
        if self.no_handlers is not None:
            packet["noHandlers"] = self.no_handlers
        if self.error is not None:
            packet["error"] = self.error
        return packet


def _packet(row: tuple[Any, ...]) -> JournalPacket:
    run_id, packet_id, time_ms, plugin, direction, kind, uid, params, no_handlers, error = row
    return JournalPacket(
        run_id,
        packet_id,
        time_ms,
        plugin,
        direction,
        kind,
        uid,
        json.loads(params),
        None if no_handlers is None else bool(no_handlers),
        error,
    )


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=repr)


class Journal:
    """An open journal; thread-safe (events come from the engine thread, outcomes from handlers)."""

    def __init__(self, db: sqlite3.Connection, path: str, meta: dict[str, Any] | None = None):
        self._db = db
        self.path = path
        """The database file, or ``:memory:``."""
        self._lock = threading.Lock()
        self._run_id: int | None = None
        self._meta = dict(meta or {})
        self._secrets: list[str] = []
        self._closed = False

    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        *,
        meta: dict[str, Any] | None = None,
        migrations: Sequence[Callable[[sqlite3.Connection], None]] = MIGRATIONS,
    ) -> Journal:
        """Open (creating and migrating as needed) the journal at ``path``.

        ``None`` means the default file (``default_journal_path``); ``":memory:"`` keeps it in
        memory. ``meta`` is stored with the run this journal records (seed, command ...).
        """
        target = str(default_journal_path() if path is None else path)
        if target != ":memory:":
            try:
                Path(target).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise JournalError(f"cannot create its folder ({exc.strerror})", target) from None
        try:
            db = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA busy_timeout = 5000")
            if target != ":memory:":
                db.execute("PRAGMA journal_mode = WAL")
                db.execute("PRAGMA synchronous = NORMAL")
            migrate(db, migrations)
        except JournalError as exc:
            raise JournalError(exc.message, target) from None
        except sqlite3.DatabaseError as exc:
            raise JournalError(
                f"not a usable adsim journal ({exc}); pass another --journal file", target
            ) from None
        return cls(db, target, meta)

    # ------------------------------------------------------------------ writing

    @property
    def schema_version(self) -> int:
        """The schema version of the open database."""
        with self._lock:
            return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    @property
    def run_id(self) -> int:
        """The id of the run this journal records (created on first use)."""
        with self._lock:
            return self._ensure_run()

    def _ensure_run(self) -> int:
        if self._run_id is None:
            cursor = self._db.execute(
                "INSERT INTO runs (started_ms, meta) VALUES (?, ?)",
                (time.time_ns() // 1_000_000, self._scrub(_dumps(self._meta))),
            )
            self._run_id = int(cursor.lastrowid or 0)
        return self._run_id

    def new_run(self, meta: dict[str, Any] | None = None) -> None:
        """Record what follows as another run on the same open file (load mode: one run per
        repeat without reopening the database)."""
        with self._lock:
            self._run_id = None
            self._meta = dict(meta or {})

    def add_secret(self, secret: str) -> None:
        """Never write ``secret``: it is replaced by ``***`` in everything journaled after this."""
        if secret:
            self._secrets.append(secret)

    def _scrub(self, text: str | None) -> str | None:
        if text is None or not self._secrets:
            return text
        for secret in self._secrets:
            text = text.replace(secret, _REDACTED)
        return text

    def attach(self, sim: Any) -> Callable[[], None]:
        """Subscribe to ``sim`` (subscribe it before any handler); returns the unsubscribe."""
        return sim.subscribe(self.record_event)

    def record_event(self, event: _EventLike) -> None:
        """Commit one event (an engine subscriber: returns None so it never answers)."""
        args = self._scrub(_dumps(list(event.wire_args)))
        with self._lock:
            if self._closed:
                return
            run_id = self._ensure_run()
            self._db.execute(
                "INSERT INTO events (run_id, seq, time_ms, name, interaction_id, args)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (run_id, event.seq, event.time_ms, str(event.name), event.interaction_id, args),
            )

    def record_answer(self, seq: int, answer: Any) -> None:
        """Store the answer used for an event that needs one."""
        text = self._scrub(_dumps(answer))
        with self._lock:
            if self._closed:
                return
            self._db.execute(
                "UPDATE events SET answer = ? WHERE run_id = ? AND seq = ?",
                (text, self._ensure_run(), seq),
            )

    def record_outcome(self, outcome: _OutcomeLike) -> None:
        """Commit one handler call's outcome."""
        row = (
            outcome.event_seq,
            outcome.event_name,
            outcome.interaction_id,
            outcome.plugin,
            outcome.handler,
            outcome.status,
            float(outcome.duration_ms),
            self._scrub(_dumps(outcome.result)),
            self._scrub(outcome.error),
            self._scrub(outcome.traceback),
        )
        with self._lock:
            if self._closed:
                return
            self._db.execute(
                "INSERT INTO outcomes (run_id, event_seq, event_name, interaction_id, plugin,"
                " handler, status, duration_ms, result, error, traceback)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (self._ensure_run(), *row),
            )

    def record_packet(
        self, plugin: str, direction: PacketDirection, packet: dict[str, Any]
    ) -> None:
        """Commit one packet ``plugin``'s page sent (``in``) or was sent (``out``)."""
        if direction not in ("in", "out"):
            raise ValueError(f"a packet's direction is 'in' or 'out', not {direction!r}")
        kind = packet.get("type")
        uid = packet.get("uid")
        no_handlers = packet.get("noHandlers")
        error = packet.get("error")
        row = (
            time.time_ns() // 1_000_000,
            plugin,
            direction,
            self._scrub(kind if isinstance(kind, str) else _dumps(kind)),
            None if uid is None else self._scrub(uid if isinstance(uid, str) else _dumps(uid)),
            self._scrub(_dumps(packet.get("params", []))),
            None if no_handlers is None else int(bool(no_handlers)),
            None if error is None else self._scrub(str(error)),
        )
        with self._lock:
            if self._closed:
                return
            self._db.execute(
                "INSERT INTO packets (run_id, time_ms, plugin, direction, type, uid, params,"
                " no_handlers, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (self._ensure_run(), *row),
            )

    def close(self) -> None:
        """Close the database (idempotent)."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ reading

    def runs(self) -> list[tuple[int, int, dict[str, Any]]]:
        """Every run: ``(id, started_ms, meta)``."""
        with self._lock:
            rows = self._db.execute("SELECT id, started_ms, meta FROM runs ORDER BY id").fetchall()
        return [(run_id, started, json.loads(meta)) for run_id, started, meta in rows]

    def events(
        self, *, interaction_id: str | None = None, run_id: int | None = None
    ) -> list[JournalEvent]:
        """Journaled events in order, optionally of one interaction and/or one run."""
        return list(self._iter_events(interaction_id, run_id))

    def _where(self, interaction_id: str | None, run_id: int | None) -> tuple[str, list[Any]]:
        clauses, params = [], []
        if interaction_id is not None:
            clauses.append("interaction_id = ?")
            params.append(interaction_id)
        if run_id is not None:
            clauses.append("run_id = ?")
            params.append(run_id)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def _iter_events(
        self, interaction_id: str | None, run_id: int | None
    ) -> Iterator[JournalEvent]:
        where, params = self._where(interaction_id, run_id)
        with self._lock:
            rows = self._db.execute(
                "SELECT run_id, seq, time_ms, name, interaction_id, args, answer FROM events"
                f"{where} ORDER BY run_id, seq",
                params,
            ).fetchall()
        for run, seq, time_ms, name, iid, args, answer in rows:
            yield JournalEvent(
                run,
                seq,
                time_ms,
                name,
                iid,
                json.loads(args),
                json.loads(answer) if answer else None,
            )

    def outcomes(
        self, *, interaction_id: str | None = None, run_id: int | None = None
    ) -> list[JournalOutcome]:
        """Journaled handler outcomes in order, optionally of one interaction and/or one run."""
        where, params = self._where(interaction_id, run_id)
        with self._lock:
            rows = self._db.execute(
                "SELECT run_id, event_seq, event_name, interaction_id, plugin, handler, status,"
                f" duration_ms, result, error, traceback FROM outcomes{where}"
                " ORDER BY run_id, id",
                params,
            ).fetchall()
        return [
            JournalOutcome(
                run,
                seq,
                name,
                iid,
                plugin,
                handler,
                status,
                duration,
                json.loads(result) if result else None,
                error,
                trace,
            )
            for run, seq, name, iid, plugin, handler, status, duration, result, error, trace in rows
        ]

    def packets(
        self, *, run_id: int | None = None, plugin: str | None = None
    ) -> list[JournalPacket]:
        """Journaled packets in journal order, optionally of one run and/or one plugin."""
        clauses, params = [], []
        if run_id is not None:
            clauses.append("run_id = ?")
            params.append(run_id)
        if plugin is not None:
            clauses.append("plugin = ?")
            params.append(plugin)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        with self._lock:
            rows = self._db.execute(
                "SELECT run_id, id, time_ms, plugin, direction, type, uid, params, no_handlers,"
                f" error FROM packets{where} ORDER BY id",
                params,
            ).fetchall()
        return [_packet(row) for row in rows]
