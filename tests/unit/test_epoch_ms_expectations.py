"""``startTime`` and ``endTime`` are epoch milliseconds: a small number expected of them (seconds
or a duration meant) is bad input at its place, where ``startTime: {at_least: 30}`` passed every
run silently; a real moment, a "set" check and a clock started at 0 are left alone."""

from __future__ import annotations

import pytest

from simulator.scenarios import ScenarioFileError, parse_scenario
from simulator.testing import assert_record_matches


def _expect(payload: str, settings: str = "") -> str:
    return (
        f"{settings}steps:\n  - expect:\n      event: ON_SAVE_ACTIVITY_RECORD\n"
        f"      payload: {payload}\n"
    )


def _problems(text: str) -> list[str]:
    with pytest.raises(ScenarioFileError) as caught:
        parse_scenario(text, "s.yaml")
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize(
    ("payload", "column", "number"),
    [
        ("{startTime: {at_least: 30}}", 39, "30"),  # true of every call
        ("{endTime: {at_most: 120}}", 36, "120"),  # true of none
        ("{startTime: 1700000000}", 28, "1700000000"),  # epoch seconds
        ("{endTime: {not: {less_than: 5}}}", 44, "5"),
        ("{startTime: {one_of: [1767603600000, 30]}}", 53, "30"),
        ("{startTime: {greater_than: 1.5}}", 43, "1.5"),
    ],
)
def test_a_small_number_for_a_moment_is_refused_at_its_place(payload, column, number):
    (message,) = _problems(_expect(payload))
    assert message.startswith(f"s.yaml:4:{column}: `"), message
    assert f"is a moment in epoch milliseconds, and {number} is 1970-01-" in message
    assert "before the simulated clock starts (2026-01-05T09:00:00Z, 1767603600000)" in message
    if number == "1700000000":
        assert message.endswith("Epoch seconds meant? In milliseconds: 1700000000000")
    else:
        assert "use duration (whole seconds): duration: " in message


def test_the_message_says_what_to_write_instead():
    (message,) = _problems(_expect("{startTime: {at_least: 30}}"))
    assert message.endswith(
        "Seconds meant? For how long, use duration (whole seconds): duration: {at_least: 30}; "
        "for a moment, 30 s after the clock's start is 1767603630000"
    )


def test_the_first_argument_is_the_same_payload():
    text = (
        "steps:\n  - expect:\n      event: ON_SAVE_ACTIVITY_RECORD\n"
        "      args: [{endTime: {at_least: 60}}]\n"
    )
    (message,) = _problems(text)
    assert message.startswith("s.yaml:4:35: `endTime` is a moment in epoch milliseconds")


@pytest.mark.parametrize(
    "payload",
    [
        "{startTime: {greater_than: 0}}",  # "set"
        "{startTime: {at_least: 0}, endTime: {present: true}}",
        "{startTime: {at_least: 1700000000000}}",  # after 2023: a moment
        "{startTime: {not: 1767603600000}}",
        "{duration: {at_least: 30}}",  # the duration is seconds
        "{startTime: {at_least: -1}}",
    ],
)
def test_moments_and_set_checks_are_taken(payload):
    parse_scenario(_expect(payload), "s.yaml")


def test_a_clock_started_at_0_has_small_moments():
    settings = "settings: {start_time_ms: 0}\n"
    parse_scenario(_expect("{startTime: {at_least: 30000}}", settings), "s.yaml")
    settings = "settings: {start_time_ms: 1000}\n"
    (message,) = _problems(_expect("{startTime: {at_least: 30}}", settings))
    assert "before the simulated clock starts (1970-01-01T00:00:01Z, 1000)" in message


def test_only_interaction_events_have_the_moments():
    text = (
        "steps:\n  - expect:\n      event: ON_AGENT_STATE_CHANGE\n"
        "      args: [{startTime: {at_least: 30}}]\n"
    )
    parse_scenario(text, "s.yaml")


RECORD = {"interactionId": "F7", "startTime": 1767603604000, "endTime": 1767603734000}


def test_assert_record_matches_refuses_a_small_number_for_a_moment():
    with pytest.raises(ValueError, match=r"startTime\.at_least: `startTime` is a moment in epoch"):
        assert_record_matches(RECORD, {"startTime": {"at_least": 30}})
    assert_record_matches(RECORD, {"startTime": {"greater_than": 0}, "endTime": {"present": True}})
    # A clock started at 0 (settings start_time_ms=0): the record's moments are small too.
    assert_record_matches({"startTime": 30_000}, {"startTime": {"at_least": 30}})


