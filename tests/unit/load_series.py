"""A load series as ``adsim run s.yaml --repeat N --handler h.py --journal J`` builds it (one
``HostSeries``: the host, its plugins and the journal made once, rebound for each repeat), for
tests of what a long series keeps."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from simulator.cli import build_parser
from simulator.handlers.host_series import HostSeries
from simulator.scenarios import LoadReport, parse_scenario, run_load

__all__ = ["FLOW", "LoadSeries", "load_series"]

FLOW = "steps:\n  - call\n  - accept\n  - wait: 1m\n  - hang_up\n  - complete\n"
"""One inbound call, answered, hung up and completed: one ``ON_SAVE_ACTIVITY_RECORD``."""


@dataclass
class LoadSeries:
    """The series' ``HostSeries``, what it wrote on stderr, and its exit code once finished."""

    series: HostSeries
    err: io.StringIO = field(default_factory=io.StringIO)
    code: int | None = None

    def run(self, repeat: int) -> LoadReport:
        """``repeat`` more repeats of ``FLOW`` through the series."""
        return run_load(
            parse_scenario(FLOW, "s.yaml"),
            repeat=repeat,
            host_factory=self.series.build,
            close_host=self.series.end_run,
        )


@contextmanager
def load_series(
    tmp_path: Path, handler: str | None, journal: str = ":memory:", isolation: str = "thread"
) -> Iterator[LoadSeries]:
    """A series with the plugin whose source is ``handler`` (none with None), finished (its
    summary in ``err``, its exit code in ``code``) when the block ends."""
    options = ["--no-entry-points", "--handler-isolation", isolation, "--journal", journal]
    if handler is not None:
        path = tmp_path / "plugin.py"
        path.write_text(handler, encoding="utf-8")
        options += ["--handler", str(path)]
    err = io.StringIO()
    args = build_parser().parse_args(["run", "s.yaml", *options])
    load = LoadSeries(HostSeries(args, {"command": "test"}, stderr=err), err)
    try:
        yield load
    finally:
        load.code = load.series.finish()
