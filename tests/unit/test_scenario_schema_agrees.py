"""The editors' JSON Schema of scenario files takes every value adsim's loader takes.

The loader reads a number where text is due as that text (``dtmf: 5``, ``blind_transfer: 2001``,
``kb_article: 12``, ``customer: {phone: 14155550134}``: pydantic's ``coerce_numbers_to_str``),
and the schema said ``"type": "string"``: an editor underlined what adsim runs.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from simulator.data.bounded_yaml import TenantLoader
from simulator.scenarios import ScenarioFileError, parse_scenario
from simulator.scenarios.model import STEP_TYPES
from simulator.scenarios.schema import committed_schema

SCENARIOS = sorted((Path(__file__).parents[2] / "fixtures" / "scenarios").glob("*.yaml"))
VALUES = [123, 12.5, 0, "abc", True, None]


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(committed_schema()))


def _taken(text: str, name: str) -> bool:
    try:
        parse_scenario(text, name)
    except ScenarioFileError:
        return False
    return True


@pytest.mark.parametrize("step", sorted(STEP_TYPES))
def test_a_short_form_the_loader_takes_the_schema_takes(validator, step):
    for value in VALUES:
        scenario = {"steps": [{step: value}]}
        if _taken(json.dumps(scenario), "s.yaml"):
            assert validator.is_valid(scenario), f"- {step}: {value!r}: adsim runs it"


def _read(path: Path) -> Any:
    loader = TenantLoader(path.read_text(encoding="utf-8"))
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _texts(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Where ``data`` holds text (the places a number may stand for it)."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _texts(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _texts(value, (*path, index))
    elif isinstance(data, str):
        yield path


def test_a_number_for_any_text_of_the_library_is_taken_by_both_or_neither(validator):
    """Each kind of text of the library's scenarios (each key path once: ``steps.call.service``,
    ``steps.expect.by`` ...) replaced by a number: whenever the loader takes it, so does the
    schema (which cannot see names given elsewhere in the file, or a payload key's type, so
    it may take more than the loader)."""
    seen: set[tuple[Any, ...]] = set()
    disagree = []
    for path in SCENARIOS:
        base = _read(path)
        for where in _texts(base):
            kind = tuple(key for key in where if not isinstance(key, int))
            if kind in seen:
                continue
            seen.add(kind)
            data = copy.deepcopy(base)
            holder = data
            for key in where[:-1]:
                holder = holder[key]
            holder[where[-1]] = 2001
            if _taken(json.dumps(data), str(path)) and not validator.is_valid(data):
                disagree.append(f"{path.name}: {list(where)} = 2001")
    assert len(seen) > 100  # the library's texts: its steps' and expectations' kinds
    assert disagree == []


@pytest.mark.parametrize(
    "scenario",
    [
        {"api_version": 2026, "steps": ["login"]},
        {"api_version": 5.19, "steps": ["login"]},
        {"settings": {"api_version": 2026}, "steps": ["login"]},
        {"steps": [{"expect": {"event": "ON_LOGIN", "api_version": 5.19}}]},
        {"steps": [{"expect": {"event": "ON_LOGIN", "api_version": [5.19, 2026]}}]},
    ],
    ids=["top", "top-float", "settings", "expect", "expect-list"],
)
def test_an_api_version_written_as_a_number_is_taken_by_both(validator, scenario):
    """``api_version: 2026`` (a number to YAML, as ``5.19`` is) ran, and the editor's schema
    underlined it; ``settings: {api_version: 2026}`` was refused by adsim as "expected one of
    5.19, 5.24.1, 2026, got the number 2026"."""
    assert _taken(json.dumps(scenario), "s.yaml")
    assert validator.is_valid(scenario)


def test_an_api_version_that_is_no_version_is_refused_by_both(validator):
    for version in (5.2, 2025, 5.241):
        scenario = {"api_version": version, "steps": ["login"]}
        assert not _taken(json.dumps(scenario), "s.yaml")
        assert not validator.is_valid(scenario)


@pytest.mark.parametrize(
    "step",
    [
        {"conference": {}},
        {"conference": {"invite": None}},
        {"conference": {"data": {"topic": "refund"}}},
        {"conference": {"invite": "1002", "remove": "1002"}},
        {"conference": {"invite": "1002", "end": True}},
        {"conference": {"end": False}},
        {"conference": {"invite": "1002", "end": False}},
        {"conference": {"invite": 1002, "remove": None}},
        {"conference": {"end": True, "data": None}},
        {"conference": {"end": True, "data": {"topic": "refund"}}},
        {"conference": {"remove": "1002", "data": {}}},
        {"conference": {"invite": "1002", "data": {"topic": "refund"}}},
        {"chat_conference": {}},
        {"chat_conference": {"invite": "1002", "remove": "1002"}},
        {"chat_conference": {"remove": None}},
        {"chat_conference": {"remove": 1002}},
        {"set_state": {"state": "ready", "reason": "Lunch"}},
        {"set_state": {"state": "supervising", "reason": "Lunch"}},
        {"set_state": {"state": "not_ready", "reason": "Lunch"}},
        {"set_state": {"state": "ready", "reason": None}},
        {"expect": {"order": ["ON_LOGIN"], "payload": {"state": "hold"}}},
        {"expect": {"agent": "ready", "count": 1}},
        {"expect": {"agent": "ready", "last": True}},
        {"expect": {"agent": "ready", "last": False}},
        {"expect": {"agent": "ready", "absent": ["ANI"]}},
        {"expect": {"agent": "ready", "present": []}},
        {"expect": {"agent": "ready", "payload": None}},
        {"expect": {"agent": "ready", "duration_rule": "floor"}},
        {"expect": {"since": "last_step"}},
        {"expect": {"event": None, "since": "last_step"}},
        {"expect": {"no_events": True}},
        {"expect": {"no_events": False}},
        {"expect": {"no_events": True, "event": "ON_LOGIN"}},
        {"expect": {"event": "ON_LOGIN", "count": 1, "last": True}},
        {"wait": "30s30s"},
        {"wait": "1h 1h"},
        {"wait": "1m30s1m"},
        {"wait": "1ms1ms"},
        {"wait": "1m1ms"},
        {"wait": "1h1m1s1ms"},
        {"wait": "1ms 1s 1m 1h"},
        {"wait": "1.5m"},
    ],
    ids=str,
)
def test_a_step_the_loader_refuses_for_its_shape_the_schema_refuses(validator, step):
    """``conference: {}`` (or ``{invite, remove}``) and ``wait: 30s30s`` are refused by adsim
    (``give exactly one of invite, remove or end``; ``it gives s twice``), and the editor's
    schema took them: each is taken by both or by neither."""
    scenario = {"steps": [step]}
    assert validator.is_valid(scenario) == _taken(json.dumps(scenario), "s.yaml")
