"""ad_api argument checks: microseconds per call with an activity-record-sized argument.

Each call walks its arguments before it acts (a JSON tree? a lone surrogate? the published
types? an integer past 2**53?). The baseline, measured in the same run and interleaved with
it, is ``json.dumps`` of the same arguments (one walk in C): the ratio is the figure, the
machine's speed cancels out. Thread CPU time, best of seven.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable
from typing import Any

from benchmarks.measure import Measurement
from simulator.contract import OperationResult
from simulator.engine import Settings, Simulator
from simulator.handlers import AdApi


def _on_a_call(version: str) -> Simulator:
    sim = Simulator(seed=5, settings=Settings(api_version=version), record_actions=False)
    sim.login()
    sim.set_agent_state("ready")
    sim.offer_call("Sales")
    sim.accept_interaction()
    return sim


def _candidates() -> list[dict[str, Any]]:
    """Three dial candidates (~700 characters of JSON, four levels deep)."""
    return [
        {
            "id": f"003{n}",
            "displayName": f"Ann Lee {n}",
            "email": f"ann{n}@example.com",
            "phones": [
                {"number": f"+1 415 555 01{n}0", "type": "mobile"},
                {"number": f"+1 415 555 01{n}1", "type": "business", "displayType": "Work"},
            ],
            "associatedObjects": [
                {
                    "id": f"C-{n}",
                    "type": "Contact",
                    "displayName": f"Ann Lee {n}",
                    "displayType": "Contact",
                    "customFields": {"tier": "gold", "region": "west"},
                }
            ],
        }
        for n in range(3)
    ]


def _interleaved(
    work: Callable[[], object], baseline: Callable[[], object], n: int, repeat: int = 7
) -> tuple[float, float]:
    """Best thread CPU seconds per call of ``work`` and of ``baseline``, taken in turn."""
    best_work = best_base = float("inf")
    for _ in range(repeat):
        for which in (0, 1):
            run = work if which == 0 else baseline
            start = time.thread_time()
            for _ in range(n):
                run()
            took = (time.thread_time() - start) / n
            if which == 0:
                best_work = min(best_work, took)
            else:
                best_base = min(best_base, took)
    return best_work, best_base


def calls() -> list[tuple[str, Callable[[], OperationResult], tuple[Any, ...]]]:
    """The calls measured: an activity record as an extra key of ``getDispositionsList``'s
    target (objects may carry keys beyond the published ones), and ``setDialCandidates``
    (accepted and ignored: the checks are most of the call); each with its arguments."""
    sim = _on_a_call("5.24.1")
    api = AdApi(sim)
    target = {"service": "Sales", "activity": sim.interactions[0].wire()}
    candidates = _candidates()
    return [
        (
            "getDispositionsList(target + an activity record)",
            lambda: api.get_dispositions_list(target),
            (target, None),
        ),
        (
            "setDialCandidates(3 candidates)",
            lambda: api.set_dial_candidates(candidates),
            (candidates,),
        ),
    ]


def run() -> list[Measurement]:
    """Each call's microseconds against ``json.dumps`` of its arguments."""
    figures = []
    for name, work, args in calls():
        size = len(json.dumps(args))
        took, base = _interleaved(work, functools.partial(json.dumps, args), 2000)
        figures.append(
            Measurement(
                f"arguments: {name}, {size} chars",
                took * 1e6,
                "us/call",
                "json.dumps of the arguments, us",
                base * 1e6,
                "reported; one walk of the arguments",
            )
        )
    return figures
