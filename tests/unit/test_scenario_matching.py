"""Expected values: literals, partial mappings, lists and operators."""

from __future__ import annotations

import pytest

from simulator.scenarios.matching import MISSING, check_matcher, describe, mismatches


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        ("Product sold", "Product sold"),
        (14155550134, "14155550134"),
        ("120", 120),
        (True, True),
        (None, MISSING),
        (None, None),
        ({"at_least": 120}, 120),
        ({"at_most": 5, "greater_than": 1}, 3),
        ({"less_than": 2}, 1.5),
        ({"one_of": ["a", "b"]}, "b"),
        ({"contains": "sold"}, "Product sold"),
        ({"contains": {"name": "Ann"}}, [{"name": "Bo"}, {"name": "Ann", "id": "1"}]),
        ({"contains": "k"}, {"k": 1}),
        ({"matches": r"^https://acme\."}, "https://acme.example/x"),
        ({"present": True}, "x"),
        ({"present": False}, MISSING),
        ({"length": 2}, [1, 2]),
        ({"length": {"at_least": 1}}, "abc"),
        ({"not": "x"}, "y"),
        ({"equals": {"at_least": 1}}, {"at_least": 1}),
        ({"a": 1}, {"a": 1, "b": 2}),
        ({"a": {"b": {"at_least": 1}}}, {"a": {"b": 3}}),
        ([1, {"x": 1}], [1, {"x": 1, "y": 2}]),
        ({"interaction": "sale"}, "ID-1"),
    ],
)
def test_matches(expected, actual):
    assert mismatches(expected, actual, {"sale": "ID-1"}) == []


@pytest.mark.parametrize(
    ("expected", "actual", "message"),
    [
        ("Product sold", "Offer rejected", 'expected "Product sold", was "Offer rejected"'),
        (True, 1, "expected true, was 1"),
        (1, True, "expected 1, was true"),
        ({"at_least": 120}, 119, "expected at least 120, was 119"),
        ({"at_least": 120}, "x", 'expected at least 120, was "x"'),
        ({"at_least": 120}, MISSING, "expected at least 120, was absent"),
        ({"present": False}, 3, "expected absent, was 3"),
        ({"present": True}, MISSING, "expected present, was absent"),
        ({"one_of": [1, 2]}, 3, "expected one of 1, 2, was 3"),
        ({"matches": "^a"}, "ba", 'expected to match /^a/, was "ba"'),
        ({"length": 3}, [1], "length: expected 3, was 1"),
        ({"length": 3}, 5, "expected something with a length, was 5"),
        ({"not": "x"}, "x", 'expected not "x", was "x"'),
        ({"a": 1}, "x", 'expected a mapping, was "x"'),
        ([1], [1, 2], "expected 1 item, was 2"),
        ({"interaction": "sale"}, "ID-2", 'expected the id of `sale` (ID-1), was "ID-2"'),
        ({"interaction": "other"}, "ID-2", "`other` has no interaction id"),
        (None, "x", 'expected absent, was "x"'),
    ],
)
def test_mismatches_say_what_was_expected_and_what_came(expected, actual, message):
    found = mismatches(expected, actual, {"sale": "ID-1"})
    assert found
    assert message in found[0]


def test_nested_paths_are_named():
    found = mismatches({"a": {"b": 1}, "c": [2]}, {"a": {"b": 2}, "c": [3]})
    assert found == ["a.b: expected 1, was 2", "c[0]: expected 2, was 3"]


def test_describe():
    assert describe({"at_least": 120, "at_most": 130}) == "at least 120 and at most 130"
    assert describe("x") == '"x"'
    assert describe(None) == "absent"
    assert describe({"present": False}) == "absent"


def test_check_matcher_finds_bad_operators():
    found = check_matcher({"x": {"at_least": "a"}, "y": {"one_of": []}, "z": {"present": 1}})
    assert [path for path, _ in found] == [("x", "at_least"), ("y", "one_of"), ("z", "present")]
    assert check_matcher({"equals": {"anything": {"at_least": "goes"}}}) == []
