"""Seeded data stays the same across dependency upgrades, or the build says so loudly.

Faker and phonenumbers are runtime dependencies with compatible ranges (so that they do not
collide with an integrator's own pins), but the simulator's seeded output depends on them: a
newer Faker may draw other names from the same seed. ``golden/seeded_data.json`` holds what the
seeded generators gave with the versions it names; this test compares, and fails naming the
versions installed and the versions recorded. Re-record on purpose only:

    python -m tests.unit.test_seeded_data --write
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest

from simulator.data import CustomerFactory

GOLDEN = Path(__file__).with_name("golden") / "seeded_data.json"
SEEDS = (0, 1, 7, 42)
LIBRARIES = ("Faker", "phonenumbers")


def draw() -> dict[str, Any]:
    """What the seeded generators give now, with the versions installed."""
    drawn: dict[str, Any] = {"recorded_with": {name: version(name) for name in LIBRARIES}}
    for seed in SEEDS:
        factory = CustomerFactory(seed)
        customers = [factory.customer() for _ in range(5)]
        drawn[f"seed {seed}"] = {
            "customers": [
                {
                    "name": customer.name,
                    "phone": customer.phone,
                    "phone_display": customer.phone_display,
                    "email": customer.email,
                    "company": customer.company,
                }
                for customer in customers
            ],
            "phones": [factory.phone() for _ in range(5)],
            "sentence": factory.sentence(),
            "paragraph": factory.paragraph(),
        }
    return drawn


def test_seeded_data_matches_the_recorded_versions():
    check(json.loads(GOLDEN.read_text("utf-8")))


def test_a_newer_release_that_changes_output_fails_naming_the_versions():
    golden = json.loads(GOLDEN.read_text("utf-8"))
    golden["recorded_with"]["Faker"] = "1.0.0"
    golden["seed 7"]["customers"][0]["name"] = "Someone Else"
    with pytest.raises(AssertionError) as failure:
        check(golden)
    message = str(failure.value)
    assert "seed 7" in message
    assert "recorded with Faker 1.0.0" in message
    assert f"this environment has Faker {version('Faker')}" in message
    assert "pin them (Faker==1.0.0" in message


def check(golden: dict[str, Any]) -> None:
    """Fail, naming the versions, when the seeded data differs from ``golden``."""
    golden = dict(golden)
    now = draw()
    recorded, installed = golden.pop("recorded_with"), now.pop("recorded_with")
    if now != golden:
        changed = sorted(key for key in golden if golden[key] != now.get(key))
        raise AssertionError(
            f"seeded data changed ({', '.join(changed)}): the golden file was recorded with "
            f"{_versions(recorded)}, this environment has {_versions(installed)}. "
            + (
                "A newer release changes seeded output, so runs are not byte-identical to "
                "runs made with the recorded versions: pin them "
                f"({', '.join(f'{k}=={v}' for k, v in recorded.items())}) or, after checking "
                "the new output, re-record"
                if recorded != installed
                else "Same versions, so simulator/data changed: if on purpose, re-record"
            )
            + " with `python -m tests.unit.test_seeded_data --write`."
        )


def test_the_golden_file_names_the_versions_it_was_recorded_with():
    recorded = json.loads(GOLDEN.read_text("utf-8"))["recorded_with"]
    assert set(recorded) == set(LIBRARIES)
    assert all(recorded.values())


def _versions(versions: dict[str, str]) -> str:
    return ", ".join(f"{name} {value}" for name, value in versions.items())


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        raise SystemExit("usage: python -m tests.unit.test_seeded_data --write")
    GOLDEN.write_text(json.dumps(draw(), indent=2, ensure_ascii=False) + "\n", "utf-8")
