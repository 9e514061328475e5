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
            if str(node.get("description", "")).startswith("30s, 2m,") and "pattern" in node:
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
    assert _parses(text) == _in_schema(text), text


# ECMA-262's WhiteSpace and LineTerminator: what ``\s`` is in the schema's regex dialect (with
# or without the u flag), U+00A0 and U+FEFF included; its ``\d`` is ASCII digits.
_ECMA_SPACE = "[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"


def _in_schema(text: str) -> bool:
    """Whether the committed schema's pattern takes ``text``, read as an editor reads it."""
    pattern = _schema_pattern().replace("\\s", _ECMA_SPACE).replace("\\d", "[0-9]")
    return re.search(pattern, text) is not None


@pytest.mark.parametrize(
    ("text", "ms"), [("30", 30_000), (" 30 ", 30_000), ("1e3", 1_000_000), ("+1", 1000),
                     ("2.", 2000), (".5", 500), ("0", 0)],
)  # fmt: skip
def test_seconds_written_as_text_are_read_as_the_number_and_the_schema_takes_them(text, ms):
    # ``wait: "30"`` waited 30 s while an editor with the schema flagged it (no unit).
    assert parse_duration_ms(text) == ms
    assert _in_schema(text), text


@pytest.mark.parametrize("text", ["-0", "-1", "3 0", "1e", "e3", "30x", "0x1e"])
def test_seconds_as_text_that_adsim_refuses_the_schema_refuses(text):
    assert not _parses(text), text
    assert not _in_schema(text), text


@pytest.mark.parametrize(
    "space", ["\u00a0", "\u2003", "\u202f", "\u3000", "\ufeff", "\u2028", "\x1c", "\x85"]
)
@pytest.mark.parametrize("where", ["{}30s", "30{}s", "1m{}30s", "30s{}", "{}30"])
def test_a_unicode_space_in_a_duration_is_refused_by_adsim_and_the_schema(space, where):
    # ECMA's \s (the schema's) takes U+00A0, U+FEFF ...; adsim's ASCII \s did not (and
    # Python's strip() took U+00A0 and U+0085 at the ends): one passed what the other refused.
    text = where.format(space)
    assert not _parses(text), repr(text)
    assert not _in_schema(text), repr(text)


def test_a_no_break_space_in_a_wait_is_refused_at_its_place_naming_it():
    with pytest.raises(ScenarioFileError) as caught:
        parse_scenario("steps:\n  - wait: 30\u00a0s\n", "s.yaml")
    (problem,) = caught.value.problems
    assert str(problem).startswith("s.yaml:2:11: wait: ")
    assert "(U+00A0, no-break space, is not a space here: write a plain space)" in str(problem)


def test_a_quoted_number_of_seconds_waits_as_the_number():
    (step,) = parse_scenario('steps:\n  - wait: "30"\n', "s.yaml").scenario.steps
    assert step.value.total_ms == 30_000


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
