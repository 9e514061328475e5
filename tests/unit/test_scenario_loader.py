"""Scenario files: the format, YAML 1.2 scalars, and messages at file:line:column."""

from __future__ import annotations

import os

import pytest

from simulator.data import InputFileError
from simulator.scenarios import STEP_TYPES, ScenarioFileError, parse_scenario
from simulator.scenarios.model import parse_duration_ms
from simulator.scenarios.source import parse_yaml


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioFileError) as exc:
        parse_scenario(text, "s.yaml")
    assert isinstance(exc.value, InputFileError)
    return [str(problem) for problem in exc.value.problems]


def steps(text: str) -> list:
    return parse_scenario(text, "s.yaml").scenario.steps


def test_short_and_long_forms_mean_the_same():
    short = steps(
        "steps:\n  - call: Sales\n  - accept\n  - wait: 1m30s\n  - record\n"
        "  - set_state: ready\n  - note: hi\n  - dial: '2001'\n"
    )
    long = steps(
        "steps:\n  - call: {service: Sales}\n  - accept: {}\n  - wait: {seconds: 90}\n"
        "  - record: start\n  - set_state: {state: ready}\n  - note: {text: hi}\n"
        "  - dial: {phone: '2001'}\n"
    )
    assert [s.key for s in short] == [s.key for s in long]
    assert short[0].value == long[0].value
    assert short[2].value.total_ms == long[2].value.total_ms == 90_000
    assert short[4].value == long[4].value
    assert short[5].value == long[5].value
    assert short[6].value == long[6].value


def test_modifiers_sit_beside_the_step():
    first, second = steps(
        "steps:\n  - call: Sales\n    as: sale\n  - hold:\n    on: sale\n"
        "    expect_error: not_suitable_state\n"
    )
    assert first.name_given == "sale"
    assert second.target == "sale"
    assert second.expect_error == "not_suitable_state"


def test_yaml_12_scalars_keep_numbers_and_words_as_written():
    data = parse_yaml("a: on\nb: yes\nc: +14155550134\nd: 0123\ne: 2026-01-05\nf: 1e5\ng: 12\n")
    assert data == {
        "a": "on",
        "b": "yes",
        "c": "+14155550134",
        "d": "0123",
        "e": "2026-01-05",
        "f": "1e5",
        "g": 12,
    }
    assert parse_yaml("x: [true, false, null, 1.5, -3]\n")["x"] == [True, False, None, 1.5, -3]


def test_numbers_are_accepted_as_text_where_text_is_expected():
    (dtmf,) = steps("steps:\n  - dtmf: 0123\n")
    assert dtmf.value == "0123"
    (dial,) = steps("steps:\n  - dial: 2001\n")
    assert dial.value.phone == "2001"


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("30s", 30_000),
        ("2m", 120_000),
        ("1m30s", 90_000),
        ("250ms", 250),
        ("1.5s", 1500),
        ("2h", 7_200_000),
        (45, 45_000),
        (0.25, 250),
        ("12", 12_000),
    ],
)
def test_durations(text, ms):
    assert parse_duration_ms(text) == ms


@pytest.mark.parametrize(
    "text", ["soon", "", "5 parsecs", "-3s", True, [1], "1y", "1h1h", "30s30s", "1M1m"]
)
def test_bad_durations(text):
    with pytest.raises(ValueError, match="duration"):
        parse_duration_ms(text)


@pytest.mark.parametrize(("text", "ms"), [("4 s", 4000), ("1m 30s", 90_000), (" 1.5 s ", 1500)])
def test_a_space_may_stand_between_a_number_and_its_unit(text, ms):
    assert parse_duration_ms(text) == ms


@pytest.mark.parametrize(
    ("wait", "meant"), [("1 0s", "10s"), ("3 0", "30"), ("1 . 5s", "1.5s"), ("2m 3 0s", "2m30s")]
)
def test_a_space_inside_a_number_is_refused_at_its_place(wait, meant):
    # The spaces were dropped: ``1 0s`` waited 10 s, ``3 0`` 30 s.
    assert problems(f"steps:\n  - wait: {wait}\n") == [
        f"s.yaml:2:11: wait: {wait!r} is not a duration: write 30s, 2m, 1m30s, 1.5s or 250ms "
        f"(no space inside a number: {meant}?)"
    ]


