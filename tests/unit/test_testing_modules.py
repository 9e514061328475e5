"""The pytest plugin's package and the scenario package keep a module per concept, each under
the project's ~500 lines (harness.py had grown to 517: another agent's desktop is its own)."""

from __future__ import annotations

from pathlib import Path

import pytest

import simulator.testing
from simulator.testing import agent_harness, harness

PACKAGE = Path(__file__).resolve().parents[2] / "simulator"


@pytest.mark.parametrize(
    "module", sorted([*PACKAGE.glob("testing/*.py"), *PACKAGE.glob("scenarios/*.py")])
)
def test_a_module_stays_under_500_lines(module):
    lines = module.read_text("utf-8").count("\n")
    assert lines <= 500, f"{module.name}: {lines} lines; split a concept out of it"


def test_the_agent_harness_is_one_class_wherever_it_is_imported_from():
    assert harness.AgentHarness is agent_harness.AgentHarness is simulator.testing.AgentHarness
