"""The journal: every emitted event, every handler outcome and every JS packet, in SQLite,
committed as it happens.

An event is committed before any handler sees it (a packet before it is sent or handled), so a
crash or ``kill -9`` of the simulator loses nothing that was emitted. ``adsim journal export``
and ``adsim journal show`` read it back.
"""

from simulator.journal.export import export_csv, export_jsonl
from simulator.journal.store import (
    SCHEMA_VERSION,
    Journal,
    JournalError,
    JournalEvent,
    JournalOutcome,
    JournalPacket,
    default_journal_path,
)

__all__ = [
    "SCHEMA_VERSION",
    "Journal",
    "JournalError",
    "JournalEvent",
    "JournalOutcome",
    "JournalPacket",
    "default_journal_path",
    "export_csv",
    "export_jsonl",
]
