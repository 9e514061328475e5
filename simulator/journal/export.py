"""Writing a journal out: JSON lines or CSV, each event followed by its handler outcomes.

With ``packets=True`` (``adsim journal export --packets``) each run's events and outcomes are
followed by that run's JS packets (rows of kind ``packet``), in the order they were journaled.
They are not interleaved with the events: an event's ``time`` is the simulation's (virtual) clock,
a packet's ``wallTime`` the wall clock, and the two do not compare. Within a run the order is
still the story: the ``out`` packet of an event, the page's requests and answers, its
``__handled__``, then the next event's packet. Packets are not tied to an interaction, so they
cannot be selected with ``interaction_id`` (``--interaction``); select a run instead.

Rows (JSON lines; CSV puts them in ``CSV_COLUMNS``, plus ``PACKET_COLUMNS`` with packets, plus
``agent`` when the selected events came from a center of several agents)::

    {"kind": "event", "run", "agent"?, "seq", "time", "event", "interactionId", "args", "answer"?}
    {"kind": "outcome", "run", "agent"?, "seq", "event", "interactionId", "plugin", "handler",
     "status", "durationMs", "result", "error"?, "traceback"?}

``agent`` is the simulated agent whose desktop emitted the event (the outcome: the event it
handled); it is absent with one agent, so a single-agent journal exports as it always did.
``agent=`` (``--agent``) selects one agent's rows (and no packets: select a run for those).
    {"kind": "packet", "run", "id", "wallTime", "plugin", "direction", "type", "uid", "params",
     "noHandlers"?, "error"?}
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any, TextIO

from simulator.journal.store import (
    Journal,
    JournalEvent,
    JournalOutcome,
    JournalPacket,
    utf8_text,
)

__all__ = [
    "AGENT_COLUMN",
    "CSV_COLUMNS",
    "PACKET_COLUMNS",
    "export_csv",
    "export_jsonl",
    "journal_rows",
    "json_text",
]

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
"""One table for every kind: ``data`` is the event's arguments, the handler's result or the
packet's params (JSON); a packet's type is in ``event``."""

PACKET_COLUMNS = ("direction", "uid", "wallTime")
"""Added after ``CSV_COLUMNS`` when packets are exported (empty on event and outcome rows)."""

AGENT_COLUMN = "agent"
"""The last column when the selected events carry an agent (empty on packet rows)."""


def journal_rows(
    journal: Journal,
    *,
    interaction_id: str | None = None,
    run_id: int | None = None,
    packets: bool = False,
    agent: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Each event as a dict, then the outcomes of the handlers that received it; with
    ``packets``, each run's packets after its events (``ValueError`` with ``interaction_id``).

    Rows are read from the journal as they are yielded (three ordered cursors merged), so a
    journal of any size is exported in constant memory.
    """
    if packets and interaction_id is not None:
        raise ValueError("packets are not tied to an interaction: select a run instead")
    if packets and agent is not None:
        raise ValueError("packets are not tied to an agent: select a run instead")
    events = journal.iter_events(interaction_id=interaction_id, run_id=run_id, agent=agent)
    outcomes = _Peek(
        journal.iter_outcomes(
            interaction_id=interaction_id, run_id=run_id, by_event=True, agent=agent
        )
    )
    runs_packets = _Peek(journal.iter_packets(run_id=run_id, by_run=True) if packets else iter(()))
    # Outcomes whose event is not selected (an interaction filter on an event without an id):
    # rare, kept to the end as before.
    leftovers: list[JournalOutcome] = []
    current_run: int | None = None
    for event in events:
        if event.run_id != current_run:
            if current_run is not None:
                yield from _packets_up_to(runs_packets, current_run)
            yield from _packets_up_to(runs_packets, event.run_id - 1)
            current_run = event.run_id
        key = (event.run_id, event.seq)
        while outcomes.head is not None and (outcomes.head.run_id, outcomes.head.event_seq) < key:
            leftovers.append(outcomes.pop())
        yield _event_row(event)
        while outcomes.head is not None and (outcomes.head.run_id, outcomes.head.event_seq) == key:
            yield _outcome_row(outcomes.pop())
    if current_run is not None:
        yield from _packets_up_to(runs_packets, current_run)
    while runs_packets.head is not None:
        yield _packet_row(runs_packets.pop())
    for outcome in leftovers:
        yield _outcome_row(outcome)
    while outcomes.head is not None:
        yield _outcome_row(outcomes.pop())


