"""Messages that give a count read as sentences for every count: ``expected 1 item`` (it read
``1 items``), ``payload needs an event`` (``payload need``), and ``last: true`` said of the one
event it looks at (it read ``expected at least 1 the last ON_...``)."""

from __future__ import annotations

import pytest

from simulator.scenarios import ScenarioFileError, ScenarioRunner, parse_scenario
from simulator.scenarios.matching import mismatches


def run_failures(expect: str) -> list[str]:
    text = f"steps:\n  - call: Sales\n    as: a\n  - accept\n  - expect: {expect}\n"
    result = ScenarioRunner(parse_scenario(text, "s.yaml")).run()
    return [str(f) for f in result.failures]


@pytest.mark.parametrize(
    ("expected", "actual", "message"),
    [
        ([], [1], "expected 0 items, was 1: [1]"),
        ([1], [1, 2], "expected 1 item, was 2: [1, 2]"),
        ([1, 2], [1], "expected 2 items, was 1: [1]"),
    ],
)
def test_a_list_of_another_length_says_item_or_items(expected, actual, message):
    assert mismatches(expected, actual) == [message]


@pytest.mark.parametrize(
    ("expect", "message"),
    [
        ("{agent: ready, payload: {state: hold}}", "payload needs an event"),
        ("{agent: ready, payload: {state: hold}, args: [x]}", "payload and args need an event"),
        (
            "{agent: ready, payload: {state: hold}, count: 1, last: true}",
            "payload, count and last need an event",
        ),
    ],
)
def test_keys_that_need_an_event_agree_with_their_number(expect, message):
    with pytest.raises(ScenarioFileError) as exc:
        parse_scenario(f"steps:\n  - expect: {expect}\n", "s.yaml")
    (problem,) = (str(p) for p in exc.value.problems)
    assert problem == f"s.yaml:2:13: expect: {message}: add event: NAME"


@pytest.mark.parametrize(
    ("expect", "message"),
    [
        (
            "{event: ON_INTERACTION_STATE_CHANGE, on: a, last: true, payload: {state: hold}}",
            'expected the last ON_INTERACTION_STATE_CHANGE on `a` to be one with state "hold"; '
            'it is not: ON_INTERACTION_STATE_CHANGE #7 at +0:00: state: expected "hold", was '
            '"delivered"',
        ),
        (
            "{event: ON_INTERACTION_STATE_CHANGE, on: a, last: true, count: 1, "
            "payload: {state: hold}}",
            'expected the last ON_INTERACTION_STATE_CHANGE on `a` to be one with state "hold"; '
            "it is not: ON_INTERACTION_STATE_CHANGE #7",
        ),
        (
            "{event: ON_INTERACTION_STATE_CHANGE, last: true, count: 0, "
            "payload: {state: delivered}}",
            "expected the last ON_INTERACTION_STATE_CHANGE not to be one with state "
            '"delivered"; it is: #7 at +0:00',
        ),
        (
            "{event: ON_INTERACTION_STATE_CHANGE, on: a, last: true, count: 0}",
            "expected no ON_INTERACTION_STATE_CHANGE on `a`; ON_INTERACTION_STATE_CHANGE #7 at "
            "+0:00 came",
        ),
        (
            "{event: ON_SAVE_ACTIVITY_RECORD, last: true, since: last_step}",
            "expected an ON_SAVE_ACTIVITY_RECORD in the step before. No ON_SAVE_ACTIVITY_RECORD "
            "at all; came: ON_INTERACTION_STATE_CHANGE x1",
        ),
    ],
)
def test_last_true_is_said_of_the_one_event_it_looks_at(expect, message):
    (failure,) = run_failures(expect)
    assert failure.startswith(f"s.yaml:5:5: {message}"), failure
    assert "the last" not in failure.replace("expected the last", "")
