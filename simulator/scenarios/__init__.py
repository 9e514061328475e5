"""Scenarios: scripted call flows in YAML, a headless runner, record and replay, load mode.

::

    file = load_scenario("fixtures/scenarios/inbound_acw_disposition.yaml")
    result = ScenarioRunner(file).run()          # host=... to run with handlers
    result.exit_code, result.failures, result.jsonl()

    record_session(sim) -> str                   # any session as scenario YAML that replays it
    generate_records(1000, seed=1)               # finished activity records from real flows
    run_load(file, repeat=500, rate=50)          # the same flow many times, paced
"""

from simulator.scenarios.errors import Problem, ScenarioFileError
from simulator.scenarios.generate import generate_records, parse_mix
from simulator.scenarios.load_mode import LoadReport, run_load
from simulator.scenarios.loader import ScenarioFile, load_scenario, parse_scenario
from simulator.scenarios.model import STEP_TYPES, Scenario
from simulator.scenarios.record import record_session
from simulator.scenarios.runner import Failure, ScenarioResult, ScenarioRunner

__all__ = [
    "STEP_TYPES",
    "Failure",
    "LoadReport",
    "Problem",
    "Scenario",
    "ScenarioFile",
    "ScenarioFileError",
    "ScenarioResult",
    "ScenarioRunner",
    "generate_records",
    "load_scenario",
    "parse_mix",
    "parse_scenario",
    "record_session",
    "run_load",
]
