"""The host's record of what handlers did: every call's outcome (masked, journaled, told to
subscribers), and incidents outside any call; per served simulator and over all of them."""

from __future__ import annotations

import contextlib
import sys
import traceback
from collections.abc import Callable
from typing import Any

from simulator.handlers.host import state
from simulator.handlers.host.state import HostState
from simulator.handlers.outcome import HandlerOutcome

__all__ = ["OutcomeLog"]


class OutcomeLog(HostState):
    """Outcomes and incidents (the layer above ``HostState``)."""

    @property
    def outcomes(self) -> list[HandlerOutcome]:
        """Every handler call so far (since the last ``rebind``), in order."""
        return list(self._outcomes)

    @property
    def failures(self) -> list[HandlerOutcome]:
        """The calls that raised, timed out, crashed or answered junk (since the last
        ``rebind``)."""
        return [outcome for outcome in self.outcomes if outcome.status != "ok"]

    @property
    def all_calls(self) -> int:
        """How many handler calls every simulator this host served had made."""
        return self._earlier_calls + len(self._outcomes)

    @property
    def all_failures(self) -> list[HandlerOutcome]:
        """``failures`` of every simulator this host served: of the earlier ones, the first
        ``FAILURES_KEPT`` (``all_failure_counts`` counts them all)."""
        return [*self._earlier_failures, *self.failures]

    @property
    def all_failures_by_run(self) -> list[tuple[int | None, HandlerOutcome]]:
        """``all_failures``, each with the run of a series it came in (``run_number``)."""
        runs = [*self._earlier_failure_runs, *(self.run_number for _ in self.failures)]
        return list(zip(runs, self.all_failures, strict=True))

    @property
    def all_failure_counts(self) -> dict[str, int]:
        """How many calls of every simulator this host served failed, by status."""
        counts = dict(self._earlier_failed)
        for outcome in self.failures:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        return counts

    @property
    def incidents(self) -> list[str]:
        """What plugins' processes did outside any call: died between calls, threads still
        running at the end (process isolation). Each is a failure of the run. The first
        ``FAILURES_KEPT`` (``incident_count`` counts them all)."""
        return list(self._incidents)

    @property
    def incident_count(self) -> int:
        """How many incidents there were (a load run's plugin may die between calls every
        few repeats: each kept took ~0.2 KB and a line of the summary)."""
        return self._incident_count

    def add_incident(self, text: str) -> None:
        """Note a plugin failure that is not a handler call's outcome (see ``incidents``)."""
        with self._incident_lock:  # from the supervisors' reader threads as well
            self._incident_count += 1
            if len(self._incidents) >= state.FAILURES_KEPT:
                return
        text = self.secrets.text(text) or text
        self._incidents.append(
            text if self.run_number is None else f"run {self.run_number}: {text}"
        )

    def subscribe_outcomes(self, callback: Callable[[HandlerOutcome], Any]) -> Callable[[], None]:
        """``callback(outcome)`` for each handler call, on the handler thread; returns the
        unsubscribe function."""
        self._outcome_callbacks.append(callback)

        def unsubscribe() -> None:
            if callback in self._outcome_callbacks:
                self._outcome_callbacks.remove(callback)

        return unsubscribe

    def _record(self, outcome: HandlerOutcome) -> None:
        outcome = self.secrets.outcome(outcome)
        self._outcomes.append(outcome)
        if self.journal is not None:
            try:
                self.journal.record_outcome(outcome)
            except Exception:
                _print_exc()
        for callback in tuple(self._outcome_callbacks):
            try:
                callback(outcome)
            except Exception:
                _print_exc()


def _print_exc() -> None:
    """The traceback on stderr, if stderr can still be written: on the handler thread an error
    here would end the thread with its call unfinished, and ``settle`` would wait for ever."""
    with contextlib.suppress(OSError, ValueError):
        traceback.print_exc(file=sys.stderr)
