"""What the scenario language can say since issue 14: no events in a span, exact arguments,
adjacency in `order`, computed checks, and the envelopes handlers' ad_api calls received."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.engine import Simulator
from simulator.handlers import HandlerHost
from simulator.journal import Journal
from simulator.scenarios import ScenarioFileError, ScenarioRunner, parse_scenario
from simulator.scenarios.formula import FormulaError, parse_formula

WAIT = 10.0
CALL = "steps:\n  - call: Sales\n    as: c\n  - wait: 4s\n  - accept\n  - wait: 2m\n"


def run(text: str, **kwargs: Any):
    return ScenarioRunner(parse_scenario(text, "s.yaml"), **kwargs).run()


def failures(result) -> list[str]:
    return [str(f) for f in result.failures]


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioFileError) as caught:
        parse_scenario(text, "s.yaml")
    return [str(p) for p in caught.value.problems]


# ---------------------------------------------------------------------- no events


def test_no_events_over_the_span_of_a_wait():
    result = run(CALL + "  - wait: 10s\n  - expect: {no_events: true, since: last_step}\n")
    assert result.passed, failures(result)
    result = run(CALL + "  - hold\n  - expect: {no_events: true, since: last_step}\n")
    (message,) = failures(result)
    assert "expected no events in the step before; came: ON_INTERACTION_STATE_CHANGE #" in message


def test_no_events_on_one_interaction():
    text = CALL + "  - chat\n  - expect: {no_events: true, on: c, since: last_step}\n"
    assert run(text).passed


def test_no_events_with_an_event_is_refused_at_its_place():
    (message,) = problems("steps:\n  - expect: {no_events: true, event: ON_LOGIN}\n")
    assert message.startswith("s.yaml:2:")
    assert "count: 0" in message


# ---------------------------------------------------------------------- exact arguments


def test_exact_args_refuses_a_reason_that_is_there():
    base = "steps:\n  - call: Sales\n  - wait: 30s\n"  # rings out: Not Ready, "No Answer"
    loose = base + "  - expect: {event: ON_AGENT_STATE_CHANGE, last: true, args: [not_ready]}\n"
    assert run(loose).passed
    exact = base + (
        "  - expect: {event: ON_AGENT_STATE_CHANGE, last: true, args: [not_ready], "
        "exact_args: true}\n"
    )
    (message,) = failures(run(exact))
    assert "no other arguments" in message
    assert 'also came: "No Answer"' in message
    both = base + (
        "  - expect: {event: ON_AGENT_STATE_CHANGE, last: true, args: [not_ready, No Answer], "
        "exact_args: true}\n"
    )
    assert run(both).passed


def test_exact_args_needs_args():
    (message,) = problems("steps:\n  - expect: {event: ON_LOGIN, exact_args: true}\n")
    assert "exact_args goes with args" in message


# ---------------------------------------------------------------------- adjacency


DONE = CALL + "  - hang_up: customer\n  - disposition: Product sold\n  - complete\n"


def test_adjacent_order_save_right_after_removed():
    text = DONE + (
        "  - expect: {order: [ON_INTERACTION_REMOVED, ON_SAVE_ACTIVITY_RECORD], adjacent: true}\n"
    )
    assert run(text).passed


def test_adjacent_order_says_what_came_in_between():
    text = DONE + (
        "  - expect: {order: [ON_NEW_INTERACTION, ON_INTERACTION_STATE_CHANGE], "
        "adjacent: true, on: c}\n"
    )
    assert run(text).passed  # on c's own events, delivered comes next
    text = DONE + (
        "  - expect: {order: [ON_NEW_INTERACTION, ON_INTERACTION_REMOVED], adjacent: true}\n"
    )
    (message,) = failures(run(text))
    assert "right after ON_NEW_INTERACTION #" in message
    assert "instead of ON_INTERACTION_REMOVED" in message
    # Without adjacent the same order holds.
    assert run(DONE + "  - expect: {order: [ON_NEW_INTERACTION, ON_INTERACTION_REMOVED]}\n").passed


def test_adjacent_needs_order():
    (message,) = problems("steps:\n  - expect: {event: ON_LOGIN, adjacent: true}\n")
    assert "adjacent goes with order" in message


# ---------------------------------------------------------------------- computed checks


def test_satisfies_and_duration_rule_on_the_saved_record():
    text = DONE + (
        "  - expect:\n"
        "      event: ON_SAVE_ACTIVITY_RECORD\n"
        "      satisfies: duration == floor((endTime - startTime) / 1000) and duration > 100\n"
        "      duration_rule: floor\n"
    )
    assert run(text).passed
    wrong = DONE + (
        "  - expect:\n"
        "      event: ON_SAVE_ACTIVITY_RECORD\n"
        "      satisfies: duration == ceil((endTime - startTime) / 1000) + 1\n"
    )
    (message,) = failures(run(wrong))
    assert "is false (duration=120, endTime=" in message


def test_satisfies_names_an_absent_field():
    text = CALL + "  - expect: {event: ON_NEW_INTERACTION, satisfies: 'startTime > 0'}\n"
    (message,) = failures(run(text))
    assert "startTime is absent" in message
    present = (
        CALL + "  - expect: {event: ON_NEW_INTERACTION, satisfies: 'not present(startTime)'}\n"
    )
    assert run(present).passed


def test_satisfies_errors_point_inside_the_expression():
    (message,) = problems(
        "steps:\n  - expect: {event: ON_SAVE_ACTIVITY_RECORD, satisfies: 'duration == endTme'}\n"
    )
    # column of `endTme` inside the quoted text on line 2
    line = "  - expect: {event: ON_SAVE_ACTIVITY_RECORD, satisfies: 'duration == endTme'}"
    assert message.startswith(f"s.yaml:2:{line.index('endTme') + 1}:")
    assert "did you mean `endTime`?" in message
    (message,) = problems(
        "steps:\n  - expect:\n      event: ON_SAVE_ACTIVITY_RECORD\n"
        "      satisfies: __import__('os').system('true')\n"
    )
    assert message.startswith("s.yaml:4:18:")
    assert "functions are floor" in message


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os')",
        "duration.__class__",
        "[1, 2]",
        "(lambda: 1)()",
        "duration if duration else 0",
        "open('x')",
        "a[0]",
        "f'{duration}'",
    ],
)
def test_the_expression_language_refuses_anything_else(text):
    with pytest.raises(FormulaError):
        parse_formula(text)


def test_the_expression_language_computes():
    payload = {
        "duration": 125,
        "startTime": 1_000_500,
        "endTime": 1_126_400,
        "attachedData": {"a": "1"},
    }
    assert parse_formula("duration == floor((endTime - startTime) / 1000)").failure(payload) is None
    assert (
        parse_formula("attachedData.a == '1' and len(attachedData) == 1").failure(payload) is None
    )
    assert parse_formula("0 < duration <= 125 or false").failure(payload) is None
    assert "attachedData.b is absent" in (
        parse_formula("attachedData.b == 1").failure(payload) or ""
    )
    assert "cannot be computed" in (parse_formula("duration / 0 == 1").failure(payload) or "")


def test_a_deeply_nested_expression_is_a_problem_of_the_file_not_a_traceback():
    deep = "+".join(["1"] * 5000) + " == 1"
    (message,) = problems(f"steps:\n  - expect: {{event: ON_LOGIN, satisfies: '{deep}'}}\n")
    assert message.startswith("s.yaml:2:") and "nested too deeply" in message
    with pytest.raises(FormulaError, match="nested too deeply"):
        parse_formula("not " * 5000 + "true")


@pytest.mark.parametrize(
    "text",
    [
        "'x' * 1000000000 == 1",  # would build a gigabyte of text
        "attachedData.a * 1000000000 == 1",
        "'%0999999999d' % duration == 1",  # %-formatting is not in the language
        "*".join(["9" * 1000] * 3) + " == 1",  # an int beyond the size of any payload value
    ],
)
def test_a_check_cannot_build_huge_values(text):
    failure = parse_formula(text).failure({"duration": 5, "attachedData": {"a": "1"}})
    assert failure is not None and "cannot be computed" in failure
    assert len(failure) < 4000 + len(text)


def test_a_huge_value_in_a_failure_is_shown_cut_short():
    payload = {"duration": 10**5000, "note": "n" * 10_000}
    failure = parse_formula("duration == 1 or note == 'x'").failure(payload) or ""
    assert "is false" in failure and "duration=a number too large to show" in failure
    assert len(failure) < 600


# ---------------------------------------------------------------------- api envelopes


@pytest.fixture
def host_factory():
    hosts: list[HandlerHost] = []

    def make(sim: Simulator) -> HandlerHost:
        host = HandlerHost(sim, timeout=WAIT, journal=Journal.open(":memory:"))

        def register(ad_api):
            done: set[str] = set()

            def on_state(interaction):
                # Once per interaction: setting a disposition changes the payload again.
                if interaction.state == "wrap_up" and interaction.interaction_id not in done:
                    done.add(interaction.interaction_id)
                    ad_api.set_disposition("No such disposition")
                    ad_api.set_disposition("Product sold")
                    ad_api.add_note(42)

            ad_api.on("ON_INTERACTION_STATE_CHANGE", on_state)

        status = host.add_plugin("crm", register)
        assert status.loaded, status.error
        hosts.append(host)
        return host

    yield make
    for host in hosts:
        host.close(timeout=WAIT)
        if host.journal is not None:
            host.journal.close()


def test_api_expectations_on_the_envelopes_handlers_received(host_factory):
    text = CALL + (
        "  - hang_up: customer\n"
        "  - expect:\n"
        "    - {api: {method: setDisposition, error: object_not_found, count: 1}}\n"
        "    - {api: {method: setDisposition, status: success, args: [Product sold]}}\n"
        "    - {api: {method: ADD_NOTE, error: invalid_args, plugin: crm}}\n"
        "    - {api: {method: completeInteraction, count: 0}}\n"
    )
    result = run(text, host_factory=host_factory)
    assert result.passed, failures(result)


def test_api_expectation_failure_shows_the_closest_call(host_factory):
    text = CALL + "  - hang_up: customer\n  - expect: {api: {method: addNote, status: success}}\n"
    (message,) = failures(run(text, host_factory=host_factory))
    assert "expected at least 1 addNote call(s) answered success; 0 came" in message
    assert "status was error (invalid_args)" in message


def test_api_expectation_without_handlers():
    (message,) = failures(run("steps:\n  - expect: {api: {method: addNote}}\n"))
    assert "run with --handler" in message


def test_an_unknown_api_method_is_refused_with_a_suggestion():
    (message,) = problems("steps:\n  - expect: {api: {method: setDispositon}}\n")
    assert message.startswith("s.yaml:2:")
    assert "did you mean `setDisposition`?" in message
