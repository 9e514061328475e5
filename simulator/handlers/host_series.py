"""Load mode's handler hosts: one host for every run of a series (``adsim run ... --repeat N``),
one per agent's desktop of a scenario with ``agents:``, as one run has.

The plugins are loaded (and their processes started) once per process; each repeat gets its own
simulator and journal run (``HandlerHost.rebind``), and the series ends in one summary of every
run (``simulator.handlers.cli_options``: the host built, the summary said, as for one run).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import Any, TextIO

from simulator.engine import AgentDesktop, CommitError
from simulator.handlers.cli_options import build_host, lasting_meta, open_journal, threads_left
from simulator.handlers.feedback import HandlerLoopError
from simulator.handlers.host import HandlerHost
from simulator.handlers.run_summary import journal_lines, summary

__all__ = ["HostSeries"]

_NUMBERS_KEPT = 100
"""Runs whose numbers a series keeps for its journal's failure line (far more than can be
held back at once)."""


class HostSeries:
    """Load mode: one host for every run of a series (one per agent: ``hosts``), its plugins
    loaded (and their processes started) once; each run gets its own simulator and journal run
    (``HandlerHost.rebind``).

    ``build(sim)`` is the runner's host factory, ``end_run(host)`` its ``close_host``;
    ``finish()`` closes the host and prints one summary of every run (the exit code).
    """

    def __init__(
        self,
        args: argparse.Namespace,
        meta: dict[str, Any] | None = None,
        *,
        stderr: TextIO | None = None,
        start: Any = None,
    ):
        self.args = args
        self.meta = meta
        self.stderr = stderr
        self.by_agent: dict[str, HandlerHost] = {}
        """The host of each agent's desktop (the tenant's agent first), kept from run to run: one
        host rebound from desktop to desktop gave the last agent's events to every agent's
        plugins, and the others' to none."""
        self._start = start
        """``start(host)`` once the host is built (JS handlers)."""
        self._looped: str | None = None
        self._numbers: dict[tuple[int, int], int] = {}
        """Each recent run's number in the series by its journal and the journal's id of it: a
        journal's failure names the runs whose rows it lost by those ids (rows held back for
        the next commit: the last run or two). The last ``_NUMBERS_KEPT`` only: one entry per
        run kept ~125 bytes a repeat for the whole series (100,000 repeats: 12 MB)."""
        self._lasting: dict[str, Any] | None = None
        """What each run's journal meta has besides its seed (``lasting_meta``), made once."""

    @property
    def host(self) -> HandlerHost | None:
        """The tenant's agent's host (the only one without ``agents:``); None before the first
        run."""
        return next(iter(self.by_agent.values()), None)

    @property
    def hosts(self) -> list[HandlerHost]:
        """Every agent's host, the tenant's agent's first."""
        return list(self.by_agent.values())

    def build(self, sim: AgentDesktop) -> HandlerHost:
        """``sim``'s agent's host, built for the first run and rebound to ``sim`` for the next
        ones."""
        meta = dict(self.meta or {})
        if len(sim.center.desktops) > 1:  # as one run's journal says whose run it is
            meta["agent"] = sim.name
        host = self.by_agent.get(sim.name)
        if host is None:
            host = build_host(sim, self.args, meta=meta, stderr=self.stderr)
            host.run_number = 1  # its lines say their run (a failed call of run 1 too)
            self.by_agent[sim.name] = host
            if self._start is not None:
                self._start(host)
            return host
        journal = host.journal
        if journal is None:
            journal = open_journal(sim, self.args, meta)
        else:  # the same file, a new run: reopening costs more than the run itself
            if self._lasting is None:
                self._lasting = lasting_meta(self.args, self.meta)
            extra = {"agent": meta["agent"]} if "agent" in meta else {}
            journal.new_run({"seed": sim.seed, **self._lasting, **extra})
        host.rebind(sim, journal)  # the calls done are the last run's
        host.run_number = (host.run_number or 0) + 1
        return host

    def end_run(self, host: HandlerHost) -> None:
        """Let the run's handlers finish; the host and the journal stay for the next run, whose
        first commit writes this one's end (``finished``) with its last outcomes."""
        try:
            host.settle(timeout=max(host.timeout * 2, 1.0))
        except HandlerLoopError as exc:
            self._looped = self._looped or str(exc)
        except CommitError as exc:
            self._looped = self._looped or f"journal {exc}"
        self._number(host)
        # The runner ends its run's host in a ``finally``: on a stop (Ctrl-C, SIGTERM) this
        # run did not finish, and ``abandon_run`` records it interrupted; on an error of ours it
        # did not finish either, and no end is written (``unfinished``).
        stop = sys.exception()
        if host.journal is not None and not isinstance(stop, KeyboardInterrupt):
            host.journal.end_run(failed=stop is not None)

    def _number(self, host: HandlerHost) -> None:
        """Note the journal's id of ``host``'s run as its number in the series."""
        run_id = getattr(host.journal, "written_run_id", None)
        if run_id is not None and host.run_number is not None:
            self._numbers[(id(host.journal), run_id)] = host.run_number
            if len(self._numbers) > _NUMBERS_KEPT:
                del self._numbers[next(iter(self._numbers))]  # the oldest (insertion order)

    def _incomplete(self, journal: Any, failure: Any) -> str:
        """The line of a journal's failure, naming the runs of the series whose rows it lost
        (``run 40: journal ...; the journal of this run is incomplete``), as the series' other
        lines name theirs."""
        numbers = sorted(
            {
                self._numbers[(id(journal), run_id)]
                for run_id in getattr(failure, "runs", ())
                if (id(journal), run_id) in self._numbers
            }
        )
        if not numbers:
            return f"journal {failure}; the journal of a run is incomplete"
        if len(numbers) == 1:
            return f"run {numbers[0]}: journal {failure}; the journal of this run is incomplete"
        runs = ", ".join(str(number) for number in numbers)
        return f"runs {runs}: journal {failure}; the journal of these runs is incomplete"

    def finish(self) -> int:
        """Close the hosts; one summary of every run on stderr; 1 if anything failed."""
        lines: list[str] = []
        for host in self.hosts:
            lines += self._finish(host)
        if self._looped is not None:
            lines.insert(0, self._looped)
        err = self.stderr if self.stderr is not None else sys.stderr  # adsim's own again
        # A stderr whose reader left (``2>&1 >events.jsonl | head``) loses the lines, not the
        # exit code that says what went wrong.
        with contextlib.suppress(OSError, ValueError):  # EPIPE, or the stream itself closed
            for line in lines:
                print(f"adsim: {line}", file=err, flush=True)
        return 1 if lines else 0

    def _finish(self, host: HandlerHost) -> list[str]:
        """Close ``host``; its summary lines (none when all went well)."""
        self._number(host)  # a run stopped before its end_run (Ctrl-C) has its number too
        last = host.run_number
        host.run_number = None  # what the close finds (a close() that raises) is no run's
        host.close()
        threads_left(host)
        host.run_number = last  # the last run's failed calls say their run, as the others'
        lines = summary(host)
        host.run_number = None
        journal = host.journal
        if journal is not None:
            journal.flush()  # the outcomes held for a next commit: a failure is in the summary
        failure = getattr(journal, "failure", None)
        told = getattr(journal, "failure_told", False)  # the stopped run's report says it
        if failure is not None and self._looped is None and not told:
            lines.insert(0, self._incomplete(journal, failure))
        if journal is not None:
            lines += journal_lines(journal, lines, "the series' runs")
            journal.close()
        return lines
