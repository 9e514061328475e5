"""Keeping what a run emitted: the engine itself keeps nothing, a recorder does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from simulator.contract import EventName
from simulator.engine.bus import Event

__all__ = ["EventRecorder"]


class EventRecorder:
    """Subscribe it to a simulator to keep every event in order."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)

    def __iter__(self) -> Iterator[Event]:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)

    def names(self, interaction_id: str | None = None) -> list[str]:
        """Event names in order (of one interaction, when given)."""
        return [
            e.name.value
            for e in self.events
            if interaction_id is None or e.interaction_id == interaction_id
        ]

    def of(self, name: EventName | str) -> list[Event]:
        """Events of one name."""
        wanted = EventName(name)
        return [e for e in self.events if e.name is wanted]

    def records(self) -> list[dict[str, Any]]:
        """The ``ON_SAVE_ACTIVITY_RECORD`` payloads, as wire JSON."""
        return [e.wire_args[0] for e in self.of(EventName.ON_SAVE_ACTIVITY_RECORD)]

    def jsonl(self) -> str:
        """Every event as JSON lines (byte-identical for the same seed and actions)."""
        return "".join(e.to_json() + "\n" for e in self.events)

    def clear(self) -> None:
        """Forget what was kept."""
        self.events.clear()