def test_yaml_syntax_error_names_line_and_column():
    assert problems("name: x\nsteps:\n  - call: {service: Sales\n") == [
        "s.yaml:4:1: not valid YAML: expected ',' or '}', but got '<stream end>' "
        "(while parsing a flow mapping)"
    ]


def test_duplicate_key_is_refused():
    (message,) = problems("steps:\n  - call: a\n    call: b\n")
    assert message.startswith("s.yaml:3:5:")
    assert "appears twice" in message


def test_unknown_step_suggests_the_closest():
    (message,) = problems("steps:\n  - call\n  - acept\n")
    assert message.startswith("s.yaml:3:5: unknown step `acept` (did you mean `accept`?)")


def test_two_steps_in_one_item():
    (message,) = problems("steps:\n  - call: Sales\n    accept:\n")
    assert message.startswith("s.yaml:3:5: two steps in one item (`call` and `accept`)")


def test_step_that_needs_a_value():
    (message,) = problems("steps:\n  - dtmf\n")
    assert message == 's.yaml:2:5: `dtmf` needs a value, e.g. `- dtmf: "123#"`'


def test_modifier_on_the_wrong_step():
    (message,) = problems("steps:\n  - accept:\n    as: x\n")
    assert message.startswith("s.yaml:3:5: `as:` names an interaction a step creates")


