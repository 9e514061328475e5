"""A wait shorter than the virtual clock's tick is refused, not rounded away.

The virtual clock counts whole milliseconds: ``wait: 0.0004`` waited 0 ms and ``wait: 0.0015``
2 ms, silently. A duration that is not a whole number of milliseconds is refused at its
file:line:col, with the two nearest that are.
"""

from __future__ import annotations

import pytest

from simulator.scenarios.errors import ScenarioFileError
from simulator.scenarios.loader import parse_scenario
from simulator.scenarios.model import parse_duration_ms


def _problem(wait: str) -> str:
    with pytest.raises(ScenarioFileError) as caught:
        parse_scenario(f"name: x\nsteps:\n  - wait: {wait}\n", "s.yaml")
    (problem,) = caught.value.problems
    return str(problem)


@pytest.mark.parametrize(
    ("wait", "said"),
    [
        (
            "0.0004",
            "0.0004 is 0.4 ms, and the virtual clock counts whole milliseconds: write 0ms or 1ms",
        ),
        ("'0.4ms'", "'0.4ms' is 0.4 ms"),
        ("0.0015", "write 1ms or 2ms"),
        ("'1.0005s'", "is 1000.5 ms"),
        ("{ms: 0.4}", "is 0.4 ms"),
        ("{seconds: 1.0005}", "write 1000ms or 1001ms"),
    ],
)
def test_a_fraction_of_a_millisecond_is_refused_at_its_place(wait, said):
    problem = _problem(wait)
    assert problem.startswith("s.yaml:3:11: wait: ")
    assert said in problem


@pytest.mark.parametrize(
    ("wait", "ms"), [(0.001, 1), ("1.5s", 1500), (0.25, 250), ("1ms", 1), (0, 0), (0.1, 100)]
)
def test_whole_milliseconds_are_taken(wait, ms):
    assert parse_duration_ms(wait) == ms
    (step,) = parse_scenario(f"name: x\nsteps:\n  - wait: {wait}\n", "s.yaml").scenario.steps
    assert step.value.total_ms == ms
