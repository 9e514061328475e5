"""An expectation that needs an event the run's adApi version does not have failed saying only
"No ON_GET_KNOWLEDGE_BASE_FOLDER at all", as if the flow were wrong: it now says the version
has no such event and which versions do. ``count: 0`` stays true of such a version."""

from __future__ import annotations

from dataclasses import replace

import pytest

from simulator.scenarios import ScenarioRunner, parse_scenario
from simulator.scenarios.event_scope import not_in_version
from simulator.scenarios.model import ExpectSpec


def _failures(expect: str, version: str = "5.19") -> list[str]:
    # A file written for 5.24.1, run under ``version`` (``--api-version``): its kb_folder step
    # sends nothing under 5.19 (a file of 5.19's own is refused at the step).
    text = f'api_version: "5.24.1"\nsteps:\n  - kb_folder\n  - expect: {expect}\n'
    source = parse_scenario(text, "s.yaml")
    source = replace(source, scenario=source.scenario.for_api_version(version))
    result = ScenarioRunner(source).run()
    assert result.error is None
    return [failure.message for failure in result.failures]


@pytest.mark.parametrize(
    "expect",
    [
        "{event: ON_GET_KNOWLEDGE_BASE_FOLDER}",
        "{event: ON_GET_KNOWLEDGE_BASE_FOLDER, count: {at_least: 1}}",
        "{order: [ON_LOGIN, ON_GET_KNOWLEDGE_BASE_FOLDER]}",
    ],
)
def test_an_event_the_version_lacks_is_named_so(expect):
    assert _failures(expect) == [
        "ON_GET_KNOWLEDGE_BASE_FOLDER is not an event of adApi 5.19: no run of it sends one, "
        'so this can never match; give this expectation api_version: [5.24.1, "2026"], the '
        "versions that have it"
    ]
    assert _failures(expect, "5.24.1") == []


@pytest.mark.parametrize(
    "expect",
    [
        "{event: ON_GET_KNOWLEDGE_BASE_FOLDER, count: 0}",
        "{event: ON_GET_KNOWLEDGE_BASE_FOLDER, count: {at_most: 2}}",
        '{event: ON_GET_KNOWLEDGE_BASE_FOLDER, api_version: "5.19", count: 0}',
    ],
)
def test_none_came_is_true_of_a_version_without_the_event(expect):
    assert _failures(expect) == []


def test_a_handler_outcome_of_an_event_the_version_lacks_is_named_so():
    wanted = ExpectSpec.model_validate({"handler": {"event": "ON_REQUEST_RECORD_INFO"}})
    message = not_in_version(wanted, "5.19")
    assert message is not None
    assert message.startswith("ON_REQUEST_RECORD_INFO is not an event of adApi 5.19")
    none = ExpectSpec.model_validate({"handler": {"event": "ON_REQUEST_RECORD_INFO", "count": 0}})
    assert not_in_version(none, "5.19") is None
    assert not_in_version(wanted, "2026") is None
