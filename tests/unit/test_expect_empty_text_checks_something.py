"""``contains: ""`` is in every text and ``matches: ""`` found in every value: the expectation
passed whatever the value was, checking nothing. Both are bad input at the value, saying what to
write, as the other expectations that check nothing are (``count: {}`` ...)."""

from __future__ import annotations

import pytest

from simulator.scenarios import ScenarioFileError, parse_scenario
from simulator.scenarios.matching import MISSING, mismatches

_CONTAINS = (
    'contains: "" is in every text: it checks nothing; write the text to look for, present: '
    'true for "there is a value", or contains: {equals: ""} for an empty item of a list'
)
_MATCHES = (
    'matches: "" is found in every value: it checks nothing; write the pattern to look for, or '
    'present: true for "there is a value"'
)


@pytest.mark.parametrize(
    ("matcher", "column", "message"),
    [
        ('{contains: ""}', 67, _CONTAINS),
        ("{contains: ''}", 67, _CONTAINS),
        ('{matches: ""}', 66, _MATCHES),
        ('{not: {contains: ""}}', 73, _CONTAINS),
        ('{one_of: [{contains: ""}, Ann]}', 77, _CONTAINS),
    ],
)
def test_an_empty_contains_or_matches_is_refused_at_its_value(matcher, column, message):
    text = f"steps:\n  - expect: {{event: ON_NEW_INTERACTION, payload: {{ANI: {matcher}}}}}\n"
    with pytest.raises(ScenarioFileError) as caught:
        parse_scenario(text, "s.yaml")
    (problem,) = caught.value.problems
    assert str(problem) == f"s.yaml:2:{column}: {message}"


@pytest.mark.parametrize(
    "where",
    [
        '{event: ON_NEW_INTERACTION, args: [{ANI: {contains: ""}}]}',
        '{event: ON_SEARCH_KNOWLEDGE_BASE, answer: {contains: ""}}',
        '{api: {method: addNote, args: [{matches: ""}]}}',
        '{handler: {result: {text: {contains: ""}}}}',
    ],
)
def test_it_is_refused_wherever_a_matcher_goes(where):
    with pytest.raises(ScenarioFileError, match=r'(contains|matches): "" '):
        parse_scenario(f"steps:\n  - expect: {where}\n", "s.yaml")


def test_an_empty_contains_passed_whatever_the_text_was():
    # Why it is refused: any text at all matched, so the expectation checked nothing.
    assert mismatches({"contains": ""}, "anything") == []
    assert mismatches({"matches": ""}, 42) == []
    assert mismatches({"contains": ""}, MISSING) != []


@pytest.mark.parametrize(
    "matcher", ['{contains: " "}', "{contains: a}", '{contains: {equals: ""}}', '{matches: "^$"}']
)
def test_a_text_to_look_for_is_taken(matcher):
    text = f"steps:\n  - expect: {{event: ON_NEW_INTERACTION, payload: {{ANI: {matcher}}}}}\n"
    parse_scenario(text, "s.yaml")


def test_an_empty_item_of_a_list_is_written_with_equals():
    assert mismatches({"contains": {"equals": ""}}, ["a", ""]) == []
    assert mismatches({"contains": {"equals": ""}}, ["a"]) != []


def test_assert_record_matches_refuses_it_too():
    from simulator.testing import assert_record_matches

    with pytest.raises(ValueError, match=r'ANI\.contains: contains: "" is in every text'):
        assert_record_matches({"ANI": "14155550134"}, {"ANI": {"contains": ""}})
