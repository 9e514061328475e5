"""The step forms docs/scenarios.md's steps table writes as mappings take the keys it lists:
a reader copies them as written."""

from __future__ import annotations

import re

from simulator.scenarios import ScenarioRunner, parse_scenario
from tests.documentation import page, text

STEPS = text(page("scenarios.md")).split("**Steps**", 1)[1].split("\n\n", 2)[1]
"""The steps table."""

VALUES = {"id": '"0031"', "type": "Contact", "displayName": "Ann Lee", "displayType": "Contact"}


def test_associate_takes_the_keys_the_table_lists():
    """It said ``associate: {record}``, and a ``record:`` key was refused (invalid_args)."""
    keys = re.search(r"`associate: \{([^}]*)\}`", STEPS).group(1).split(", ")
    step = ", ".join(f"{key}: {VALUES[key]}" for key in keys)
    sample = (
        "steps:\n  - call: Sales\n  - wait: 4s\n  - accept\n"
        f"  - associate: {{{step}}}\n"
        "  - expect: {event: ON_INTERACTION_STATE_CHANGE, last: true,"
        " payload: {associatedObjects: {list: {length: 1}}}}\n"
    )
    result = ScenarioRunner(parse_scenario(sample, "scenarios.md")).run()
    assert result.exit_code == 0, [str(f) for f in result.failures] or result.error