def test_modifier_inside_the_value_says_where_it_goes():
    (message,) = problems("steps:\n  - call:\n    as: c\n  - accept: {on: c}\n")
    assert message.startswith("s.yaml:4:14: unknown key `on` in `accept`")
    assert "modifiers go beside the step's key" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("seed: abc\n", "s.yaml:1:7: seed: expected a whole number, got the text 'abc'"),
        ("nme: x\n", "s.yaml:1:1: unknown key `nme` (did you mean `name`?)"),
        ("5: x\n", "s.yaml:1:1: unknown key `5`; expected one of: api_version, name,"),
        ("settings: {5: 1}\n", "s.yaml:1:12: unknown key `5` in `settings`; expected one of:"),
        (
            "steps:\n  - call: {service: Sales, 6: 1}\n",
            "s.yaml:2:28: unknown key `6` in `call`; expected one of: service, customer,",
        ),
        ("steps: 5\n", "s.yaml:1:8: steps: expected a list, got the number 5"),
        (
            "steps:\n  - call: [1]\n",
            "s.yaml:2:11: call: expected a service name or a mapping with service, customer",
        ),
        ("steps:\n  - dtmf: {a: 1}\n", "s.yaml:2:11: dtmf: expected text, got a mapping"),
        ("steps:\n  - call: {servce: x}\n", "s.yaml:2:12: unknown key `servce` in `call` (did you"),
        (
            "steps:\n  - set_state: readdy\n",
            "s.yaml:2:16: set_state: expected one of ready, not_ready, supervising, got the text "
            "'readdy' (did you mean `ready`?)",
        ),
        (
            "steps:\n  - expect: {event: ON_SAVE_ACTIVITY_RECRD}\n",
            "s.yaml:2:21: expect.event: expected one of ON_LOGIN",
        ),
        ("steps:\n  - expect: {payload: {a: 1}}\n", "s.yaml:2:13: expect: say what to expect"),
        ("steps:\n  - conference: {}\n", "s.yaml:2:17: conference: give exactly one of invite"),
        (  # the desktop drops it: the run passed, and the agent was never "ready, Lunch"
            "steps:\n  - set_state: {state: ready, reason: Lunch}\n",
            "s.yaml:2:16: set_state: a reason goes with not_ready only: in ready the desktop "
            "drops it; drop reason:, or set state: not_ready",
        ),
        (  # the data went nowhere: only an invite carries transfer data
            "steps:\n  - conference: {remove: '1002', data: {topic: refund}}\n",
            "s.yaml:2:17: conference: data: is the transfer data of an invite: with remove it "
            "would go nowhere; drop it, or invite",
        ),
        (
            "steps:\n  - conference: {end: true, data: {topic: refund}}\n",
            "s.yaml:2:17: conference: data: is the transfer data of an invite: with end it "
            "would go nowhere; drop it, or invite",
        ),
        ("steps:\n  - dial: {}\n", "s.yaml:2:11: `phone` is required in `dial`"),
        (
            "settings: {ring_timeout_seconds: -1}\n",
            "s.yaml:1:34: settings.ring_timeout_seconds: expected a number greater than 0, got "
            "the number -1",
        ),
        (
            "steps:\n  - expect: {event: ON_LOGIN, count: -1}\n",
            "s.yaml:2:38: expect.count: expected a number of at least 0, got the number -1",
        ),
        (  # "expected a mapping" sent the tester to write one for what is a whole number
            "steps:\n  - expect: {event: ON_LOGIN, count: 1.5}\n",
            "s.yaml:2:38: expect.count: expected a whole number or a mapping with exactly, "
            "at_least, at_most, got the number 1.5",
        ),
        (
            "steps:\n  - expect: {handler: 5}\n",
            "s.yaml:2:23: expect.handler: expected a mapping with event, handler, plugin,",
        ),
        ("agent: sleepy\n", "s.yaml:1:8: agent: expected one of ready, not_ready, logged_out"),
        (
            "steps:\n  - wait: 3 parsecs\n",
            "s.yaml:2:11: wait: '3 parsecs' is not a duration",
        ),
        ("steps:\n  - 5\n", "s.yaml:2:5: a step is a name (`- accept`) or a mapping"),
        (
            "steps:\n  - dial: {phone: '1', origination: telepathy}\n",
            "s.yaml:2:37: dial.origination: expected one of",
        ),
    ],
)
def test_wrong_values_name_the_place_and_what_was_expected(text, expected):
    found = problems(text)
    assert found[0].startswith(expected), found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("steps:\n  - complete:\n    expect_error: bogus\n", "s.yaml:3:19: expect_error:"),
        ("steps:\n  - disposition: Sold\n    expect_error: bogus\n", "s.yaml:3:19: expect_error:"),
        ("steps:\n  - call: Sales\n    expect_error: 5\n", "s.yaml:3:19: expect_error:"),
    ],
)
def test_a_bad_expect_error_is_reported_at_itself(text, expected):
    # It was reported at the step's value, as that value: "2:17: disposition: expected one of
    # not_enough_privileges, ..., got the text 'Sold'", "complete: ... got nothing".
    (message,) = problems(text)
    assert message.startswith(expected + " expected one of not_enough_privileges"), message
    got = "the number 5" if "5" in text else "the text 'bogus'"
    assert message.endswith(f"got {got}"), message


def test_a_wrong_expectation_in_a_list_is_not_also_called_a_list():
    # The expect step takes one expectation or a list: the list was also reported as "expected
    # a mapping ..., got a list", as if a list were not allowed.
    assert problems("steps:\n  - expect: [{event: ON_LOGIN, count: -1}]\n") == [
        "s.yaml:2:39: expect[0].count: expected a number of at least 0, got the number -1"
    ]


def test_every_problem_is_listed_in_file_order():
    found = problems("steps:\n  - acept\n  - dtmf: {a: 1}\n  - wait: soon\n")
    assert [p.split(":")[1] for p in found] == ["2", "3", "4"]


def test_names_must_be_given_before_use():
    found = problems(
        "steps:\n  - hold:\n    on: first\n  - call:\n    as: first\n"
        "  - expect: {event: ON_NEW_INTERACTION, on: secnd}\n"
        "  - expect: {event: ON_ACTIVE_INTERACTION_SWITCHED, args: [{interaction: nobody}]}\n"
        "  - switch: other\n"
    )
    assert found[0].startswith("s.yaml:3:9: no interaction is named `first`")
    assert found[1].startswith("s.yaml:6:45: no interaction is named `secnd`")
    assert "names so far: first" in found[1]
    assert found[2].startswith("s.yaml:7:74: no interaction is named `nobody`")
    assert found[3].startswith("s.yaml:8:13: no interaction is named `other`")


