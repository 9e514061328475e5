"""Writing a journal out: JSON lines or CSV, each event followed by its handler outcomes."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any, TextIO

from simulator.journal.store import Journal, JournalEvent, JournalOutcome

__all__ = ["CSV_COLUMNS", "export_csv", "export_jsonl", "journal_rows"]

CSV_COLUMNS = (
    "run",
    "kind",
    "seq",
    "time",
    "event",
    "interactionId",
    "plugin",
    "handler",
    "status",
    "durationMs",
    "data",
    "error",
)
"""One table for both kinds: ``data`` is the event's arguments or the handler's result (JSON)."""


def journal_rows(
    journal: Journal, *, interaction_id: str | None = None, run_id: int | None = None
) -> Iterator[dict[str, Any]]:
    """Each event as a dict, then the outcomes of the handlers that received it."""
    outcomes: dict[tuple[int, int], list[JournalOutcome]] = defaultdict(list)
    for outcome in journal.outcomes(interaction_id=interaction_id, run_id=run_id):
        outcomes[(outcome.run_id, outcome.event_seq)].append(outcome)
    for event in journal.events(interaction_id=interaction_id, run_id=run_id):
        yield _event_row(event)
        for outcome in outcomes.pop((event.run_id, event.seq), ()):
            yield _outcome_row(outcome)
    # Outcomes whose event is not selected (an interaction filter on an event without an id).
    for leftover in outcomes.values():
        for outcome in leftover:
            yield _outcome_row(outcome)


def _event_row(event: JournalEvent) -> dict[str, Any]:
    row: dict[str, Any] = {
        "kind": "event",
        "run": event.run_id,
        "seq": event.seq,
        "time": event.time_ms,
        "event": event.name,
        "interactionId": event.interaction_id,
        "args": event.args,
    }
    if event.answer is not None:
        row["answer"] = event.answer
    return row


def _outcome_row(outcome: JournalOutcome) -> dict[str, Any]:
    row: dict[str, Any] = {
        "kind": "outcome",
        "run": outcome.run_id,
        "seq": outcome.event_seq,
        "event": outcome.event_name,
        "interactionId": outcome.interaction_id,
        "plugin": outcome.plugin,
        "handler": outcome.handler,
        "status": outcome.status,
        "durationMs": round(outcome.duration_ms, 3),
        "result": outcome.result,
    }
    if outcome.error is not None:
        row["error"] = outcome.error
    if outcome.traceback is not None:
        row["traceback"] = outcome.traceback
    return row


def export_jsonl(
    journal: Journal,
    out: TextIO,
    *,
    interaction_id: str | None = None,
    run_id: int | None = None,
) -> int:
    """Write one JSON object per line; returns the number of lines."""
    count = 0
    for row in journal_rows(journal, interaction_id=interaction_id, run_id=run_id):
        out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
        count += 1
    return count


def export_csv(
    journal: Journal,
    out: TextIO,
    *,
    interaction_id: str | None = None,
    run_id: int | None = None,
) -> int:
    """Write a CSV table with ``CSV_COLUMNS``; returns the number of data rows."""
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in journal_rows(journal, interaction_id=interaction_id, run_id=run_id):
        data = row.get("args") if row["kind"] == "event" else row.get("result")
        writer.writerow(
            {
                "run": row["run"],
                "kind": row["kind"],
                "seq": row["seq"],
                "time": row.get("time", ""),
                "event": row["event"],
                "interactionId": row["interactionId"] or "",
                "plugin": row.get("plugin", ""),
                "handler": row.get("handler", ""),
                "status": row.get("status", ""),
                "durationMs": row.get("durationMs", ""),
                "data": json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                "error": row.get("error", ""),
            }
        )
        count += 1
    return count
