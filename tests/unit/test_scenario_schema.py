"""The committed JSON Schema of scenario files matches the models and describes every step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from simulator.data.bounded_yaml import TenantLoader
from simulator.scenarios import ScenarioFileError, parse_scenario
from simulator.scenarios.model import STEP_TYPES
from simulator.scenarios.schema import committed_schema, main, render_schema


def test_committed_schema_is_up_to_date():
    assert committed_schema() == render_schema(), (
        "run: python -m simulator.scenarios.schema --write"
    )
    assert main(["--check"]) == 0


def test_every_step_is_in_the_schema_with_its_short_form():
    schema = json.loads(committed_schema())
    assert schema["$schema"].startswith("https://json-schema.org/")
    items = schema["properties"]["steps"]["items"]["oneOf"]
    refs = {item["$ref"].rsplit("/", 1)[-1] for item in items}
    assert len(refs) == len(STEP_TYPES)
    defs = schema["$defs"]
    accept = defs["AcceptStep"]["anyOf"]
    assert {"const": "accept"} in accept
    call_spec = defs["CallSpec"]["anyOf"]
    assert call_spec[0]["type"] == ["string", "number"]  # ``call: 2001``: text, as adsim reads it
    assert "Settings" in defs
    wait = defs["WaitSpec"]["anyOf"][0]["anyOf"]
    assert {s.get("type") for s in wait} == {"number", "string"}


def _as_adsim_reads(path: Path) -> object:
    """The file's data as adsim reads it (YAML 1.2 scalars: ``on:`` is a key, not true)."""
    loader = TenantLoader(path.read_text(encoding="utf-8"))
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


SCENARIOS = sorted((Path(__file__).parents[2] / "fixtures" / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[path.stem for path in SCENARIOS])
def test_the_editors_schema_takes_every_scenario_of_the_library(path):
    """An expectation's ``api_version: "5.19"`` (one version, as docs/versions.md writes it,
    and five of the library's files) was refused by the committed schema, which took a list
    only: an editor underlined what adsim runs."""
    validator = Draft202012Validator(json.loads(committed_schema()))
    errors = [
        f"{list(e.absolute_path)}: {e.message[:200]}"
        for e in validator.iter_errors(_as_adsim_reads(path))
    ]
    assert errors == []


@pytest.mark.parametrize(
    ("versions", "taken"),
    [
        ("5.19", True),
        (["5.24.1", "2026"], True),
        ("5.20", False),
        ([], False),
        (5.19, True),  # a number to YAML, which adsim reads as the text "5.19"
        (5.2, False),
    ],
)
def test_an_expectations_api_version_is_one_version_or_a_list(versions, taken):
    schema = json.loads(committed_schema())
    validator = Draft202012Validator(schema)
    scenario = {"steps": [{"expect": {"event": "ON_LOGIN", "api_version": versions}}]}
    assert validator.is_valid(scenario) is taken
    text = f"steps:\n  - expect: {json.dumps(scenario['steps'][0]['expect'])}\n"
    if taken:  # and adsim takes it too
        parse_scenario(text, "s")
    else:  # and adsim refuses it too
        with pytest.raises(ScenarioFileError):
            parse_scenario(text, "s")


def test_an_expectation_checked_under_no_version_is_refused(tmp_path):
    """``api_version: []`` skipped the expectation under every version: the run passed with
    ``0 expectations checked`` whatever came."""
    text = "steps:\n  - expect: {event: ON_SAVE_ACTIVITY_RECORD, api_version: []}\n"
    with pytest.raises(ScenarioFileError) as caught:
        parse_scenario(text, "s.yaml")
    (problem,) = caught.value.problems
    assert str(problem) == (
        "s.yaml:2:59: expect.api_version: [] checks this under no version: it checks nothing; "
        "give one or more of 5.19, 5.24.1, 2026, or leave api_version out to check it under "
        "every version"
    )
