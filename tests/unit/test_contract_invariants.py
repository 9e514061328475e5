"""The payload and event-order rules of docs/contract.md, held by every fixture in every version.

Each scenario of ``fixtures/scenarios`` is run and each desktop's event stream is read as an
integration reads it: an interaction starts with ``ON_NEW_INTERACTION``; ``STATE_CHANGE`` comes
only when the payload changed; ``ON_INTERACTION_REMOVED`` is followed at once by its
``ON_SAVE_ACTIVITY_RECORD`` and nothing follows for that interaction; ``duration`` is
``floor((endTime - startTime) / 1000)`` and absent without both (or when it is 0); ``startTime``
and ``globalInteractionId`` never change once sent; the voice-only keys never appear on chats and
emails; no key is ``null`` but ``associatedObjects.selected``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from simulator.contract.versions import ApiVersion
from simulator.scenarios import ScenarioRunner, load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios"
STEMS = sorted(path.stem for path in SCENARIOS.glob("*.yaml"))
VERSIONS = [v.value for v in ApiVersion]

_INTERACTION_EVENTS = {
    "ON_NEW_INTERACTION",
    "ON_INTERACTION_STATE_CHANGE",
    "ON_INTERACTION_REMOVED",
    "ON_SAVE_ACTIVITY_RECORD",
}
_VOICE_ONLY = ("callDirection", "DNIS", "ANI", "recordingUrl", "playbackUrl")
_FIXED_ONCE_SENT = ("startTime", "globalInteractionId", "type", "callDirection")


def _nulls(value: Any, path: str = "") -> list[str]:
    """Where ``value`` holds a ``null`` (``associatedObjects.selected`` may)."""
    if value is None:
        return [] if path == ".associatedObjects.selected" else [path]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _nulls(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in _nulls(item, f"{path}[{index}]")]
    return []


def _payload_problems(data: dict[str, Any]) -> list[str]:
    problems = [f"null at {where}" for where in _nulls(data)]
    start, end, duration = data.get("startTime"), data.get("endTime"), data.get("duration")
    if start is not None and end is not None and (end - start) // 1000:
        if duration != (end - start) // 1000:
            problems.append(f"duration {duration} for {start}..{end}")
    elif duration is not None:
        problems.append(f"duration {duration} without startTime and endTime")
    if data["type"] != "voice":
        problems += [f"{key} on a {data['type']}" for key in _VOICE_ONLY if key in data]
        if data["callParties"] or data["callMuted"] or data["callRecording"]:
            problems.append(f"call data on a {data['type']}")
    return problems


def _stream_problems(events: list[Any], version: str) -> list[str]:
    """What breaks the rules in one desktop's events (``events`` in emission order)."""
    problems: list[str] = []
    last: dict[str, dict[str, Any]] = {}
    removed: set[str] = set()
    for index, event in enumerate(events):
        name = event.name.value
        if name not in _INTERACTION_EVENTS:
            continue
        data = event.wire_args[0]
        iid = data["interactionId"]
        where = f"#{event.seq} {name} {iid}"
        problems += [f"{where}: {p}" for p in _payload_problems(data)]
        if iid in removed and name != "ON_SAVE_ACTIVITY_RECORD":
            problems.append(f"{where}: after ON_INTERACTION_REMOVED")
        previous = last.get(iid)
        if name == "ON_NEW_INTERACTION":
            if previous is not None:
                problems.append(f"{where}: a second ON_NEW_INTERACTION")
        elif previous is None:
            problems.append(f"{where}: before its ON_NEW_INTERACTION")
        else:
            if name == "ON_INTERACTION_STATE_CHANGE" and data == previous:
                problems.append(f"{where}: nothing changed")
            for key in _FIXED_ONCE_SENT:
                if key in previous and data.get(key) != previous[key]:
                    problems.append(f"{where}: {key} {previous[key]!r} -> {data.get(key)!r}")
        if name == "ON_INTERACTION_REMOVED":
            removed.add(iid)
            following = events[index + 1] if index + 1 < len(events) else None
            if following is None or following.name.value != "ON_SAVE_ACTIVITY_RECORD":
                problems.append(f"{where}: not followed by ON_SAVE_ACTIVITY_RECORD")
            elif version == "5.19" and following.wire_args[0] != data:
                problems.append(f"{where}: the saved payload differs from the removed one")
        if name == "ON_SAVE_ACTIVITY_RECORD":
            before = events[index - 1] if index else None
            if before is None or before.name.value != "ON_INTERACTION_REMOVED":
                problems.append(f"{where}: not right after ON_INTERACTION_REMOVED")
            continue  # 5.24.1+ save the activity data: the removed payload stays the reference
        last[iid] = data
    return problems


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("stem", STEMS)
def test_every_fixture_keeps_the_payload_and_order_rules(stem, version):
    source = load_scenario(SCENARIOS / f"{stem}.yaml")
    result = ScenarioRunner(
        replace(source, scenario=source.scenario.for_api_version(version))
    ).run()
    assert result.exit_code == 0, [str(f) for f in result.failures] + [str(result.error)]
    by_desktop: dict[str | None, list[Any]] = defaultdict(list)
    for event in result.events:
        by_desktop[event.agent].append(event)
    problems = [
        f"{agent or 'agent'} {problem}"
        for agent, events in by_desktop.items()
        for problem in _stream_problems(events, version)
    ]
    assert not problems, f"{stem} ({version}):\n" + "\n".join(problems)


def test_the_rules_catch_what_they_are_about():
    """The checks are not vacuous: a doctored stream breaks each of them."""

    class _E:
        def __init__(self, seq: int, name: str, data: dict[str, Any]):
            self.seq, self.wire_args, self.agent = seq, (data,), None
            self.name = type("N", (), {"value": name})()

    base = {
        "interactionId": "A",
        "state": "delivered",
        "type": "chat",
        "subject": "",
        "associatedObjects": {"list": [], "selected": None},
        "callParties": [],
        "callMuted": False,
        "callRecording": False,
        "attachedData": {},
        "startTime": 1_000,
    }
    doctored = [
        _E(1, "ON_INTERACTION_STATE_CHANGE", base),
        _E(2, "ON_NEW_INTERACTION", {**base, "DNIS": "1", "service": None}),
        _E(3, "ON_INTERACTION_STATE_CHANGE", {**base, "DNIS": "1", "service": None}),
        _E(4, "ON_INTERACTION_STATE_CHANGE", {**base, "startTime": 2_000, "endTime": 9_000}),
        _E(5, "ON_INTERACTION_REMOVED", {**base, "endTime": 5_000, "duration": 3}),
        _E(6, "ON_INTERACTION_STATE_CHANGE", base),
    ]
    text = "\n".join(_stream_problems(doctored, "5.19"))
    for expected in (
        "before its ON_NEW_INTERACTION",
        "DNIS on a chat",
        "null at .service",
        "nothing changed",
        "startTime 1000 -> 2000",
        "duration None for 2000..9000",
        "duration 3 for 1000..5000",
        "not followed by ON_SAVE_ACTIVITY_RECORD",
        "after ON_INTERACTION_REMOVED",
    ):
        assert expected in text, (expected, text)
