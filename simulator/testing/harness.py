"""``AdsimHarness``: a simulator with the integration's handlers loaded, for a test to drive.

Engine actions are called on the harness as on the simulator (``adsim.offer_call("Sales")``);
after each one the harness waits for the handlers and applies their answers, so a test reads
the events and records the handlers produced without any waiting of its own. Handlers that keep
acting on their own events fail the test there with ``HandlerLoopError`` instead of hanging it.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from simulator.data import Tenant, load_tenant
from simulator.engine import Event, EventRecorder, Settings, Simulator
from simulator.handlers import HandlerHost, HandlerLoopError, HandlerOutcome, PluginStatus
from simulator.journal import Journal

__all__ = ["AdsimHarness", "HandlerLoadError", "resolve_handler"]


class HandlerLoadError(Exception):
    """A handler plugin the test asked for did not load."""


def resolve_handler(spec: str | Path, base: Path | None = None) -> Path:
    """A plugin path from a file or directory path (relative to ``base``) or an importable
    module name (``my_integration.handler``)."""
    text = str(spec)
    path = Path(text)
    if not path.is_absolute() and base is not None:
        path = base / path
    if path.exists():
        return path
    if text.replace(".", "").replace("_", "").isalnum():
        try:
            found = importlib.util.find_spec(text)
        except (ImportError, ValueError):
            found = None
        if found is not None and found.origin:
            return Path(found.origin)
    raise HandlerLoadError(f"{text}: no such file, directory or importable module")


class AdsimHarness:
    """A headless simulator (virtual clock) plus a handler host, closed by ``close()``."""

    def __init__(
        self,
        *,
        tenant: Tenant | str | Path | None = None,
        seed: int = 0,
        settings: Settings | dict[str, Any] | None = None,
        handlers: Iterable[str | Path] = (),
        handler_timeout: float = 5.0,
        integration_key: str = "simulator",
        base: Path | None = None,
        handler_isolation: str = "thread",
    ):
        self.tenant = tenant if isinstance(tenant, Tenant) else load_tenant(tenant)
        if isinstance(settings, dict):
            settings = Settings(**settings)
        self.seed = seed
        self.settings = settings
        self.handler_specs = [resolve_handler(spec, base) for spec in handlers]
        self.handler_timeout = handler_timeout
        self.handler_isolation = handler_isolation
        """``thread`` (default: tests share state with their handler modules) or ``process``."""
        self.integration_key = integration_key
        self.sim = Simulator(self.tenant, seed=seed, settings=settings)
        self.recorder = EventRecorder()
        self.sim.subscribe(self.recorder)
        self.journal = Journal.open(":memory:", meta={"command": "pytest"})
        self.host = self._host(self.sim)

    def _host(self, sim: Simulator) -> HandlerHost:
        host = HandlerHost(
            sim,
            timeout=self.handler_timeout,
            journal=self.journal,
            integration_key=self.integration_key,
            isolation=self.handler_isolation,
        )
        statuses: list[PluginStatus] = []
        for path in self.handler_specs:
            statuses += host.load(path)
        broken = [status for status in statuses if not status.loaded]
        if broken:
            host.close()
            raise HandlerLoadError("\n".join(status.error or status.name for status in broken))
        return host

    # ------------------------------------------------------------------ driving

    def __getattr__(self, name: str) -> Any:
        """Engine actions, each followed by ``settle()``; other attributes of the simulator."""
        attribute = getattr(self.sim, name)
        if name.startswith("_") or not callable(attribute):
            return attribute

        def act(*args: Any, **kwargs: Any) -> Any:
            __tracebackhide__ = True  # pytest: the test's line, then the error
            result = attribute(*args, **kwargs)
            self.settle()
            return result

        act.__doc__ = attribute.__doc__
        return act

    def settle(self) -> None:
        """Wait until every handler has run and every answer and ``ad_api`` call has landed;
        ``HandlerLoopError`` when the handlers kept acting on their own events (they are
        stopped, nothing is left pending)."""
        __tracebackhide__ = True
        try:
            self.host.settle()
        except HandlerLoopError as exc:
            # What the test needs is its own line and the message, not the host's insides.
            raise exc.with_traceback(None) from None

    # ------------------------------------------------------------------ reading

    @property
    def events(self) -> list[Event]:
        """Every event so far, in order."""
        __tracebackhide__ = True
        self.settle()
        return list(self.recorder.events)

    @property
    def records(self) -> list[dict[str, Any]]:
        """Every ``ON_SAVE_ACTIVITY_RECORD`` payload so far (wire JSON)."""
        __tracebackhide__ = True
        self.settle()
        return self.recorder.records()

    @property
    def outcomes(self) -> list[HandlerOutcome]:
        """Every handler call's outcome so far."""
        __tracebackhide__ = True
        self.settle()
        return self.host.outcomes

    @property
    def failures(self) -> list[HandlerOutcome]:
        """Handler calls that raised, timed out or answered junk."""
        __tracebackhide__ = True
        self.settle()
        return self.host.failures

    def run_scenario(self, path: str | Path, *, seed: int | None = None) -> Any:
        """Run a scenario file on a fresh simulator with the same handlers; its result has
        ``events``, ``failures``, ``exit_code`` and ``jsonl()``."""
        from simulator.scenarios import ScenarioRunner, load_scenario

        runner = ScenarioRunner(
            load_scenario(path), seed=seed, host_factory=self._host, close_host=_close
        )
        return runner.run()

    def close(self) -> None:
        """Stop the handlers and close the journal."""
        self.host.close()
        self.journal.close()

    def __enter__(self) -> AdsimHarness:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_close: Callable[[HandlerHost], None] = HandlerHost.close
