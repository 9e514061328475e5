"""``assert_record_matches`` on the mistakes integration developers make: the model's attribute
name for a wire key (``interaction_id``), milliseconds for ``duration``, an ISO date for
``startTime``, a misspelt operator. Each failure says which, where it said only "was absent",
"expected a mapping"; an expectation that cannot work (``{"at_least": "120"}``, a broken regular
expression) is one line naming it, where it was a ``TypeError`` or ``re.error`` from inside the
matcher."""

from __future__ import annotations

import pytest

from simulator.testing import assert_record_matches

RECORD = {
    "interactionId": "F728B4FA",
    "state": "completed",
    "startTime": 1767603600000,
    "endTime": 1767603730000,
    "duration": 130,
    "disposition": "Product sold",
}


@pytest.mark.parametrize(
    ("expected", "line"),
    [
        (
            {"interaction_id": "F728B4FA"},
            "  - interaction_id: expected 'F728B4FA', was absent (did you mean interactionId? "
            "adsim.records are wire JSON; adsim.record_models have the attributes)",
        ),
        (
            {"dispositon": "Product sold"},
            "  - dispositon: expected 'Product sold', was absent (did you mean disposition?)",
        ),
        ({"duration": 130000}, "  - duration: expected 130000, was 130 (whole seconds)"),
        (
            {"startTime": "2026-01-05T09:00:00Z"},
            "  - startTime: expected '2026-01-05T09:00:00Z', was 1767603600000 "
            "(epoch milliseconds)",
        ),
        (
            {"duration": {"at_leats": 120}},
            "  - duration: expected a mapping, was 130 (at_leats is not an operator: did you "
            "mean at_least?)",
        ),
    ],
    ids=["model-name", "typo", "duration-ms", "iso-start", "operator-typo"],
)
def test_a_realistic_mistake_is_named(expected, line):
    with pytest.raises(AssertionError) as caught:
        assert_record_matches(RECORD, expected)
    assert line in str(caught.value).splitlines(), str(caught.value)


@pytest.mark.parametrize(
    ("expected", "line"),
    [
        (
            {"duration": {"at_least": "120"}},
            "duration.at_least: at_least needs a number, not '120'",
        ),
        ({"disposition": {"matches": "[a"}}, "disposition.matches: not a regular expression: "),
        ({"duration": {"present": 1}}, "duration.present: present needs true or false"),
        (
            {"duration": {"at_least": 1, "unit": "s"}},
            "duration: mixes operators (at_least) with fields (unit)",
        ),
    ],
    ids=["number-as-text", "regex", "present", "mixed"],
)
def test_an_expectation_that_cannot_work_is_one_line_naming_it(expected, line):
    with pytest.raises(ValueError, match=r"^assert_record_matches: ") as caught:
        assert_record_matches(RECORD, expected)
    assert line in str(caught.value)


def test_what_matches_still_passes():
    assert_record_matches(
        RECORD,
        {
            "interactionId": {"present": True},
            "duration": {"at_least": 120, "at_most": 140},
            "startTime": 1767603600000,
            "disposition": {"one_of": ["Product sold", "Escalated"]},
        },
    )