def test_a_name_is_given_once():
    (message,) = problems("steps:\n  - call:\n    as: a\n  - chat:\n    as: a\n")
    assert message.startswith("s.yaml:5:9: the name `a` is already given on line 3")


def test_a_key_written_in_another_case_is_suggested_in_the_vendors():
    # `dnis` had no suggestion (difflib sees no likeness between "dnis" and "DNIS").
    (message,) = problems(
        "steps:\n  - expect:\n      event: ON_SAVE_ACTIVITY_RECORD\n      payload: {dnis: x}\n"
    )
    assert "`dnis` is not a key of InteractionData (did you mean `DNIS`?)" in message


def test_payload_keys_are_checked_against_interaction_data():
    (message,) = problems(
        "steps:\n  - expect:\n      event: ON_SAVE_ACTIVITY_RECORD\n"
        "      payload: {dispositon: x}\n"
    )
    assert message.startswith("s.yaml:4:17: `dispositon` is not a key of InteractionData")
    assert "(did you mean `disposition`?)" in message


def test_matchers_are_checked():
    found = problems(
        "steps:\n  - expect:\n      event: ON_SAVE_ACTIVITY_RECORD\n"
        "      payload: {duration: {at_least: soon}, service: {matches: '('}, "
        "description: {present: true, foo: 1}}\n"
    )
    assert any("at_least needs a number" in p for p in found)
    assert any("not a regular expression" in p for p in found)
    assert any("mixes operators (present) with fields (foo)" in p for p in found)


@pytest.mark.parametrize(
    ("expect", "expected"),
    [
        (
            "{event: ON_LOGIN, count: {at_least: 3, at_most: 1}}",
            "s.yaml:2:38: expect.count: no count is at least 3 and at most 1: this can never match",
        ),
        (
            "{event: ON_LOGIN, count: {exactly: 2, at_least: 3}}",
            "s.yaml:2:38: expect.count: no count is exactly 2 and at least 3: this can never match",
        ),
        (
            "{event: ON_LOGIN, args: [{at_least: 10, at_most: 5}]}",
            "s.yaml:2:38: no number is at least 10 and at most 5: this can never match",
        ),
        (
            "{event: ON_LOGIN, args: [{greater_than: 5, less_than: 5}]}",
            "s.yaml:2:38: no number is greater than 5 and less than 5: this can never match",
        ),
        (
            "{event: ON_LOGIN, args: [{at_least: 5, less_than: 5}]}",
            "s.yaml:2:38: no number is at least 5 and less than 5: this can never match",
        ),
        (
            "{event: ON_LOGIN, args: [{length: -1}]}",
            "s.yaml:2:47: length -1 can never match: a length is 0, 1, 2 ...",
        ),
        (
            "{event: ON_LOGIN, handler: {count: {at_least: 2, at_most: 1}}}",
            "s.yaml:2:48: expect.handler.count: no count is at least 2 and at most 1",
        ),
        (
            "{event: ON_NEW_INTERACTION, answer: 5}",
            "s.yaml:2:13: expect: answer: ON_NEW_INTERACTION takes no answer; these do: "
            "ON_REQUEST_TRANSFER_DATA, ON_SEARCH_KNOWLEDGE_BASE,",
        ),
        (
            "{event: ON_LOGIN, last: true, count: 2}",
            "s.yaml:2:13: expect: last: true looks at one event, and count exactly 2 never "
            "matches one: drop last or the count",
        ),
        (
            "{agent: {state: ready, reason: Lunch}}",
            "s.yaml:2:21: expect.agent: an agent has a reason in not_ready only, never in ready: "
            "this can never match; drop reason:, or expect state: not_ready",
        ),
        (
            "{event: ON_LOGIN, args: [ok, null, 3]}",
            "s.yaml:2:48: ON_LOGIN has 1 argument(s) (loginState): argument 3 is never there, "
            "this can never match; drop it",
        ),
        ("{order: []}", "s.yaml:2:13: expect: order is empty: list the events in the order"),
        ("[]", "s.yaml:2:13: expect: an empty list checks nothing: give at least one expectation"),
    ],
)
def test_an_expectation_that_can_never_match_or_checks_nothing_is_bad_input(expect, expected):
    # They ran: one failed every run, as if the integration were wrong ("expected between 3 and
    # 1"; "expected exactly 2" when 2 came), the other passed, counted as a check.
    (message,) = problems(f"steps:\n  - expect: {expect}\n")
    assert message.startswith(expected), message