class _Peek:
    """An iterator whose next item can be looked at before it is taken."""

    def __init__(self, items: Iterator[Any]):
        self._items = items
        self.head: Any = next(items, None)

    def pop(self) -> Any:
        item, self.head = self.head, next(self._items, None)
        return item


def _packets_up_to(packets: _Peek, run: int) -> Iterator[dict[str, Any]]:
    while packets.head is not None and packets.head.run_id <= run:
        yield _packet_row(packets.pop())


def _event_row(event: JournalEvent) -> dict[str, Any]:
    row: dict[str, Any] = {
        "kind": "event",
        "run": event.run_id,
    }
    if event.agent is not None:
        row["agent"] = event.agent
    row |= {
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
    }
    if outcome.agent is not None:
        row["agent"] = outcome.agent
    row |= {
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


def _packet_row(packet: JournalPacket) -> dict[str, Any]:
    row: dict[str, Any] = {
        "kind": "packet",
        "run": packet.run_id,
        "id": packet.id,
        "wallTime": packet.time_ms,
        "plugin": packet.plugin,
        "direction": packet.direction,
        "type": packet.type,
        "uid": packet.uid,
        "params": packet.params,
    }
    if packet.no_handlers is not None:
        row["noHandlers"] = packet.no_handlers
    if packet.error is not None:
        row["error"] = packet.error
    return row


_DATA = {"event": "args", "outcome": "result", "packet": "params"}


def json_text(value: Any) -> str:
    """``value`` as compact JSON that a UTF-8 file or pipe takes: a lone surrogate a handler
    returned (journaled as its escape) is written as that escape, ``\\ud800``, which JSON
    reads back exactly; written raw, it ended the export in a ``UnicodeEncodeError``."""
    return utf8_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def export_jsonl(
    journal: Journal,
    out: TextIO,
    *,
    interaction_id: str | None = None,
    run_id: int | None = None,
    packets: bool = False,
    agent: str | None = None,
) -> int:
    """Write one JSON object per line; returns the number of lines."""
    count = 0
    rows = journal_rows(
        journal, interaction_id=interaction_id, run_id=run_id, packets=packets, agent=agent
    )
    for row in rows:
        out.write(json_text(row))
        out.write("\n")  # not added to the text: a copy of a row of 50 MB
        count += 1
    return count


def export_csv(
    journal: Journal,
    out: TextIO,
    *,
    interaction_id: str | None = None,
    run_id: int | None = None,
    packets: bool = False,
    agent: str | None = None,
) -> int:
    """Write a CSV table with ``CSV_COLUMNS`` (and ``PACKET_COLUMNS`` with ``packets``);
    returns the number of data rows."""
    columns: tuple[str, ...] = CSV_COLUMNS + PACKET_COLUMNS if packets else CSV_COLUMNS
    # Known before the first row (the header): a single-agent journal keeps its old table.
    agents = agent is not None or journal.has_agents(interaction_id=interaction_id, run_id=run_id)
    if agents:
        columns += (AGENT_COLUMN,)
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    count = 0
    rows = journal_rows(
        journal, interaction_id=interaction_id, run_id=run_id, packets=packets, agent=agent
    )
    for row in rows:
        data = row.get(_DATA[row["kind"]])
        line = {
            "run": row["run"],
            "kind": row["kind"],
            "seq": row.get("seq", ""),
            "time": row.get("time", ""),
            "event": row.get("event", row.get("type", "")),
            "interactionId": row.get("interactionId") or "",
            "plugin": row.get("plugin", ""),
            "handler": row.get("handler", ""),
            "status": row.get("status", ""),
            "durationMs": row.get("durationMs", ""),
            "data": json_text(data),
            "error": row.get("error", ""),
        }
        if packets:
            line["direction"] = row.get("direction", "")
            line["uid"] = row.get("uid") or ""
            line["wallTime"] = row.get("wallTime", "")
        if agents:
            line[AGENT_COLUMN] = row.get("agent", "")
        writer.writerow(line)
        count += 1
    return count
