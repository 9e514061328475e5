"""Testing an integration with the simulator: the pytest plugin's harness and assertions.

The fixtures (``adsim``, ``adsim_scenario``, ``adsim_window``) come from the ``pytest11`` entry
point ``simulator.testing.plugin``; these helpers can also be used without pytest.
"""

from simulator.testing.assertions import (
    assert_event_sequence,
    assert_no_handler_failures,
    assert_record_matches,
    assert_scenario_passed,
)
from simulator.testing.harness import AdsimHarness, AgentHarness, resolve_handler
from simulator.testing.imports import HandlerLoadError
from simulator.testing.refusals import ActionRefusedError

__all__ = [
    "ActionRefusedError",
    "AdsimHarness",
    "AgentHarness",
    "HandlerLoadError",
    "assert_event_sequence",
    "assert_no_handler_failures",
    "assert_record_matches",
    "assert_scenario_passed",
    "resolve_handler",
]