@pytest.mark.parametrize(
    "matcher",
    ["{at_least: 5, at_most: 5}", "{greater_than: 5, at_most: 5.5}", "{length: 0}", "{not: 3}"],
)
def test_bounds_that_leave_a_number_are_taken(matcher):
    steps(f"steps:\n  - expect: {{event: ON_LOGIN, args: [{matcher}]}}\n")


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("{duration: {atleast: 120}}", "s.yaml:4:27: `duration` is a number, and a mapping"),
        ("{disposition: {machtes: x}}", "s.yaml:4:30: `disposition` is text, and a mapping"),
        ("{state: {one: [x]}}", "s.yaml:4:24: `state` is a name, and a mapping"),
        ("{callMuted: {}}", "s.yaml:4:28: `callMuted` is true or false, and a mapping"),
    ],
)
def test_a_mapping_for_a_payload_key_of_one_value_is_bad_input(payload, expected):
    # A misspelt operator is a mapping of fields: it failed every run, "expected a mapping".
    (message,) = problems(
        f"steps:\n  - expect:\n      event: ON_SAVE_ACTIVITY_RECORD\n      payload: {payload}\n"
    )
    assert message.startswith(expected + " of fields never matches it"), message
    if "{}" not in payload:
        assert "(did you mean `" in message
    assert message.endswith(
        "; operators: at_least, at_most, contains, equals, greater_than, "
        "interaction, length, less_than, matches, not, one_of, present"
    )


def test_a_mapping_of_fields_is_taken_for_a_payload_key_that_holds_one():
    steps(
        "steps:\n  - expect:\n      event: ON_SAVE_ACTIVITY_RECORD\n"
        "      payload: {attachedData: {order: '1'}, associatedObjects: {x: 1}, "
        "duration: {at_least: 1}}\n"
    )


def test_empty_and_non_mapping_files():
    assert problems("") == [
        "s.yaml:1:1: the file is empty: a scenario is a mapping with name:, seed: and steps:"
    ]
    (message,) = problems("- call\n- accept\n")
    assert "(a list of steps goes under steps:)" in message


def test_inline_tenant_is_validated_with_its_lines():
    found = problems("tenant:\n  name: x\n  host: 5\nsteps: []\n")
    assert "s.yaml:3:9: tenant.host: expected text, got the number 5" in found
    assert "s.yaml:2:3: `agent` is required in `tenant`" in found


def test_inline_tenant_problems_are_worded_as_the_scenario_s():
    text = (
        "tenant:\n  name: x\n  host: h\n  id: t\n  agent: {login: a}\n  teams: 5\n"
        "  services:\n    - {id: s, name: Sales, type: voice, dispositon: [x]}\nsteps: []\n"
    )
    found = problems(text)
    assert "s.yaml:6:10: tenant.teams: expected a list, got the number 5" in found
    (unknown,) = [p for p in found if "dispositon" in p]
    assert unknown.startswith("s.yaml:8:41: unknown key `dispositon` in `tenant.services[0]`")
    assert "(did you mean `dispositions`?)" in unknown
    assert not [p for p in found if "Field required" in p or "Input should" in p]


def test_every_step_has_an_example_that_loads():
    for key, model in STEP_TYPES.items():
        assert model.example.startswith(f"- {key}"), key
        if "..." in model.example:
            continue
        text = f"steps:\n  {model.example}\n"
        if key == "switch":
            text = "steps:\n  - call:\n    as: first\n  " + model.example + "\n"
        parse_scenario(text, "example.yaml")


