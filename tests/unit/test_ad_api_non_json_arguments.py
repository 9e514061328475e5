"""An ``ad_api`` argument JSON has no form for (bytes, a set, a date, a ``Decimal``, NaN) gets
the same answer in both isolations: the vendor's ``invalid_args`` sentence naming the argument
and what it takes, or, where the argument's type takes a number, what a number gets.

Before: with process isolation (``adsim run``'s default) the plugin's process refused such a
call itself, before the method saw it, in Python's words (``add_note: TypeError: bytes is not
JSON data``, ``set_variable: ValueError: Out of range float values are not JSON compliant``),
and refused NaN in a ``screenData`` the method takes (a number): one plugin, two answers.
"""

from __future__ import annotations

import pytest

from tests.unit.plugin_demo import demo_through

PLUGIN = """
import datetime
import decimal

CALLS = [
    lambda api: api.add_note(b"bytes"),
    lambda api: api.add_note(float("nan")),
    lambda api: api.add_note({1, 2}),
    lambda api: api.set_variable("k", value=b"v"),
    lambda api: api.set_call_hold(True, b"id"),
    lambda api: api.get_variables([b"k"]),
    lambda api: api.set_interaction_active_screen({"when": datetime.date(2020, 1, 1)}),
    lambda api: api.set_interaction_active_screen({"n": decimal.Decimal("1.5")}),
    lambda api: api.set_interaction_active_screen({"n": float("nan")}, ID),
]


def ring(interaction):
    global ID
    ID = interaction.interaction_id
    answers = []
    for call in CALLS:
        result = call(AD)
        answers.append([result.ok, result.error and result.error.message])
    return answers


def register(ad_api):
    global AD
    AD = ad_api
    ad_api.on("ON_NEW_INTERACTION", ring)
"""

EXPECTED = [
    [False, "addNote: note must be a string, not bytes."],
    [False, "addNote: note must be a string, not the number nan."],
    [False, "addNote: note must be a string, not set."],
    [False, "setVariable: value must be a string, not bytes."],
    [False, "setCallHold: interactionId must be a string, not bytes."],
    [False, "getVariables: keys[0] must be a string, not bytes."],
    [
        False,
        "setInteractionActiveScreen: screenData.when must be text, a number, true, false or "
        "null, not date.",
    ],
    [
        False,
        "setInteractionActiveScreen: screenData.n must be text, a number, true, false or null, "
        "not Decimal.",
    ],
    [True, None],
]


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_a_non_json_argument_gets_the_vendor_sentence_in_either_isolation(tmp_path, isolation):
    host = demo_through(tmp_path, PLUGIN, isolation)
    (outcome,) = host.outcomes
    assert outcome.status == "ok", outcome
    assert outcome.result == EXPECTED
