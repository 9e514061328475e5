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
            '  - interaction_id: expected "F728B4FA", was absent (did you mean interactionId? '
            "adsim.records are wire JSON; adsim.record_models have the attributes)",
        ),
        (
            {"dispositon": "Product sold"},
            '  - dispositon: expected "Product sold", was absent (did you mean disposition?)',
        ),
        ({"duration": 130000}, "  - duration: expected 130000, was 130 (whole seconds)"),
        (
            {"startTime": "2026-01-05T09:00:00Z"},
            '  - startTime: expected "2026-01-05T09:00:00Z", was 1767603600000 '
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
            'duration.at_least: at_least needs a number, not "120"',
        ),
        ({"disposition": {"matches": "[a"}}, "disposition.matches: not a regular expression: "),
        ({"duration": {"present": "yes"}}, "duration.present: present needs true or false"),
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


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ([RECORD], "assert_record_matches takes one record (adsim.records[0]), not a list of 1"),
        ([], "assert_record_matches takes one record (adsim.records[0]), not a list of 0"),
        (None, "assert_record_matches takes one record (adsim.records[0]), not None"),
    ],
    ids=["the-list", "an-empty-list", "none"],
)
def test_the_list_of_records_instead_of_one_is_named(record, message):
    """``assert_record_matches(adsim.records, ...)``: a ``ValueError`` about "dictionary update
    sequence element #0", or with no record at all "duration ... was absent"."""
    with pytest.raises(TypeError) as caught:
        assert_record_matches(record, {"duration": 130})
    assert str(caught.value) == message


def test_a_key_in_the_record_is_not_suggested_for_itself():
    with pytest.raises(AssertionError) as caught:
        assert_record_matches({"state": "completed"}, {"duration": 130})
    assert "  - duration: expected 130, was absent" in str(caught.value).splitlines()


def test_an_event_name_in_lower_case_gets_its_name():
    from simulator.testing import assert_event_sequence

    with pytest.raises(
        AssertionError,
        match=r"on_login \(expected #1\) is not an event name "
        r"\(did you mean ON_LOGIN\?\)",
    ):
        assert_event_sequence(["ON_LOGIN"], ["on_login"])


def test_records_given_for_events_are_named():
    from simulator.testing import assert_event_sequence

    with pytest.raises(TypeError, match=r"takes events \(adsim.events\) or event names, not dict"):
        assert_event_sequence([RECORD], ["ON_LOGIN"])


def test_an_interaction_id_no_event_has_is_named(adsim):
    """A wrong id read "ON_NEW_INTERACTION never came ... actual: (no events)"; the envelope
    ``adsim.offer_call(...)`` (not its ``.data["id"]``) the same."""
    from simulator.testing import assert_event_sequence

    adsim.login()
    adsim.set_agent_state("ready")
    offered = adsim.offer_call("Sales")
    call = offered.data["id"]
    assert_event_sequence(adsim.events, ["ON_NEW_INTERACTION"], interaction_id=call)
    with pytest.raises(AssertionError) as caught:
        assert_event_sequence(adsim.events, ["ON_NEW_INTERACTION"], interaction_id="C-1")
    assert str(caught.value) == (
        f"event sequence mismatch: no event is of interaction 'C-1'; the events' interactions: "
        f"{call}"
    )
    with pytest.raises(TypeError, match=r"not OperationSuccess \(the id of adsim.offer_call"):
        assert_event_sequence(adsim.events, ["ON_NEW_INTERACTION"], interaction_id=offered)


@pytest.mark.parametrize(
    ("expected", "hint"),
    [
        ({"dispositon": {"present": False}}, " (did you mean disposition?)"),
        ({"interaction_id": None}, " (did you mean interactionId? adsim.records"),
        ({"playbackURL": {"present": False}}, " (did you mean playbackUrl?)"),
    ],
)
def test_a_key_no_record_has_whose_check_holds_of_its_absence_is_named(expected, hint):
    # It passed every record: the misspelt key is never there, and "absent" was what it asked.
    ((key, value),) = expected.items()
    with pytest.raises(ValueError) as raised:
        assert_record_matches(RECORD, expected)
    message = str(raised.value)
    assert message.startswith(
        f"assert_record_matches: {key}: `{key}` is not a key of an activity record{hint}"
    )
    assert message.endswith(
        f"and {value!r} holds of a key the record leaves out: true of every record"
    )


def test_a_key_of_a_record_left_out_may_be_expected_absent():
    assert_record_matches(RECORD, {"playbackUrl": {"present": False}, "endTime": {"present": True}})
    assert_record_matches(RECORD, {"chatParties": {"present": False}})  # a 5.24.1 key


def test_an_event_never_about_an_interaction_with_interaction_id_is_named(adsim):
    """``interaction_id=`` keeps that interaction's events: ON_AGENT_STATE_CHANGE is about none,
    and the sequence failed saying it "never came" though it had."""
    from simulator.testing import assert_event_sequence

    adsim.login()
    adsim.set_agent_state("ready")
    call = adsim.offer_call("Sales").data["id"]
    assert_event_sequence(adsim.events, ["ON_NEW_INTERACTION", "ON_AGENT_STATE_CHANGE"])
    with pytest.raises(ValueError) as raised:
        assert_event_sequence(
            adsim.events, ["ON_NEW_INTERACTION", "ON_AGENT_STATE_CHANGE"], interaction_id=call
        )
    assert str(raised.value) == (
        "assert_event_sequence: ON_AGENT_STATE_CHANGE is never about an interaction (the "
        "desktop sends it with none), so interaction_id= keeps none: this can never pass; "
        "check it in a sequence without interaction_id="
    )
