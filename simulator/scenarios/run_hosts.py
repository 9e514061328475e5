"""The handler hosts of ``adsim run``: whether handlers are asked for, and how each run (or a
``--repeat`` series) builds, starts and finishes its host (``--handler``, ``--js-handler``, a
page)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from simulator.engine import AgentDesktop
from simulator.scenarios.loader import ScenarioFile
from simulator.scenarios.run_pages import PageSessionLike, _other_pages


def _add_handler_options(parser: argparse.ArgumentParser) -> bool:
    """The handler workstream's shared options; False when that package is not there."""
    try:
        from simulator.handlers.cli_options import add_handler_options
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("simulator.handlers"):
            return False
        raise
    add_handler_options(parser)
    return True


_ENV_JOURNAL = "ADSIM_JOURNAL"
"""``simulator.journal.store.ENV_JOURNAL`` (named here: importing the journal costs a run with
none of it start-up time)."""


def journaled_path(path: str) -> str:
    """The scenario's path as a run's journal ``meta`` keeps it: absolute, its folders' links
    resolved, so that a reader in another folder (``adsim journal runs``, a script reading the
    journal later) finds the file; an absolute path (``/dev/stdin``, ``/dev/fd/63``) as given."""
    if os.path.isabs(path):
        return path
    given = Path(path)
    return str(given.parent.resolve() / given.name)


def _wants_handlers(args: argparse.Namespace, source: ScenarioFile) -> bool:
    """Handlers (the scenario's own ``handlers:`` too), a webhook or a journal asked for, or
    handler packages installed."""
    if getattr(args, "handlers", None) or getattr(args, "webhook", None):
        return True
    # The scenario's handlers run in the host the options build: in one of its own, the
    # runner's, --handler-timeout, --handler-isolation, --trace-handlers ... were ignored.
    if source.handler_paths:
        return True
    if getattr(args, "js_handlers", None) or getattr(args, "page", None):
        return True
    # ``$ADSIM_JOURNAL`` asks for the journal as ``--journal`` does (a CI job sets it once):
    # without it here a run with no handler journaled nothing and said nothing.
    if getattr(args, "journal", None) is not None:
        return True
    if (os.environ.get(_ENV_JOURNAL) or ":memory:") != ":memory:":  # empty: as unset
        return True
    if not getattr(args, "entry_points", False):
        return False
    from importlib.metadata import entry_points

    from simulator.handlers import ENTRY_POINT_GROUP

    return bool(entry_points(group=ENTRY_POINT_GROUP))


class HostBuilder(Protocol):
    """Builds the handler host of one desktop; ``agent_of_page``: the ``--page`` page goes to
    this desktop (the others' pages go to theirs)."""

    def __call__(self, sim: AgentDesktop, agent_of_page: bool = True) -> Any: ...


def _host_factory(
    args: argparse.Namespace, source: ScenarioFile, page: PageSessionLike | None = None
) -> tuple[HostBuilder | None, Callable[[Any], int] | None]:
    """How to build and finish a handler host for each run (None when no handlers are asked);
    ``page`` is attached to each host built."""
    if not hasattr(args, "handlers") or not _wants_handlers(args, source):
        return None, None
    from simulator.handlers.cli_options import build_host, finish_run

    def build(sim: AgentDesktop, agent_of_page: bool = True) -> Any:
        meta = {"command": "run", "scenario": journaled_path(source.path)}
        if len(sim.center.desktops) > 1:
            meta["agent"] = sim.name
        host = build_host(sim, args, meta=meta)
        js_handlers = getattr(args, "js_handlers", None) or []
        if js_handlers:
            from simulator.web import NodeHandler

            try:
                for path in js_handlers:
                    NodeHandler(host, path).start()
            except BaseException:
                _abandon(host)
                raise
        mine = page if agent_of_page else _other_pages(page).get(sim.name)
        if mine is not None:
            try:
                mine.attach(host)
            except BaseException:
                _abandon(host)
                raise
        return host

    return build, finish_run


def only_call_errors(host: Any) -> bool:
    """Whether all that went wrong in ``host`` is handler calls that failed: what a scenario's
    ``allow_handler_errors: true`` allows. A plugin that did not load, a plugin process
    problem, a journal that failed or held a refused commit still fail the run."""
    if any(not plugin.loaded for plugin in host.plugins):
        return False
    if getattr(host, "incident_count", len(getattr(host, "incidents", []))):
        return False
    journal = host.journal
    if journal is not None and getattr(journal, "failure", None) is not None:
        return False
    return host.sim.bus.held is None


def cut_short_line(name: str, hosts: list[Any], seed: int, run: int | None = None) -> str | None:
    """The line a stop (Ctrl-C, SIGTERM) adds for the handler calls of the run it cut short
    that failed (a webhook's delivery that failed, or that the stop cut off: each journaled),
    after its hosts were abandoned; None when none failed. ``run``: its number in a series."""
    calls = failures = 0
    first = None
    for host in hosts:
        outcomes = list(host.outcomes)
        failed = [outcome for outcome in outcomes if outcome.status != "ok"]
        calls += len(outcomes)
        failures += len(failed)
        first = first or (failed[0] if failed else None)
    if first is None:
        return None
    which = (
        f"run {run} (seed {seed}), which the stop cut short"
        if run is not None
        else f"the run the stop cut short (seed {seed})"
    )
    return (
        f"adsim: {name}: {which}: {failures} of {calls} handler calls failed, the first: "
        f"{first.line()}"
    )


def _abandon(host: Any, *, interrupted: bool = False) -> None:
    """Close a host whose set-up failed half-way or whose run was stopped (Ctrl-C), and its
    journal, without waiting for its handlers (``interrupted``: a page run's Ctrl-C, which
    raised nothing here, is recorded in the journal as a stop is)."""
    from simulator.handlers.cli_options import abandon_run

    abandon_run(host, interrupted=interrupted)


def _series(args: argparse.Namespace, source: ScenarioFile) -> Any:
    """One handler host for every repeat (``HostSeries``), or None when no handlers are asked."""
    if not hasattr(args, "handlers") or not _wants_handlers(args, source):
        return None
    from simulator.handlers.host_series import HostSeries

    def start(host: Any) -> None:
        js_handlers = getattr(args, "js_handlers", None) or []
        if js_handlers:
            from simulator.web import NodeHandler

            try:
                for path in js_handlers:
                    NodeHandler(host, path).start()
            except BaseException:
                _abandon(host)
                raise

    meta = {"command": "run", "scenario": journaled_path(source.path)}
    return HostSeries(args, meta, start=start)
