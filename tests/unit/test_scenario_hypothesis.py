"""Generated scenario files never produce a traceback: they run, or get a clean message."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.scenarios import ScenarioFileError, ScenarioRunner, parse_scenario
from simulator.scenarios.model import ERROR_NAMES, STEP_TYPES

STEP_NAMES = sorted(STEP_TYPES)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run_or_refuse(text: str) -> None:
    try:
        source = parse_scenario(text, "gen.yaml")
    except ScenarioFileError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert str(problem).startswith("gen.yaml")
            assert "Traceback" not in str(problem)
        return
    result = ScenarioRunner(source).run()
    assert result.exit_code in (0, 1, 2)
    if result.error is not None:
        assert str(result.error).startswith("gen.yaml:")


@SETTINGS
@given(st.text(max_size=300))
def test_any_text(text):
    run_or_refuse(text)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["Sales", "Web Chat", "2001", "+1 415 555 0134", "30s", "ready", "x", ""]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.one_of(st.sampled_from(STEP_NAMES), st.text(max_size=6)), inner, max_size=3
        ),
    ),
    max_leaves=8,
)


@st.composite
def raw_steps(draw):
    name = draw(st.sampled_from(STEP_NAMES))
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return name
    step = {name: draw(values)}
    if draw(st.booleans()):
        step[draw(st.sampled_from(["on", "as", "expect_error", "extra"]))] = draw(
            st.one_of(st.sampled_from(["a", "b", *ERROR_NAMES[:3], "any"]), scalars)
        )
    return step


@SETTINGS
@given(
    st.fixed_dictionaries(
        {"steps": st.lists(raw_steps(), max_size=8)},
        optional={
            "seed": st.one_of(st.integers(-5, 5), scalars),
            "agent": st.sampled_from(["ready", "not_ready", "logged_out", "sleepy"]),
            "settings": st.one_of(
                st.none(),
                st.dictionaries(
                    st.sampled_from(["ring_timeout_seconds", "outbound_answer_seconds", "nope"]),
                    scalars,
                    max_size=2,
                ),
            ),
        },
    )
)
def test_random_step_lists(document):
    run_or_refuse(yaml.safe_dump(document, allow_unicode=True))


plausible = {
    "call": st.sampled_from([None, "Sales", "Customer Support", "IT Helpdesk", "Nope"]),
    "chat": st.sampled_from([None, "Web Chat", {"message": "hi"}]),
    "email": st.sampled_from([None, {"subject": "s", "body": "b"}]),
    "dial": st.sampled_from(["2001", "+1 415 555 0134", "18005550199", "1001", "abc"]),
    "consult": st.sampled_from(["2001", "2002"]),
    "blind_transfer": st.sampled_from(["2001", {"to": "2002", "data": {"a": 1}}]),
    "conference": st.sampled_from(["2001", {"remove": "2001"}, {"end": True}]),
    "hang_up": st.sampled_from([None, "agent", "customer"]),
    "record": st.sampled_from([None, "start", "stop"]),
    "dtmf": st.sampled_from(["1", "12#", "x"]),
    "disposition": st.sampled_from(["Product sold", "Problem solved", "Spam", "nope"]),
    "note": st.sampled_from(["a note", " "]),
    "set_state": st.sampled_from(["ready", {"state": "not_ready", "reason": "Lunch"}, "not_ready"]),
    "wait": st.sampled_from(["1s", "5s", "25s", "2m", 0]),
    "customer_says": st.just("hello"),
    "agent_says": st.just("hi"),
    "reply": st.just("done"),
    "transfer": st.sampled_from([None, {"data": {"x": 1}}]),
    "leave_and_complete": st.sampled_from([None, {"disposition": "Problem solved"}]),
    "variable": st.just({"name": "k", "value": "v"}),
}
BARE = sorted(k for k, model in STEP_TYPES.items() if model.bare and k not in plausible)


@st.composite
def plausible_steps(draw):
    if draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(BARE))
    name = draw(st.sampled_from(sorted(plausible)))
    step = {name: draw(plausible[name])}
    if name in ("call", "chat", "email", "dial", "consult") and draw(st.booleans()):
        step["as"] = draw(st.sampled_from(["a", "b", "c"]))
    elif STEP_TYPES[name].is_action and draw(st.booleans()):
        step["expect_error"] = "any"
    return step


@SETTINGS
@given(
    st.lists(plausible_steps(), max_size=25),
    st.integers(0, 3),
    st.sampled_from(["ready", "not_ready", "logged_out"]),
)
def test_plausible_flows_run_or_stop_cleanly(steps, seed, agent):
    document = {
        "seed": seed,
        "agent": agent,
        "settings": {"outbound_answer_seconds": None},
        "steps": steps,
    }
    run_or_refuse(yaml.safe_dump(document, allow_unicode=True))
