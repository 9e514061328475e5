"""An expectation's failure shows values as the file and the payloads write them, JSON: ``null``,
``true``, ``"text"``, ``{"a": 1}``. It showed Python's ``None``, ``True``, ``'text'`` and
``{'a': 1}`` (``expected exactly None``), and a ``satisfies`` formula that could not be
computed said Python's ``'str'`` and ``'dict'``."""

from __future__ import annotations

import re

import pytest

from simulator.scenarios import ScenarioRunner, parse_scenario
from simulator.scenarios.matching import as_json

_FLOW = (
    "steps:\n  - call: {service: Sales, attached_data: {order: '1234'}}\n  - accept\n"
    "  - expect:\n      event: ON_NEW_INTERACTION\n      payload: {EXPECT}\n"
)
_PYTHON = re.compile(r"\bNone\b|\bTrue\b|\bFalse\b|'|NoneType|real number|operand")


def _failure(payload: str) -> str:
    text = _FLOW.replace("{EXPECT}", payload)
    result = ScenarioRunner(parse_scenario(text, "s.yaml")).run()
    (failure,) = result.failures
    return str(failure)


@pytest.mark.parametrize(
    ("payload", "said"),
    [
        ("{callDirection: {equals: null}}", 'callDirection: expected exactly null, was "inbound"'),
        ("{callMuted: true}", "callMuted: expected true, was false"),
        ("{callMuted: {equals: true}}", "callMuted: expected exactly true, was false"),
        (
            "{attachedData: {equals: {a: 1}}}",
            'attachedData: expected exactly {"a": 1}, was {"order": "1234"}',
        ),
        ("{DNIS: {one_of: [null, x]}}", 'DNIS: expected one of absent, "x", was "14155550200"'),
        ("{ANI: {contains: zz}}", 'ANI: expected to contain "zz", was "13125550123"'),
        ("{service: {at_least: 3}}", 'service: expected at least 3, was "Sales"'),
        ("{service: Support}", 'service: expected "Support", was "Sales"'),
        ("{attachedData: {order: {not: '1234'}}}", 'expected not "1234", was "1234"'),
    ],
)
def test_a_payload_failure_shows_json_values(payload, said):
    failure = _failure(payload)
    assert said in failure
    assert not _PYTHON.search(failure.split(": ", 1)[1]), failure


@pytest.mark.parametrize(
    ("formula", "said"),
    [
        ("callMuted == 1", "callMuted == 1 is false (callMuted=false)"),
        ("attachedData.order == 3", 'is false (attachedData={"order": "1234"})'),
        ("ANI > 3", 'cannot be computed (> does not take text and a number: "13125550123" > 3)'),
        ("attachedData + 1 == 2", "(+ does not take a mapping and a number: {"),
        ("ANI / 2 == 1", "(/ does not take text and a number: "),
        ("len(callMuted) == 1", "(len takes text, a list or a mapping, not false)"),
        ("floor(ANI) == 1", '(floor takes a number, not "13125550123")'),
        ("not ANI", '(not takes true or false, not "13125550123")'),
    ],
)
def test_a_formula_failure_shows_json_values_and_kinds(formula, said):
    text = _FLOW.replace("      payload: {EXPECT}\n", f"      satisfies: {formula}\n")
    (failure,) = ScenarioRunner(parse_scenario(text, "s.yaml")).run().failures
    assert said in str(failure)
    assert not _PYTHON.search(str(failure).split(": ", 1)[1]), str(failure)


def test_extra_arguments_and_absent_keys_show_json():
    text = (
        "steps:\n  - call: Sales\n  - wait: 30s\n"  # rings out: Not Ready, "No Answer"
        "  - expect: {event: ON_AGENT_STATE_CHANGE, last: true, args: [not_ready], "
        "exact_args: true}\n"
        "  - expect: {event: ON_NEW_INTERACTION, absent: [ANI]}\n"
    )
    failures = [str(f) for f in ScenarioRunner(parse_scenario(text, "s.yaml")).run().failures]
    assert 'also came: "No Answer"' in failures[0], failures[0]
    assert 'ANI: expected absent, was "13125550123"' in failures[1]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "null"),
        (True, "true"),
        ("Ann Lee", '"Ann Lee"'),
        ({"a": [1, None]}, '{"a": [1, null]}'),
        ("é", '"é"'),
        ("x" * 100, '"' + "x" * 76 + "..."),
    ],
)
def test_as_json(value, shown):
    assert as_json(value) == shown


def test_as_json_of_a_number_with_no_decimal_text():
    assert as_json(2**20000) == "a number too large to show"
