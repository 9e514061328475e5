"""Scenarios: simulated-to-wall time over the fixture library, and records/s of ``generate``.

The library (``fixtures/scenarios/*.yaml``, parsed once) runs end to end through
``ScenarioRunner``: a fresh simulator per file, every step, every expectation, every event kept.
The ratio is simulated time over wall time (real time is 1x). ``generate`` drives randomized but
seeded flows through the engine; its baseline is the bare InteractionData validate+dump rate, as
in bench_engine.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.measure import Measurement, best_rate, best_seconds
from simulator.contract import InteractionData
from simulator.scenarios import ScenarioRunner, generate_records, load_scenario

LIBRARY = Path(__file__).resolve().parents[1] / "fixtures" / "scenarios"


def _validate_dump(payload: dict, n: int) -> None:
    for _ in range(n):
        InteractionData.model_validate(payload).model_dump(mode="json")


def _generate(n: int) -> None:
    for _record in generate_records(n, seed=1):
        pass


def run() -> list[Measurement]:
    """Measure both figures and return them."""
    sources = [load_scenario(path) for path in sorted(LIBRARY.glob("*.yaml"))]
    simulated_ms = 0

    def library() -> None:
        nonlocal simulated_ms
        simulated_ms = 0
        for source in sources:
            result = ScenarioRunner(source).run()
            assert result.passed, result.name
            simulated_ms += result.simulated_ms

    wall = best_seconds(library, repeat=5)
    ratio = simulated_ms / 1000 / wall
    sample = next(iter(generate_records(1, seed=1)))
    records = best_rate(_generate, 5000, repeat=3)
    bare = best_rate(lambda n: _validate_dump(sample, n), 20000, repeat=3)
    return [
        Measurement(
            f"scenarios: simulated/wall time, {len(sources)} fixtures",
            ratio,
            "x real time",
            "real time",
            1.0,
            ">= 10,000x",
        ),
        Measurement(
            "generate: finished activity records/s",
            records,
            "records/s",
            "InteractionData validate+dump/s",
            bare,
            "(no target)",
        ),
    ]
