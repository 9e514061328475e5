"""The inspector's event list: every adApi event in order, with columns made for fast filtering.

Qt-free on purpose (napari's split): the Qt table model is a thin adapter over this list. Each
event's name, interaction id and a lower-case search text are kept in parallel lists, so a filter
over 100,000 events is one list comprehension, not 100,000 calls into a model's ``data()``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator.engine import Event

__all__ = ["Change", "EventFilter", "EventLog", "changes", "payload_json", "summarize"]

# Keys of InteractionData a tester cares about when a STATE_CHANGE says "something changed".
_IGNORED_IN_DIFF = frozenset({"duration"})


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which events the inspector shows: by name, by interaction and by text (all optional)."""

    name: str | None = None
    interaction_id: str | None = None
    text: str = ""

    @property
    def is_empty(self) -> bool:
        """True when every event passes."""
        return self.name is None and self.interaction_id is None and not self.text.strip()


def _short(value: Any, limit: int = 60) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _interaction_summary(data: dict[str, Any]) -> str:
    parts = [str(data.get("type", "")), str(data.get("state", ""))]
    parties = data.get("callParties") or []
    who = parties[0].get("name") if parties else data.get("email") or data.get("phoneNumber")
    if who:
        parts.append(str(who))
    if data.get("service"):
        parts.append(str(data["service"]))
    if data.get("callMuted"):
        parts.append("muted")
    if data.get("callRecording"):
        parts.append("recording")
    if data.get("disposition"):
        parts.append(f"disposition={data['disposition']}")
    return " · ".join(part for part in parts if part)


def _diff(before: dict[str, Any], after: dict[str, Any]) -> str:
    changed = []
    for key, value in after.items():
        if key in _IGNORED_IN_DIFF:
            continue
        if before.get(key) != value:
            if isinstance(value, (dict, list)):
                changed.append(key)
            else:
                changed.append(f"{key}={_short(value, 40)}")
    changed.extend(f"-{key}" for key in before if key not in after and key not in _IGNORED_IN_DIFF)
    return ", ".join(changed)


@dataclass(frozen=True, slots=True)
class Change:
    """One field of an interaction payload that differs from the interaction's previous one."""

    key: str
    before: Any
    after: Any
    added: bool = False
    """The key was not in the previous payload."""
    removed: bool = False
    """The key is not in this payload any more."""


def changes(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """Every key whose value differs between two payloads of one interaction, in ``after``'s
    key order, then the keys that went away."""
    found = [
        Change(key, before.get(key), value, added=key not in before)
        for key, value in after.items()
        if key not in before or before[key] != value
    ]
    found += [Change(key, value, None, removed=True) for key, value in before.items()
              if key not in after]  # fmt: skip
    return found


def summarize(event: Event, previous: dict[str, Any] | None = None) -> str:
    """One line saying what an event carries (a STATE_CHANGE says what changed)."""
    name = str(event.name)
    args = event.wire_args
    first = args[0] if args else None
    if isinstance(first, dict) and "interactionId" in first:
        if name == "ON_INTERACTION_STATE_CHANGE" and previous is not None:
            changes = _diff(previous, first)
            return f"{first.get('state', '')}: {changes}" if changes else str(first.get("state"))
        return _interaction_summary(first)
    if name == "ON_AGENT_STATE_CHANGE":
        return " · ".join(str(arg) for arg in args if arg is not None)
    if name == "ON_LOGIN" and isinstance(first, dict):
        return str(first.get("username", ""))
    if name == "ON_ACTIVE_INTERACTION_SWITCHED":
        return str(first) if first is not None else "(none)"
    if not args:
        return ""
    return _short(list(args) if len(args) > 1 else first, 120)


def payload_json(event: Event) -> str:
    """The exact payload, indented: what the JSON pane shows and "Copy as JSON" copies."""
    data: dict[str, Any] = {
        "seq": event.seq,
        "time": event.time_ms,
        "event": str(event.name),
        "interactionId": event.interaction_id,
        "args": list(event.wire_args),
    }
    response = event.response
    if response is not None:
        data["response"] = response.value if not response.pending else "(pending)"
    return json.dumps(data, indent=2, ensure_ascii=False)


class EventLog:
    """Events in arrival order plus parallel columns (name, interaction, search text)."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.names: list[str] = []
        self.interaction_ids: list[str | None] = []
        self.summaries: list[str] = []
        self._search: list[str] = []
        self._last_payload: dict[str, dict[str, Any]] = {}
        self.previous: list[dict[str, Any] | None] = []
        """For each event, the interaction's payload in its previous event (None: the first)."""

    def __len__(self) -> int:
        return len(self.events)

    def append(self, event: Event) -> None:
        """Add one event (called for every event, in order)."""
        iid = event.interaction_id
        previous = self._last_payload.get(iid) if iid is not None else None
        summary = summarize(event, previous)
        first = event.wire_args[0] if event.wire_args else None
        if iid is not None and isinstance(first, dict) and "interactionId" in first:
            self._last_payload[iid] = first
        name = str(event.name)
        self.events.append(event)
        self.names.append(name)
        self.interaction_ids.append(iid)
        self.summaries.append(summary)
        self.previous.append(previous)
        self._search.append(f"{name} {iid or ''} {summary}".lower())

    def clear(self) -> None:
        """Forget every event."""
        self.__init__()  # type: ignore[misc]

    def seen_names(self) -> list[str]:
        """Event names that occurred, in first-seen order."""
        return list(dict.fromkeys(self.names))

    def seen_interactions(self) -> list[str]:
        """Interaction ids that occurred, in first-seen order."""
        return [iid for iid in dict.fromkeys(self.interaction_ids) if iid is not None]

    def matches(self, index: int, wanted: EventFilter) -> bool:
        """Whether the event at ``index`` passes ``wanted``."""
        if wanted.name is not None and self.names[index] != wanted.name:
            return False
        if (
            wanted.interaction_id is not None
            and self.interaction_ids[index] != wanted.interaction_id
        ):
            return False
        text = wanted.text.strip().lower()
        return not text or text in self._search[index]

    def filter(self, wanted: EventFilter, start: int = 0) -> list[int]:
        """Indexes (from ``start``) of the events that pass ``wanted``, in order."""
        end = len(self.events)
        if wanted.is_empty:
            return list(range(start, end))
        rows = range(start, end)
        # Narrow by the cheapest test first; each step is one comprehension over plain lists.
        if wanted.name is not None:
            names, name = self.names, wanted.name
            rows = [i for i in rows if names[i] == name]  # type: ignore[assignment]
        if wanted.interaction_id is not None:
            iids, iid = self.interaction_ids, wanted.interaction_id
            rows = [i for i in rows if iids[i] == iid]  # type: ignore[assignment]
        text = wanted.text.strip().lower()
        if text:
            search = self._search
            rows = [i for i in rows if text in search[i]]  # type: ignore[assignment]
        return list(rows)