def _satisfies(formula: str, event: str = "ON_SAVE_ACTIVITY_RECORD", settings: str = "") -> str:
    return f'{settings}steps:\n  - expect:\n      event: {event}\n      satisfies: "{formula}"\n'


@pytest.mark.parametrize(
    ("formula", "column", "instead"),
    [
        ("startTime >= 30", 32, "duration >= 30"),  # true of every call
        ("30 <= endTime", 19, "30 <= duration"),
        ("present(endTime) and endTime < 120", 50, "duration < 120"),  # true of none
        ("0 < startTime < 1.5", 35, "duration < 1.5"),
    ],
)
def test_a_formula_comparing_a_moment_with_a_small_number_is_refused_at_it(
    formula, column, instead
):
    (message,) = _problems(_satisfies(formula))
    assert message.startswith(f"s.yaml:4:{column}: satisfies: `"), message
    assert "is a moment in epoch milliseconds, and " in message
    assert f"use duration (whole seconds): {instead}; for a moment, " in message


@pytest.mark.parametrize(
    "formula",
    [
        "startTime > 0",
        "endTime - startTime >= 30",  # milliseconds between two moments
        "startTime >= 1700000000000",
        "duration >= 30",
        "startTime < -1",
    ],
)
def test_formulas_with_moments_and_set_checks_are_taken(formula):
    parse_scenario(_satisfies(formula), "s.yaml")


def test_a_formula_on_a_clock_started_at_0_has_small_moments():
    parse_scenario(_satisfies("startTime >= 30000", settings="settings: {start_time_ms: 0}\n"), "")


@pytest.mark.parametrize(
    ("expect", "column"),
    [
        ("payload: {timestamp: {at_least: 30}}", 39),
        ("args: [{timestamp: 5}]", 26),
        ('satisfies: "timestamp > 30"', 31),
    ],
)
def test_a_server_errors_timestamp_is_a_moment_too(expect, column):
    text = "steps:\n  - expect:\n      event: ON_SERVER_ERROR\n      " + expect + "\n"
    (message,) = _problems(text)
    assert message.startswith(f"s.yaml:4:{column}: "), message
    assert "`timestamp` is a moment in epoch milliseconds, and " in message
    assert "(true of every event, or of none)" in message
    assert "s after the clock's start is 17676036" in message
    assert "duration" not in message  # a server error has none


def test_a_server_errors_set_timestamp_is_taken():
    text = (
        "steps:\n  - expect:\n      event: ON_SERVER_ERROR\n"
        '      payload: {timestamp: {greater_than: 0}}\n      satisfies: "timestamp > 0"\n'
    )
    parse_scenario(text, "s.yaml")


@pytest.mark.parametrize(
    ("formula", "written", "number"),
    [
        ("floor(startTime / 1000) >= 30", "floor(startTime / 1000)", "30"),
        ("startTime / 1000 > 30", "startTime / 1000", "30"),
        ("30 <= ceil(endTime // 1000)", "ceil(endTime // 1000)", "30"),
        ("round(startTime / 1000) < 120 and duration > 1", "round(startTime / 1000)", "120"),
        ("floor( startTime/1e3 ) >= 30", "floor( startTime/1e3 )", "30"),  # quoted as written
    ],
)
def test_a_moment_in_seconds_compared_with_a_small_number_is_refused(formula, written, number):
    # Seconds since 1970 against 30: true of every call (or of none), decided before any run;
    # the milliseconds check was escaped by writing the moment in seconds.
    (message,) = _problems(_satisfies(formula))
    column = 19 + formula.index(number)
    assert message.startswith(f"s.yaml:4:{column}: satisfies: `{written}` is a moment in epoch "), (
        message
    )
    assert f"seconds, and {number} is 1970-01-01T00:" in message
    assert "For how long, use duration (whole seconds): " in message


def test_a_moment_in_minutes_is_refused_without_the_duration_advice():
    (message,) = _problems(_satisfies("floor(endTime / 60000) > 5"))
    assert "`floor(endTime / 60000)` is a moment in ms since 1970 / 60000, and 5 is " in message
    assert "duration" not in message


@pytest.mark.parametrize(
    "formula",
    [
        "floor(startTime / 1000) >= 1700000000",  # a real moment in seconds
        "(endTime - startTime) / 1000 >= 30",  # a length of time
        "floor((endTime - startTime) / 1000) == duration",
        "startTime / 1000 > 0",  # set
    ],
)
def test_moments_in_seconds_and_lengths_of_time_are_taken(formula):
    parse_scenario(_satisfies(formula), "s.yaml")
