"""A big scenario file: MB/s of loading it (parsed, validated) against PyYAML's own parser.

A generated scenario of one call and ``STEPS`` waits and expectations (~0.9 MB) is loaded as
``adsim run`` loads it (``load_scenario``: libyaml's parser when PyYAML has it, the bounded
constructors, every mark, pydantic's validation, the cross-checks). The baseline is PyYAML's
pure-Python ``yaml.safe_load`` of the same text, which builds plain values and checks nothing:
what loading cost before adsim used libyaml and paused the garbage collector while it reads
(loading ran at 0.7x that baseline; a 4 MB file took ~35 s, now ~7 s).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml

from benchmarks.measure import Measurement, best_seconds
from simulator.scenarios import load_scenario

STEPS = 10_000


def scenario_text(steps: int = STEPS) -> str:
    """A valid scenario: one call, then ``steps`` pairs of a wait and an expectation."""
    lines = ["name: big", "seed: 1", "steps:", "  - call: {service: Sales}", "    as: c"]
    for index in range(steps):
        lines.append(f"  - wait: {index % 9 + 1}s")
        lines.append("  - expect: {event: ON_NEW_INTERACTION, on: c, payload: {state: delivered}}")
    return "\n".join(lines) + "\n"


def run() -> list[Measurement]:
    """Measure loading against the pure-Python parse."""
    text = scenario_text()
    megabytes = len(text.encode()) / 1_000_000
    with tempfile.TemporaryDirectory(prefix="adsim-bench-size-") as tmp:
        path = Path(tmp) / "big.yaml"
        path.write_text(text, encoding="utf-8")
        loading = best_seconds(lambda: load_scenario(path), repeat=3)
    parsing = best_seconds(lambda: yaml.load(text, Loader=yaml.SafeLoader), repeat=3)
    return [
        Measurement(
            f"scenario file of {megabytes:.1f} MB: MB/s loaded (parsed, validated, checked)",
            megabytes / loading,
            "MB/s",
            "PyYAML's pure-Python safe_load of the same text, MB/s",
            megabytes / parsing,
            "ratio >= 2",
        )
    ]
