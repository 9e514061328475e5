"""Duration units are lower case, as the published JSON Schema has them: ``30S`` passed adsim
(and ``10Ms`` waited 10 ms) while an editor with the schema flagged it. The file and the schema
agree now, and the refusal says what to write."""

from __future__ import annotations

import json
import re

import pytest

from simulator.scenarios import ScenarioFileError, parse_scenario
from simulator.scenarios.model import parse_duration_ms
from simulator.scenarios.schema import committed_schema


def _schema_pattern() -> str:
    """The committed schema's pattern for a duration written as text."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("description") == "30s, 2m, 1m30s, 1.5s, 250ms" and "pattern" in node:
                found.append(node["pattern"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(committed_schema()))
    assert found, "the schema has no duration pattern"
    assert len(set(found)) == 1
    return found[0]


def _parses(text: str) -> bool:
    try:
        parse_duration_ms(text)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(
    "text",
    [
        "30s", "2m", "1m30s", "250ms", "1.5s", "2h", "4 s", "1m 30s", " 30s ", ".5s",
        "30S", "10Ms", "1M", "2H", "1m 30S", "30MS", "30sec", "1 0s", "s",
    ],
)  # fmt: skip
def test_the_schema_and_adsim_agree_on_a_duration(text):
    # ECMA-262 (the schema's regex dialect) reads \d as ASCII digits: re.ASCII does the same.
    in_schema = re.search(_schema_pattern(), text, re.ASCII) is not None
    assert _parses(text) == in_schema, text


@pytest.mark.parametrize(
    ("wait", "meant"), [("30S", "30s"), ("10Ms", "10ms"), ("1M", "1m"), ("1m 30S", "1m 30s")]
)
def test_an_upper_case_unit_is_refused_saying_the_lower_case_one(wait, meant):
    with pytest.raises(ScenarioFileError) as caught:
        parse_scenario(f"steps:\n  - wait: {wait}\n", "s.yaml")
    (problem,) = caught.value.problems
    assert str(problem) == (
        f"s.yaml:2:11: wait: {wait!r} is not a duration: write 30s, 2m, 1m30s, 1.5s or 250ms "
        f"(units are ms, s, m and h, in lower case: {meant}?)"
    )
