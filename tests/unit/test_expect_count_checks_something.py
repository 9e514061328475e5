"""``count: {}`` and ``count: {at_least: 0}`` take every count, none included: the expectation
passed whatever came (``{event: ON_NEW_INTERACTION, count: {}}`` with no call at all). They are
bad input at the count, saying what to write."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

import simulator.scenarios
from simulator.scenarios import ScenarioFileError, parse_scenario


@pytest.mark.parametrize(
    ("expect", "where", "given"),
    [
        ("{event: ON_NEW_INTERACTION, count: {}}", "2:48: expect.count", "{}"),
        ("{event: ON_LOGIN, count: {at_least: 0}}", "2:38: expect.count", "{at_least: 0}"),
        ("{handler: {status: error, count: {}}}", "2:46: expect.handler.count", "{}"),
        ("{api: {method: setDisposition, count: {at_least: 0}}}", "2:51: expect.api.count", None),
    ],
)
def test_a_count_that_takes_every_count_is_refused(expect, where, given):
    with pytest.raises(ScenarioFileError) as caught:
        parse_scenario(f"steps:\n  - expect: {expect}\n", "s.yaml")
    (problem,) = caught.value.problems
    shown = given or "{at_least: 0}"
    assert str(problem) == (
        f"s.yaml:{where}: {shown} takes every count, 0 included: it checks nothing; write a "
        "number (count: 2, count: 0 for none) or bounds ({at_least: 1, at_most: 3})"
    )


@pytest.mark.parametrize(
    "count", ["0", "{at_most: 0}", "{at_least: 0, at_most: 2}", "{at_least: 1}", "{exactly: 0}"]
)
def test_a_count_that_refuses_some_count_is_taken(count):
    parse_scenario(f"steps:\n  - expect: {{event: ON_LOGIN, count: {count}}}\n", "s.yaml")


@pytest.mark.parametrize(
    ("count", "taken"),
    [
        ({}, False),
        ({"at_least": 0}, False),
        ({"at_most": 0}, True),
        ({"at_least": 0, "at_most": 2}, True),
        ({"at_least": 1}, True),
        ({"exactly": 0}, True),
        (0, True),
    ],
)
def test_the_editors_schema_refuses_the_counts_adsim_refuses(count, taken):
    """The committed ``scenario.schema.json`` took ``{}`` and ``{at_least: 0}``: an editor said
    nothing where adsim refused the file."""
    path = Path(simulator.scenarios.__file__).with_name("scenario.schema.json")
    defs = json.loads(path.read_text("utf-8"))["$defs"]
    validator = Draft202012Validator({"$defs": defs, "$ref": "#/$defs/CountSpec"})
    assert validator.is_valid(count) is taken
