"""How a scenario run lets its handlers keep up: after each step every host handles what it was
given and the deferred answers run (``_settle``), a ``wait`` advances the virtual clock one timer
at a time while handlers are there to see each timer's events, and a stop (Ctrl-C, SIGTERM) gives
running handlers their timeout and nothing more. What the runner needs of a host is
``HandlerHostLike``."""

from __future__ import annotations

from typing import Any, Protocol

from simulator import interrupts
from simulator.engine import AgentDesktop
from simulator.scenarios.agents import settle_hosts

__all__ = ["HandlerHostLike", "Settling"]

_MAX_TIMERS_PER_WAIT = 1_000_000


class HandlerHostLike(Protocol):
    """What the runner needs of ``simulator.handlers.HandlerHost``."""

    @property
    def outcomes(self) -> list[Any]: ...

    @property
    def failures(self) -> list[Any]: ...

    def wait_idle(self, timeout: float | None = None) -> bool: ...

    def close(self) -> None: ...


class Settling:
    """The settling methods of ``ScenarioRunner`` (which sets the attributes below)."""

    sim: AgentDesktop
    host: HandlerHostLike | None
    agent_hosts: list[HandlerHostLike]

    def _settle(self) -> None:
        """Let handlers handle everything so far and run their deferred answers
        (``HandlerLoopError`` from a host whose handlers keep acting on their own events;
        ``CommitError`` when the journal refused events, which are then held back)."""
        self._settle_host()
        held = self.sim.bus.held
        if held is not None:  # a commit failed where it could not raise (a handler's call)
            raise held

    def _let_handlers_finish(self) -> None:
        """Ctrl-C or SIGTERM: the handlers still running get their timeout to finish, and
        nothing more is waited for (their answers' continuations do not run), so the stop never
        waits longer than that, whatever the signal cut short."""
        for host in (self.host, *self.agent_hosts):
            if host is not None and not interrupts.stopped_again():  # a second stop: no wait
                host.wait_idle(float(getattr(host, "timeout", 0.0) or 0.0) + 1.0)

    def _settle_host(self) -> None:
        host = self.host
        sim = self.sim
        if self.agent_hosts:
            settle_hosts([h for h in (host, *self.agent_hosts) if h is not None], sim)
            return
        if host is None:
            sim.drain_posted()
            return
        settle = getattr(host, "settle", None)
        if settle is not None:
            settle()
            return
        for _ in range(10_000):
            before = sim.bus.count
            host.wait_idle()
            sim.drain_posted()
            if sim.bus.count == before:
                break

    def _wait(self, ms: int) -> None:
        sim = self.sim
        target = sim.now_ms + ms
        if self.host is not None or self.agent_hosts:
            # One timer at a time, so handlers see each timer's events before the next fires.
            for _ in range(_MAX_TIMERS_PER_WAIT):
                due = sim.next_timer_ms()
                if due is None or due > target:
                    break
                sim.advance_ms(max(0, due - sim.now_ms))
                self._settle()
        sim.advance_ms(target - sim.now_ms)
        self._settle()