def test_load_scenario_reads_files(tmp_path):
    from simulator.scenarios import load_scenario

    path = tmp_path / "x.yaml"
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ScenarioFileError, match="not a text file"):
        load_scenario(path)
    path.write_text("name: Hello\nsteps: [accept]\n", "utf-8")
    assert load_scenario(path).name == "Hello"
    path.write_text("steps: []\n", "utf-8")
    assert load_scenario(path).name == "x"


def test_waits_that_take_the_clock_past_the_year_9999_are_bad_input():
    # settings.start_time_ms stops there, but waits went on: the run passed, and `adsim journal
    # show` of its journal ended in a traceback (year 10000 is out of range).
    head = "settings: {start_time_ms: 253402300799000}\nsteps:\n  - wait: 999ms\n"
    steps(head)
    (message,) = problems(head + "  - wait: 1ms\n  - wait: 1s\n")
    assert message == (
        "s.yaml:4:11: wait: the simulated clock would pass 9999-12-31T23:59:59.999Z here, the "
        "last instant a timestamp can show: shorten the waits (or an earlier "
        "settings.start_time_ms)"
    )


def test_a_tenant_file_given_as_a_scenario_is_called_one():
    """``adsim run tenant.yaml`` said, in ten lines, that every tenant key was unknown."""
    text = "name: Acme\nhost: acme.example.com\nservices:\n  - name: Sales\n"
    with pytest.raises(ScenarioFileError) as exc:
        parse_scenario(text, "tenant.yaml")
    assert [str(problem) for problem in exc.value.problems] == [
        "tenant.yaml:3:1: this is a tenant file (services:), not a scenario: give it with "
        "--tenant FILE, or name it in a scenario's tenant:"
    ]


@pytest.mark.parametrize(
    ("name", "text", "hint"),
    [
        ("crm.py", "import json\n\ndef register(ad_api):\n    pass\n", "give it with --handler"),
        ("one.py", "x = 1\n", "give it with --handler"),
        ("crm.mjs", "export function register(adApi) {\n  adApi.on('x', f);\n}\n", "--js-handler"),
        ("events.jsonl", '{"seq": 1}\n{"seq": 2}\n', "not a scenario"),
    ],
)
def test_a_handler_or_an_output_given_as_a_scenario_is_called_one(name, text, hint):
    """A .py file given to ``adsim run`` was "expected '<document start>', but found
    '<scalar>'": nothing said it was a handler, which goes to --handler."""
    with pytest.raises(ScenarioFileError) as exc:
        parse_scenario(text, name)
    (problem,) = exc.value.problems
    assert str(problem).startswith(f"{name}:") and str(problem).endswith(f"{hint})")
    assert hint not in str(problems("x = 1\n")[0])  # a .yaml file is not told so


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_tenant_that_is_no_regular_file_is_not_said_to_be_missing():
    """``tenant: /dev/zero`` (or a pipe) was "no tenant file '/dev/zero'": it is there, and
    the scenario's ``tenant:`` says what it is as ``--tenant`` does."""
    (problem,) = problems("name: x\ntenant: /dev/zero\nsteps: []\n")
    assert "no tenant file" not in problem
    assert problem.startswith(
        "s.yaml:2:9: the tenant file is not usable: /dev/zero: cannot read the tenant file: it "
        "is a device, not a file"
    )


def test_a_screen_holds_flat_values_as_the_wire_does():
    """``setInteractionActiveScreen`` takes a flat object (the engine and ``ad_api`` refuse a
    nested one: invalid_args); the step took any mapping and the run ended in a refusal, exit 2,
    while the scenario's JSON Schema accepted the file. It is refused at the value."""
    text = (
        "name: s\nsteps:\n  - call: Sales\n  - accept\n"
        "  - screen: {url: https://crm.example.com/contact/0031, context: {tab: notes}}\n"
    )
    found = problems(text)
    assert len(found) == 1 and "screen.context" in found[0] and "got a mapping" in found[0]
    flat = "  - screen: {url: 'https://x', tab: 3, pinned: true, none: null, r: 1.5}\n"
    assert steps(f"name: s\nsteps:\n  - call: Sales\n  - accept\n{flat}")
