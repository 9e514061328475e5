"""``AgentHarness``: one more agent's desktop in an ``AdsimHarness``'s contact center
(``adsim.agent("omar")``), with the same API as ``adsim`` and the same handlers loaded for it.

Its actions settle every desktop's handlers (a handler on one may act for another); its
``events``, ``records``, ``outcomes`` and ``failures`` are its own desktop's.
"""

from __future__ import annotations

import re
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from simulator.engine import AgentDesktop, Event, EventRecorder
from simulator.engine.seconds import check_seconds
from simulator.handlers import HandlerOutcome
from simulator.journal import Journal
from simulator.testing.refusals import no_such_action, refused

if TYPE_CHECKING:
    from simulator.testing.harness import AdsimHarness

__all__ = ["AgentHarness"]


class AgentHarness:
    """One more agent's desktop in an ``AdsimHarness``'s contact center (``adsim.agent``):
    actions settle every desktop's handlers; ``events`` and ``records`` are this desktop's."""

    def __init__(self, parent: AdsimHarness, desk: AgentDesktop):
        self.parent = parent
        self.sim = desk
        self.recorder = EventRecorder()
        desk.subscribe(self.recorder)
        # Its own journal: each desktop numbers its events from 1.
        self.journal = Journal.open(":memory:", meta={"command": "pytest", "agent": desk.name})
        self.host = parent._host(desk, self.journal)

    def __getattr__(self, name: str) -> Any:
        """Engine actions on this desktop, each followed by ``settle()``; other attributes of
        the desktop."""
        __tracebackhide__ = True  # a misspelt action: the test's line, then the suggestion
        try:
            attribute = getattr(self.sim, name)
        except AttributeError:
            if name.startswith("_"):
                raise
            who = f"adsim.agent({self.sim.name!r})"
            raise AttributeError(no_such_action(self.sim, name, who)) from None
        if name.startswith("_") or not callable(attribute):
            return attribute

        def act(*args: Any, **kwargs: Any) -> Any:
            __tracebackhide__ = True
            who = f"adsim.agent({self.sim.name!r})"
            self.parent._check_open(f"{who}.{name}()")
            if name == "advance" and (args or "seconds" in kwargs):
                check_seconds(
                    args[0] if args else kwargs["seconds"]
                )  # at the test's line, not in the engine
            result = attribute(*args, **kwargs)
            self.parent.settle()
            problem = refused(name, result, self.sim, args, kwargs, who=who)
            if problem is not None:
                raise problem
            return result

        act.__doc__ = attribute.__doc__
        return act

    def settle(self) -> None:
        """Settle every desktop's handlers (see ``AdsimHarness.settle``)."""
        __tracebackhide__ = True
        self.parent.settle()

    def expect_handler_failure(
        self, *, status: str | None = None, match: str | re.Pattern[str] | None = None
    ) -> AbstractContextManager[list[HandlerOutcome]]:
        """``adsim.expect_handler_failure``: a handler call on any desktop fails in the block."""
        return self.parent.expect_handler_failure(status=status, match=match)

    @property
    def events(self) -> list[Event]:
        """Every event of this desktop so far, in order."""
        self.parent.settle()
        return list(self.recorder.events)

    @property
    def records(self) -> list[dict[str, Any]]:
        """This desktop's ``ON_SAVE_ACTIVITY_RECORD`` payloads so far (wire JSON)."""
        self.parent.settle()
        return self.recorder.records()

    @property
    def outcomes(self) -> list[HandlerOutcome]:
        """Every call of this desktop's handlers so far (its failed ones seen, as ``failures``)."""
        self.parent.settle()
        self.parent.ledger.saw(self.host.failures)
        return self.host.outcomes

    @property
    def failures(self) -> list[HandlerOutcome]:
        """This desktop's handler calls that raised, timed out or answered junk (seen, as
        ``adsim.failures``)."""
        self.parent.settle()
        found = self.host.failures
        self.parent.ledger.saw(found)
        return found

    def close(self, timeout: float | None = None) -> None:
        """Stop this desktop's handlers (waiting up to ``timeout`` for those running, default
        the handler timeout plus 1 s) and close its journal."""
        self.host.close(timeout)
        self.journal.close()
