"""A ``matches`` pattern that backtracks catastrophically fails its expectation, in bounded time.

``(x+x+)+y`` against a long run of ``x`` took minutes in Python's ``re`` (C code, deaf to
timers): ``adsim run`` hung. The search now gives up after ``MATCH_TIMEOUT_SECONDS`` (made tiny
here) and the expectation fails, naming file:line, whatever operator holds the pattern: ``not``
and ``one_of`` never turn a search that gave up into a pass.
"""

from __future__ import annotations

import re

import pytest

from simulator.scenarios import ScenarioRunner, matching, parse_scenario
from simulator.scenarios.errors import ScenarioFileError

BOMB = "(x+x+)+y"
LONG = "x" * 5000


@pytest.fixture(autouse=True)
def _short_timeout(monkeypatch):
    monkeypatch.setattr(matching, "MATCH_TIMEOUT_SECONDS", 0.01)
    monkeypatch.setattr(matching, "_GAVE_UP", set())


def test_a_search_that_gives_up_raises_naming_the_pattern_and_the_value():
    with pytest.raises(matching.MatchTimeoutError) as caught:
        matching.mismatches({"description": {"matches": BOMB}}, {"description": LONG})
    message = str(caught.value)
    assert message.startswith(f"description: matches /{BOMB}/ took more than 0.01 s")
    # regex's limit is the process's processor time: on a busy machine the clock's time is
    # longer (a 2 s limit fired at 1.9-2.6 s), and the message says which is which
    assert re.match(
        rf"description: matches /{re.escape(BOMB)}/ took more than 0\.01 s of processor "
        r"time \([0-9]+\.[0-9] s on the clock\) on a value of",
        message,
    ), message
    assert "5,000 characters" in message
    assert "backtracks catastrophically" in message


@pytest.mark.parametrize(
    "expected",
    [
        {"matches": BOMB},
        {"not": {"matches": BOMB}},
        {"one_of": [{"matches": BOMB}, "something else"]},
    ],
)
def test_no_operator_turns_a_search_that_gave_up_into_a_pass(expected):
    with pytest.raises(matching.MatchTimeoutError):
        matching.mismatches({"description": expected}, {"description": LONG})


def _scenario(matcher: str) -> str:
    return (
        "name: bomb\nseed: 1\nsteps:\n  - call: Customer Support\n    as: c\n  - accept\n"
        f"  - note: {LONG}\n  - hang_up\n  - disposition: Escalated\n  - complete\n"
        "  - expect: {event: ON_SAVE_ACTIVITY_RECORD, on: c, payload: {description: "
        f"{matcher}}}}}\n"
    )


@pytest.mark.parametrize("matcher", [f"{{matches: '{BOMB}'}}", f"{{not: {{matches: '{BOMB}'}}}}"])
def test_the_expectation_fails_at_its_line(matcher):
    result = ScenarioRunner(parse_scenario(_scenario(matcher), "s.yaml")).run()
    assert not result.passed
    (failure,) = result.failures
    text = str(failure)
    assert text.startswith("s.yaml:11:5: description: matches /(x+x+)+y/ took more than")


def test_a_pattern_that_is_no_regular_expression_is_refused_at_its_character():
    with pytest.raises(ScenarioFileError) as caught:
        parse_scenario(_scenario("{matches: 'ab[cd'}"), "s.yaml")
    (problem,) = caught.value.problems
    # the unterminated set starts at `[`: column 99 of line 11
    line = _scenario("{matches: 'ab[cd'}").splitlines()[10]
    assert str(problem).startswith(f"s.yaml:11:{line.index('[') + 1}: not a regular expression")


@pytest.mark.parametrize("pattern", ["[[:alpha:]]+", "[a-z&&b]", "[a--b]"])
def test_a_pattern_python_warns_about_is_refused_in_one_line(pattern):
    """``[[:alpha:]]`` (a POSIX class elsewhere, a set with ``[`` in Python) printed Python's
    FutureWarning, two lines on stderr, and matched other text than meant."""
    with pytest.raises(ScenarioFileError) as caught:
        parse_scenario(_scenario(f"{{matches: '{pattern}'}}"), "s.yaml")
    (problem,) = caught.value.problems
    assert "a regular expression Python reads otherwise than other languages" in str(problem)
    assert str(problem).startswith("s.yaml:11:")


def test_a_pattern_that_gave_up_once_gets_less_time_after(monkeypatch):
    """A series (``--repeat``) that fails on one pattern is not one full timeout a run."""
    monkeypatch.setattr(matching, "MATCH_TIMEOUT_SECONDS", 0.2)
    said = []
    for _ in range(2):
        with pytest.raises(matching.MatchTimeoutError) as caught:
            matching.mismatches({"matches": BOMB}, LONG)
        said.append(str(caught.value).split(" of processor time")[0])
    assert said == [
        f"matches /{BOMB}/ took more than 0.2 s",
        f"matches /{BOMB}/ took more than 0.01 s",
    ]
    assert matching.mismatches({"matches": "x+"}, LONG) == []  # others keep their time
