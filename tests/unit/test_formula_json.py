"""``satisfies`` compares JSON values: a number is not a boolean (Python's ``True == 1`` must
not leak into a check), and true/false take no arithmetic, no ordering and no number functions."""

from __future__ import annotations

import pytest

from simulator.scenarios.formula import FormulaError, parse_formula

PAYLOAD = {
    "one": 1,
    "zero": 0,
    "yes": True,
    "no": False,
    "ones": [1, 0],
    "flags": [True, False],
    "data": {"a": 1},
    "flagged": {"a": True},
}


def _holds(text: str) -> bool:
    return parse_formula(text).failure(PAYLOAD) is None


@pytest.mark.parametrize(
    "text",
    [
        "1 == true",
        "0 == false",
        "one == yes",
        "zero == no",
        "true == 1.0",
        "ones == flags",
        "data == flagged",
        "not (1 != true)",
        "not (zero != false)",
    ],
)
def test_a_number_never_equals_a_boolean(text):
    assert not _holds(text), f"{text} held"


@pytest.mark.parametrize(
    "text",
    [
        "1 != true",
        "0 != false",
        "yes == true and no == false",
        "one == 1.0 and ones == ones",
        "flags != ones",
        "true != false",
    ],
)
def test_booleans_equal_booleans_and_numbers_numbers(text):
    assert _holds(text), f"{text} did not hold"


@pytest.mark.parametrize(
    "text",
    [
        "true + 1 == 2",
        "yes * 3 == 3",
        "-true == -1",
        "true < 2",
        "no >= 0",
        "abs(true) == 1",
        "floor(yes) == 1",
        "round(false) == 0",
        "not 0",
        "not one",
        "one and true",
        "zero or true",
    ],
)
def test_booleans_are_not_numbers_nor_numbers_booleans(text):
    failure = parse_formula(text).failure(PAYLOAD) or ""
    assert "cannot be computed" in failure, f"{text}: {failure or 'held'}"


@pytest.mark.parametrize("text", ["true in [1]", "1 in flags", "true is 1"])
def test_membership_and_identity_are_not_in_the_language(text):
    with pytest.raises(FormulaError, match="comparisons are"):
        parse_formula(text)


def test_boolean_operators_still_short_circuit():
    assert _holds("present(missing) or true")
    assert not _holds("present(missing) and missing > 1")  # missing is never read
    assert _holds("not present(missing) and not no")


@pytest.mark.parametrize(
    "text",
    ["one * 1e308 * 10 > 0", "1e308 + 1e308 != 0", "-1e308 * 10 < 0", "1e308 * 10 == 1e308 * 10"],
)
def test_a_result_past_what_json_holds_cannot_be_computed(text):
    """``duration * 1e308 * 1e308 > 0`` held: infinity, which no payload can hold (JSON has no
    such number, and a file's own .inf is refused), compared as a number."""
    failure = parse_formula(text).failure(PAYLOAD) or ""
    assert "cannot be computed (the result is not a finite number)" in failure, text


def test_a_literal_too_large_to_be_finite_is_refused_where_it_is():
    with pytest.raises(FormulaError, match="this number is infinite") as exc:
        parse_formula("one < 1e400")
    assert exc.value.column == 7
