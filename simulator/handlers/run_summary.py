"""The summary that ends a run with handlers (``adsim run``, ``adsim demo``, a window's
desktop at its close): what failed (plugins that did not load, failed calls, plugin problems),
at most a screenful of it, and the line naming the journal that has it all."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from simulator.one_line import one_line

if TYPE_CHECKING:
    from simulator.handlers.host import HandlerHost
    from simulator.handlers.outcome import PluginStatus

__all__ = ["in_run", "journal_lines", "not_loaded", "summary"]

_SUMMARY_LINES = 20


def not_loaded(plugin: PluginStatus) -> str:
    """Why ``plugin`` did not load; for an installed package's plugin (one nobody named on
    the command line, loaded on every run) which package it is and how to run without it."""
    text = one_line(plugin.error or "")
    package = re.fullmatch(r"(\S+) \(entry point .*\)", plugin.source)  # "dist (entry point N = M)"
    if package is not None and text.startswith(plugin.source):  # it names them already
        text += "; an installed plugin (--no-entry-points runs without installed plugins)"
    elif package is not None:
        text += (
            f"; it is the plugin {plugin.name!r} of the installed package {package.group(1)} "
            "(--no-entry-points runs without installed plugins)"
        )
    return text


def in_run(run: int | None) -> str:
    """A series' line's run (``HandlerHost.run_number``), as the load summary says it."""
    return "" if run is None else f"run {run}: "


def summary(host: HandlerHost) -> list[str]:
    """Lines describing what failed (empty when every plugin loaded and every call was ok)."""
    lines: list[str] = []
    broken = [p for p in host.plugins if not p.loaded]
    by_run = getattr(host, "all_failures_by_run", None)
    if by_run is None:  # a host of one run
        by_run = [(None, outcome) for outcome in getattr(host, "all_failures", host.failures)]
    failures = [outcome for _run, outcome in by_run]
    incidents = list(getattr(host, "incidents", []))
    incident_count: int = getattr(host, "incident_count", len(incidents))
    counts: dict[str, int] | None = getattr(host, "all_failure_counts", None)
    if counts is None:  # a host that keeps every failure
        counts = {}
        for outcome in failures:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
    failed = sum(counts.values())
    if not broken and not failed and not incident_count:
        return lines
    detail = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    # In adsim's own process (thread isolation) a plugin has no process of its own.
    isolated = getattr(host, "isolation", "process") == "process"
    problems = "plugin process problem(s)" if isolated else "plugin problem(s)"
    calls = getattr(host, "all_calls", None)
    if calls is None:
        calls = len(host.outcomes)
    lines.append(
        f"handlers: {failed} of {calls} calls failed"
        + (f" ({detail})" if detail else "")
        + (f"; {len(broken)} plugin(s) did not load" if broken else "")
        + (f"; {incident_count} {problems}" if incident_count else "")
    )
    lines.extend(f"  not loaded: {not_loaded(p)}" for p in broken)
    lines.extend(f"  {one_line(incident)}" for incident in incidents[:_SUMMARY_LINES])
    if incident_count > min(len(incidents), _SUMMARY_LINES):
        more = incident_count - min(len(incidents), _SUMMARY_LINES)
        lines.append(f"  ... and {more} more {problems}")
    shown = by_run[:_SUMMARY_LINES]
    lines.extend(f"  {in_run(run)}{outcome.line()}" for run, outcome in shown)
    if failed > len(shown):
        lines.append(f"  ... and {failed - len(shown)} more (adsim journal export)")
    return lines


def journal_lines(journal: Any, lines: list[str], runs: str | None) -> list[str]:
    """The summary's line naming the journal (after other lines; none for ``:memory:``), and
    saying so when its file was deleted or replaced while adsim wrote it: ``runs`` ("run 3",
    "its runs") are then in the file adsim opened, not in the file at that path (another
    adsim's new journal there had a run of that number), which is a failure of its own."""
    if journal.path == ":memory:":
        return []
    change = journal.file_change() if hasattr(journal, "file_change") else None
    if change is None:
        return [f"  journal: {journal.path}" + (f" ({runs})" if runs else "")] if lines else []
    what = runs or "the run"
    if change == "replaced":
        return [
            f"journal {journal.path}: another file took its place while adsim wrote it: "
            f"{what} went to the file adsim opened, not to the file now at that path"
        ]
    return [
        f"journal {journal.path}: the file was deleted or moved away while adsim wrote it: "
        f"{what} went with it"
    ]
