"""The benchmarks' workloads do what their lines say (a benchmark of refused actions measures
nothing): every module imports, and the center and engine workloads complete real interactions.
No time is measured here (speed lives in ``make bench``)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import benchmarks  # noqa: E402  (the repository's own folder, not an installed package)

NAMES = sorted(
    info.name
    for info in pkgutil.iter_modules(benchmarks.__path__)
    if info.name.startswith("bench_")
)


@pytest.mark.parametrize("name", NAMES)
def test_every_benchmark_module_imports_and_has_run(name):
    module = importlib.import_module(f"benchmarks.{name}")
    assert callable(module.run) and (module.__doc__ or "").strip()


def test_the_center_workload_completes_every_call_on_the_agent_it_reached():
    from benchmarks.bench_center import AGENTS_PER_TEAM, TEAMS, center_tenant, ready_center, waves

    sim, desks = ready_center(center_tenant())
    saved: list[str] = []
    for desk in desks:
        desk.subscribe(
            lambda event: saved.append(str(event.name)) if str(event.name).endswith("RECORD") else 0
        )
    waves(sim, desks, 1)
    assert len(desks) == len(TEAMS) * AGENTS_PER_TEAM
    assert saved == ["ON_SAVE_ACTIVITY_RECORD"] * len(desks)
    assert all(desk.interactions == [] for desk in desks)


def test_the_engine_workload_completes_its_calls():
    from benchmarks.bench_engine import full_calls, ready_agent
    from simulator.data import load_tenant

    sim, customer = ready_agent(load_tenant())
    saved: list[str] = []
    sim.subscribe(
        lambda event: saved.append(str(event.name)) if str(event.name).endswith("RECORD") else 0
    )
    full_calls(sim, customer, 3)
    assert saved == ["ON_SAVE_ACTIVITY_RECORD"] * 3


def test_the_argument_checks_workload_calls_succeed():
    from benchmarks.bench_arguments import calls

    for name, work, _args in calls():
        result = work()
        assert result.ok, (name, result)
