"""The journal: every emitted event, every handler outcome and every JS packet, in SQLite.

Events are committed by group commit before any handler sees them: everything one engine step
emits in one transaction, then delivered (``Journal.attach`` makes the journal the engine bus's
committer). A commit that fails delivers nothing (``simulator.engine.CommitError``); a journal
that cannot be written is refused at ``open``. So a crash or ``kill -9`` of the simulator loses
nothing that was emitted, and the journal never holds less than what the handlers were given.
``adsim journal export`` (streaming) and ``adsim journal show`` read it back.
"""

from typing import Any

from simulator.journal.store import (
    SCHEMA_VERSION,
    Journal,
    JournalError,
    JournalEvent,
    JournalOutcome,
    JournalPacket,
    JournalWriteError,
    default_journal_path,
)

__all__ = [
    "SCHEMA_VERSION",
    "Journal",
    "JournalError",
    "JournalEvent",
    "JournalOutcome",
    "JournalPacket",
    "JournalWriteError",
    "default_journal_path",
    "export_csv",
    "export_jsonl",
]


def __getattr__(name: str) -> Any:
    # The exporters (csv, zipfile...) on first use: the window and `adsim run` only write.
    if name in ("export_csv", "export_jsonl"):
        from simulator.journal import export

        return getattr(export, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
