"""What ``adsim run`` prints: a summary per scenario, the load-mode summary, a progress bar."""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from typing import TextIO

from simulator import streams
from simulator.one_line import one_line
from simulator.scenarios.expectations import format_offset
from simulator.scenarios.load_mode import LoadReport
from simulator.scenarios.runner import ScenarioResult

__all__ = ["ProgressBar", "format_load", "format_result", "say_summary"]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def format_result(result: ScenarioResult, exit_code: int | None = None) -> str:
    """A few lines per scenario: verdict, counts, and every problem at its file:line.

    ``exit_code``: the command's, when more than the run decides it (a ``--handler`` plugin
    that did not load fails the command; the verdict must not say PASS above that)."""
    verdict = {0: "PASS", 1: "FAIL", 2: "ERROR"}[max(result.exit_code, exit_code or 0)]
    lines = [f"{verdict}  {result.name}  ({result.path}, seed {result.seed})"]
    handler = (
        f", {_plural(len(result.handler_failures), 'handler error')}"
        if result.outcomes or result.handler_failures
        else ""
    )
    counts = (
        f"{_plural(result.interactions, 'interaction')}, {_plural(len(result.events), 'event')}"
    )
    lines.append(
        f"      {counts}, {_plural(result.expectations, 'expectation')} checked{handler}; "
        f"{format_offset(result.simulated_ms)[1:]} simulated in {result.wall_seconds * 1000:.1f} ms"
    )
    for failure in result.failures:
        lines.append(f"  {failure}")
    if result.error is not None:
        lines.append(f"  {result.error}")
    for outcome in result.handler_failures:
        mark = " (allowed)" if result.allow_handler_errors else ""
        error = getattr(outcome, "error", None) or ""
        lines.append(
            f"  handler {outcome.handler} on {outcome.event_name} #{outcome.event_seq}: "
            f"{outcome.status}{mark} {error}".rstrip()
        )
    for message in result.subscriber_errors:
        lines.append(f"  subscriber error: {message}")
    lines += [f"  {incident}" for incident in result.incidents]
    if result.idle_handlers and result.error is None:
        lines.append(
            f"  note: no handler was called: the handlers loaded take "
            f"{_events(result.idle_handlers)}, and no such event came in this run"
        )
    if result.unsubscribed and result.error is None:
        lines.append(f"  note: {_unsubscribed(result.unsubscribed, result.unsubscribed_node)}")
    if (exit_code or 0) > result.exit_code:
        lines.append("  the handlers failed outside these calls: adsim's lines above say how")
    return _lines(lines)


def _lines(lines: list[str]) -> str:
    """The lines, each kept on one: a scenario's name or file name is the file's text, and a
    newline in it (``name: >`` folds to one at the end) printed a line of its own, a ``PASS``
    that a failed run had written (``\r`` showed it over the ``FAIL``)."""
    return "\n".join(one_line(line) for line in lines)


def _unsubscribed(names: tuple[str, ...], node: tuple[str, ...] = ()) -> str:
    """What to say of the plugins loaded that subscribed to no event (``node``: which of them
    are Node modules, whose ``register`` calls ``adApi.on()``)."""
    one = len(names) == 1
    which = f"plugin {names[0]}" if one else f"plugins {', '.join(names)}"
    its, it = ("its", "it") if one else ("their", "them")
    if not node:
        on = "ad_api.on()"
    elif set(names) <= set(node):
        on = "adApi.on()"
    else:
        on = "ad_api.on() (a Node module's adApi.on())"
    return (
        f"{which} subscribed to no event: {its} register() called {on} for none, so "
        f"adsim never called {it}"
    )


def _events(names: tuple[str, ...]) -> str:
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} ms"


def _pace(report: LoadReport) -> str:
    """The pace the runs started at (``LoadReport.interactions_per_second``), when there is one."""
    if report.paced:
        return f", started at {report.interactions_per_second:,.1f} interactions/s"
    return " (one run: no pace between runs)" if report.runs == 1 and report.interactions else ""


