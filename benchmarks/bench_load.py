"""Load mode: ``adsim run SCENARIO --repeat N`` interactions/s with a journal and a SAVE handler.

The pipeline (the ``adsim run ... --repeat N --handler save.py --journal FILE`` path, called in
process: one ``HostSeries``, the handler in its own child process, the journal on disk) beside the
engine's own rate for the same scenario (the same runner, no host, no journal), measured in the
same run. The host and its child are built once, as ``adsim run`` builds them once per process;
the figures are the steady rate after a short warm-up. The journal alone (no handler) and the
handler alone (journal in memory) are reported too, to show which one costs what.

Also the Python memory the series keeps per repeat (``tracemalloc``, after a collection) over
``KEPT_REPEATS`` repeats, beside what one repeat allocates at its peak: a load run of a million
repeats must run in flat memory (each repeat's simulator was once kept: ~13 KB a repeat).
"""

from __future__ import annotations

import gc
import tempfile
import time
import tracemalloc
from pathlib import Path

from benchmarks.measure import Measurement
from simulator.cli import build_parser
from simulator.handlers.host_series import HostSeries
from simulator.scenarios.load_mode import run_load
from simulator.scenarios.loader import load_scenario

SCENARIO = Path(__file__).resolve().parents[1] / "fixtures/scenarios/inbound_acw_disposition.yaml"
SAVE_HANDLER = """
def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: None)
"""
REPEAT = 200
WARM_UP = 10
KEPT_REPEATS = 1000


def _rate(options: list[str] | None, repeat: int = REPEAT, tries: int = 3) -> float:
    """Best interactions/s of ``repeat`` runs of the scenario; ``options`` None: no host."""
    source = load_scenario(SCENARIO)
    series = None
    if options is not None:
        args = build_parser().parse_args(["run", str(SCENARIO), *options])
        series = HostSeries(args, {"command": "bench"})
    best = 0.0
    try:
        kwargs = {}
        if series is not None:
            kwargs = {"host_factory": series.build, "close_host": series.end_run}
        run_load(source, repeat=WARM_UP, **kwargs)  # the host, its child, imports: once
        for _ in range(tries):
            report = run_load(source, repeat=repeat, **kwargs)
            assert report.exit_code == 0, report.errors
            best = max(best, report.interactions_per_second)
    finally:
        if series is not None:
            series.finish()
    return best


def _kept(options: list[str], repeat: int = KEPT_REPEATS) -> tuple[float, float]:
    """KB of Python memory the series keeps per repeat, and KB one repeat allocates at its
    peak (both after the warm-up, under ``tracemalloc``)."""
    source = load_scenario(SCENARIO)
    args = build_parser().parse_args(["run", str(SCENARIO), *options])
    series = HostSeries(args, {"command": "bench"})
    kwargs = {"host_factory": series.build, "close_host": series.end_run}
    try:
        run_load(source, repeat=WARM_UP, **kwargs)
        gc.collect()
        tracemalloc.start()
        try:
            before, _peak = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
            run_load(source, repeat=1, **kwargs)
            _now, peak = tracemalloc.get_traced_memory()
            gc.collect()
            start, _peak = tracemalloc.get_traced_memory()
            run_load(source, repeat=repeat, **kwargs)
            gc.collect()
            end, _peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    finally:
        series.finish()
    return max(0, end - start) / repeat / 1024, max(1, peak - before) / 1024


def run() -> list[Measurement]:
    """Measure load mode with the pipeline against the engine alone."""
    with tempfile.TemporaryDirectory(prefix="adsim-bench-load-") as tmp:
        folder = Path(tmp)
        handler = folder / "save.py"
        handler.write_text(SAVE_HANDLER, encoding="utf-8")
        common = ["--no-entry-points", "--handler-isolation", "process"]
        engine = _rate(None)
        journal = str(folder / f"journal-{time.perf_counter_ns()}.sqlite3")
        pipeline = _rate([*common, "--handler", str(handler), "--journal", journal])
        handler_only = _rate([*common, "--handler", str(handler), "--journal", ":memory:"])
        journal_only = _rate([*common, "--journal", str(folder / "journal-only.sqlite3")])
        kept, one_repeat = _kept(
            [*common, "--handler", str(handler), "--journal", str(folder / "kept.sqlite3")]
        )
        # Again at the end, the best of both: a busy neighbour at the start must not make the
        # baseline look slow (and the ratios good).
        engine = max(engine, _rate(None))
    base = "engine alone (same scenario) interactions/s"
    return [
        Measurement(
            "load mode: interactions/s, journal on disk + SAVE handler (process)",
            pipeline,
            "interactions/s",
            base,
            engine,
            "ratio >= 0.5",
        ),
        Measurement(
            "load mode: interactions/s, SAVE handler (process), journal in memory",
            handler_only,
            "interactions/s",
            base,
            engine,
            "reported: the handler's share",
        ),
        Measurement(
            "load mode: interactions/s, journal on disk, no handler",
            journal_only,
            "interactions/s",
            base,
            engine,
            "reported: the journal's share",
        ),
        Measurement(
            f"load mode: KB kept per repeat over {KEPT_REPEATS:,} (journal + SAVE handler)",
            kept,
            "KB/repeat",
            "KB one repeat allocates at its peak",
            one_repeat,
            "ratio ~0 (flat memory)",
        ),
    ]