def format_load(report: LoadReport, exit_code: int | None = None) -> str:
    """The load-mode summary: throughput, handler latency percentiles, errors (``exit_code``:
    the command's, as for ``format_result``)."""
    plugins_failed = (exit_code or 0) > report.exit_code
    verdict = {0: "PASS", 1: "FAIL", 2: "ERROR"}[max(report.exit_code, exit_code or 0)]
    lat = report.latencies_ms
    lines = [
        f"{verdict}  {report.name}: {_plural(report.runs, 'run')}, "
        f"{_plural(report.failed_runs, 'failed run')}",
        f"      {_plural(report.interactions, 'interaction')} in {report.wall_seconds:.2f} s"
        f"{_pace(report)}; {_plural(report.events, 'event')}; "
        f"{format_offset(report.simulated_ms)[1:]} simulated",
    ]
    if lat:
        lines.append(
            f"      handler latency over {len(lat)} calls: p50 {_ms(lat.percentile(50))}, "
            f"p95 {_ms(lat.percentile(95))}, p99 {_ms(lat.percentile(99))}, "
            f"max {_ms(lat.max())}; {_plural(report.handler_errors, 'handler error')}"
            + (" (allowed)" if report.handler_errors and report.errors_allowed else "")
        )
        if report.unsubscribed:
            lines.append(
                f"      note: {_unsubscribed(report.unsubscribed, report.unsubscribed_node)}"
            )
    else:
        if plugins_failed:
            hint = "adsim's handler lines above say why"
        elif report.idle_handlers:
            hint = f"the handlers loaded take {_events(report.idle_handlers)}, and none came"
            if report.unsubscribed:
                hint += f"; {_unsubscribed(report.unsubscribed, report.unsubscribed_node)}"
        elif report.unsubscribed:
            hint = _unsubscribed(report.unsubscribed, report.unsubscribed_node)
        else:
            hint = "load handlers with --handler"
        lines.append(f"      no handler calls ({hint})")
    if report.rate is not None and report.runs > 1 and not report.interactions:
        lines.append(
            "  note: --rate paces interactions and these runs had none: they ran back to back"
        )
    lines += [f"  {error}" for error in report.errors]
    if report.errors_left_out:
        lines.append(f"  ... and {report.errors_left_out} more")
    if report.stopped:
        run = f"run {report.stopped_run}: " if report.stopped_run is not None else ""
        lines.append(f"  stopped: {run}{report.stopped}")
    return _lines(lines)


_SHARED_EVERY = 10.0
"""Seconds at most between two lines of a shared progress bar (``ProgressBar.shared``)."""


class ProgressBar:
    """A progress bar on a terminal; silent when the stream is not a TTY.

    Alone on its terminal it is one line, redrawn in place. ``shared``: others write to the
    terminal too (a plugin's own output, ``--trace-handlers``, the events of ``-o -``), and a
    line left open glued their text onto the bar (``... 3/10 runsplugin says: saved``); the bar
    is then a line of its own at each tenth of the runs (and every 10 s), never left open."""

    def __init__(
        self,
        total: int,
        stream: TextIO | None = None,
        width: int = 30,
        *,
        shared: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.total = max(total, 1)
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.shared = shared
        """Whether others write to the terminal (see the class docstring): set before the
        first ``update``."""
        self._clock = clock
        self._last: float | None = None
        self._open = False
        """A line drawn in place and not ended yet."""
        self._tenths = {math.ceil(self.total * k / 10) for k in range(1, 11)}

    def update(self, done: int, report: LoadReport | None = None) -> None:
        """Show ``done`` of ``total`` and the pace so far, as the summary counts it
        (``report``'s interactions/s): the first at once, then redrawn at most ten times a
        second and at the end (``shared``: a line at each tenth of the runs, or 10 s on)."""
        if not self.enabled:
            return
        now = self._clock()
        if self._last is not None and not self._due(done, now - self._last):  # the first is
            return
        self._last = now
        filled = int(self.width * done / self.total)
        bar = "#" * filled + "-" * (self.width - filled)
        pace = ""
        if report is not None and report.paced:
            pace = f", {report.interactions_per_second:,.1f} interactions/s"
        text = f"[{bar}] {done}/{self.total} runs{pace}"
        if self.shared:
            self.stream.write(f"{text}\n")  # one write: the line whole beside the others'
        else:
            self.stream.write(f"\r{text}")
            self._open = True
        self.stream.flush()

    def _due(self, done: int, since: float) -> bool:
        """Whether ``done`` is drawn, ``since`` seconds after the last drawing."""
        if self.shared:
            return done in self._tenths or since >= _SHARED_EVERY
        return done >= self.total or since >= 0.1

    def close(self) -> None:
        """End the line drawn in place, if one was."""
        if self._open:
            self._open = False
            self.stream.write("\n")
            self.stream.flush()


def say_summary(text: str, events_out: streams.Writer | None) -> None:
    """A scenario's or a series' summary: on stdout, or on stderr when the events go there
    (``-o -``), where a reader that left (``2>&1 >events.jsonl | head``) loses it, not the next
    scenarios' events nor the exit code."""
    if events_out is sys.stdout:
        streams.complain(text)
    else:
        print(text)
