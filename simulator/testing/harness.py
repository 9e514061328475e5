"""``AdsimHarness``: a simulator with the integration's handlers loaded, for a test to drive.

Engine actions are called on the harness as on the simulator (``adsim.offer_call("Sales")``);
after each one the harness waits for the handlers and applies their answers, so a test reads
the events and records the handlers produced without any waiting of its own. An action the
engine refuses raises ``ActionRefusedError`` at the test's line (``simulator.testing.refusals``).
Handlers that keep acting on their own events fail the test there with ``HandlerLoopError``
instead of hanging it. Another agent's desktop (``adsim.agent("omar")``) is an
``AgentHarness`` (``simulator.testing.agent_harness``).
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import replace
from os import PathLike
from pathlib import Path
from typing import Any

from simulator.data import InputFileError, Tenant, load_tenant
from simulator.engine import AgentDesktop, Event, EventRecorder, Settings, Simulator
from simulator.engine.center import UnknownAgentError, team_needed
from simulator.engine.seconds import check_seconds
from simulator.handlers import (
    HandlerHost,
    HandlerLoopError,
    HandlerOutcome,
    PluginStatus,
    leftover_threads,
)
from simulator.handlers.supervisor import CLOSE_GRACE
from simulator.journal import Journal
from simulator.testing import slow_loads
from simulator.testing.agent_harness import AgentHarness
from simulator.testing.handler_failures import FailureLedger, RunFailures
from simulator.testing.imports import (
    HandlerLoadError,
    check_loadable_alone,
    close_hook,
    import_handler,
    resolve_handlers,
)
from simulator.testing.refusals import no_such_action, refused

__all__ = [
    "AdsimHarness",
    "AgentHarness",
    "HandlerLoadError",
    "LeftoverThreadError",
    "PluginCloseError",
    "resolve_handler",
]


class LeftoverThreadError(RuntimeError):
    """A handler plugin left a thread that is not a daemon running after the test (see
    ``AdsimHarness.close``)."""


class PluginCloseError(RuntimeError):
    """A handler plugin's end went wrong after the test: its ``close()`` raised or never
    returned, or its process left threads running (see ``AdsimHarness.close``)."""


def resolve_handler(spec: str | Path, base: Path | None = None) -> Path:
    """A plugin path from a file or directory path (relative to ``base``) or an importable
    module name (``my_integration.handler``). The harness itself imports handlers as modules
    (``simulator.testing.imports``); this is for callers that want the file."""
    text = str(spec)
    if not text:  # the working directory to pathlib
        raise HandlerLoadError("an empty handler name: give a module, a .py file or a folder")
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
        api_version: str | None = None,
    ):
        self._threads_before = leftover_threads.snapshot()  # before any plugin runs
        if not isinstance(tenant, (Tenant, str, PathLike, type(None))):
            # open(5) is file descriptor 5 (under pytest its capture file, closed after reading)
            raise TypeError(f"tenant={tenant!r}: give a tenant file's path or a Tenant")
        self.tenant = tenant if isinstance(tenant, Tenant) else load_tenant(tenant)
        if isinstance(settings, dict):
            settings = Settings(**settings)
        self.api_version = api_version
        """The adApi version asked for (also over the scenarios' ``api_version:``)."""
        if api_version is not None:
            settings = (settings or Settings()).model_copy(update={"api_version": api_version})
        self.seed = seed
        self.settings = settings
        if isinstance(handlers, (str, Path)):  # one handler, not its letters
            handlers = [handlers]
        # The same module asked for twice (the ini file's and --adsim-handler) is loaded once:
        # the handler host would give it every event twice (or refuse the second, a crash).
        self.handler_modules = list(
            dict.fromkeys(handler for spec in handlers for handler in resolve_handlers(spec, base))
        )
        """What each handler spec resolved to: an imported module's name, or a loose file."""
        # Imported once, here: the test, the handler and every scenario run share the module.
        # With process isolation nothing is imported here: each plugin's own process loads it
        # (a handler that crashes must take down its process, never the test run).
        with slow_loads.watched("AdsimHarness(): importing its handler modules"):
            self._modules = {
                handler.name: import_handler(handler.name)
                for handler in self.handler_modules
                if handler.name is not None and handler_isolation != "process"
            }
        if handler_isolation == "process":
            for handler in self.handler_modules:
                if handler.name is not None:
                    check_loadable_alone(handler.name, _module_file(handler.name))
        self.handler_timeout = handler_timeout
        self.handler_isolation = handler_isolation
        """``thread`` (default: tests share state with their handler modules) or ``process``."""
        self.integration_key = integration_key
        self.sim = Simulator(self.tenant, seed=seed, settings=settings)
        self.recorder = EventRecorder()
        self.sim.subscribe(self.recorder)
        self.journal = Journal.open(":memory:", meta={"command": "pytest"})
        self.host = self._host(self.sim)
        self._agents: dict[str, AgentHarness] = {}
        self.ledger = FailureLedger()
        self._runs: list[tuple[str, RunFailures]] = []
        """The handler failures the test has seen (read ``failures``, expected them): the
        pytest plugin fails a test over the others (``simulator.testing.handler_failures``)."""
        self.closed = False
        """``close()`` ran (the test ended): its handlers no longer run, so actions raise."""

    def _host(self, sim: AgentDesktop, journal: Journal | None = None) -> HandlerHost:
        host = slow_loads.TellingHost(
            sim,
            timeout=self.handler_timeout,
            journal=self.journal if journal is None else journal,
            integration_key=self.integration_key,
            isolation=self.handler_isolation,
        )
        host.under_test = True  # a call after its close is a kept ad_api's: said so
        try:
            statuses = self._load(host)
        except BaseException as exc:
            host.close()  # left open, its signal catcher stayed set (thread isolation)
            if isinstance(exc, InputFileError):  # its one line, not the host's frames
                raise HandlerLoadError(str(exc)) from None
            raise
        broken = [status for status in statuses if not status.loaded]
        if broken:
            host.close()
            raise HandlerLoadError("\n".join(status.error or status.name for status in broken))
        return host

    def _load(self, host: HandlerHost) -> list[PluginStatus]:
        """Load the handlers into ``host``: each plugin's load status."""
        statuses: list[PluginStatus] = []
        for handler in self.handler_modules:
            if handler.name is None:
                assert handler.path is not None
                statuses += host.load(handler.path)
                continue
            if self.handler_isolation == "process":
                statuses += host.load(_module_file(handler.name))
                continue
            module = self._modules[handler.name]
            statuses.append(
                host.add_plugin(
                    handler.name.rsplit(".", 1)[-1],
                    module.register,
                    source=module.__file__ or handler.name,
                    close=close_hook(module),
                    file=module.__file__,
                )
            )
        return statuses

    # ------------------------------------------------------------------ driving

    def __getattr__(self, name: str) -> Any:
        """Engine actions, each followed by ``settle()`` (``ActionRefusedError`` when the engine
        refuses one); other attributes of the simulator."""
        __tracebackhide__ = True  # a misspelt action: the test's line, then the suggestion
        try:
            attribute = getattr(self.sim, name)
        except AttributeError:
            if name.startswith("_"):
                raise
            raise AttributeError(no_such_action(self.sim, name, "adsim")) from None
        if name.startswith("_") or not callable(attribute):
            return attribute

        def act(*args: Any, **kwargs: Any) -> Any:
            __tracebackhide__ = True  # pytest: the test's line, then the error
            self._check_open(f"adsim.{name}()")
            if name == "advance" and (args or "seconds" in kwargs):
                check_seconds(
                    args[0] if args else kwargs["seconds"]
                )  # at the test's line, not in the engine
            result = attribute(*args, **kwargs)
            self.settle()
            problem = refused(name, result, self.sim, args, kwargs)
            if problem is not None:
                raise problem
            return result

        act.__doc__ = attribute.__doc__
        return act

    def _check_open(self, action: str) -> None:
        """Refuse an action once closed: the engine would run it and no handler would see it,
        so a test holding an earlier test's ``adsim`` passed with its handler never called."""
        __tracebackhide__ = True
        if self.closed:
            raise RuntimeError(
                f"{action}: this adsim was closed (its test ended, or close() was called): its "
                "handlers no longer run; use the adsim fixture of the test that runs"
            )

    def agent(self, name: str, *, team: str | None = None) -> AgentHarness:
        """Another simulated agent's desktop, with the same API as ``adsim``: a team member of
        the tenant (``"omar"``, a login id or an extension) or a new agent of ``team``. It
        joins the same contact center (logged out) with the same handlers loaded for it
        (``ad_api.agent`` tells a handler whose desktop called it)."""
        __tracebackhide__ = True
        try:
            desk = self.sim.center.agent(name)
        except ValueError:
            desk = None
        if desk is None:  # outside the except: a refusal is one error, not a chain of two
            try:
                desk = self.sim.center.add_agent(name, team=team)
            except UnknownAgentError as exc:  # a team needed: said as this method takes it
                if not exc.teams:
                    raise exc.with_traceback(None) from None
                example = f"adsim.agent({name.strip()!r}, team={exc.teams[0]!r})"
                raise team_needed(name, exc.teams, example) from None
            except ValueError as exc:  # a team that is not, a name that cannot be: its line
                raise exc.with_traceback(None) from None
        found = self._agents.get(desk.name)
        if found is None:  # its handlers' register() runs now: one stuck is said
            with slow_loads.watched(f"adsim.agent({name!r}): loading its handlers"):
                found = self._agents[desk.name] = AgentHarness(self, desk)
        return found

    def settle(self) -> None:
        """Wait until every handler has run and every answer and ``ad_api`` call has landed;
        ``HandlerLoopError`` when the handlers kept acting on their own events (they are
        stopped, nothing is left pending)."""
        __tracebackhide__ = True
        try:
            if not self._agents:
                self.host.settle()
                return
            # Several desktops: a handler on one may act for another; settle until all rest.
            hosts = [self.host, *(agent.host for agent in self._agents.values())]
            desks = self.sim.center.desktops
            for _ in range(1000):
                before = sum(desk.bus.count for desk in desks)
                for host in hosts:
                    host.settle()
                if sum(desk.bus.count for desk in desks) == before:
                    break
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
        """Every ``ON_SAVE_ACTIVITY_RECORD`` payload so far as wire JSON dicts (camelCase keys,
        optional keys omitted): what the webhook posts, the journal stores and a JS handler
        gets. ``record_models`` has the same records as Python handlers get them."""
        __tracebackhide__ = True
        self.settle()
        return self.recorder.records()

    @property
    def record_models(self) -> list[Any]:
        """Every ``ON_SAVE_ACTIVITY_RECORD`` payload so far as the contract model
        (``InteractionData``: ``.disposition``, ``.duration`` ...), the object a Python handler's
        ``ON_SAVE_ACTIVITY_RECORD`` function receives; ``records`` has them as wire JSON."""
        __tracebackhide__ = True
        self.settle()
        return [
            event.args[0]
            for event in self.recorder.events
            if event.name.value == "ON_SAVE_ACTIVITY_RECORD"
        ]

    @property
    def outcomes(self) -> list[HandlerOutcome]:
        """Every handler call's outcome so far (the failed ones among them are seen, as with
        ``failures``: a test that checks statuses here checked them)."""
        __tracebackhide__ = True
        self.settle()
        self.ledger.saw(self.host.failures)
        return self.host.outcomes

    @property
    def failures(self) -> list[HandlerOutcome]:
        """Handler calls that raised, timed out or answered junk (of the first desktop; the
        test has seen them: the pytest plugin fails it over those it has not)."""
        __tracebackhide__ = True
        self.settle()
        found = self.host.failures
        self.ledger.saw(found)
        return found

    def expect_handler_failure(
        self, *, status: str | None = None, match: str | re.Pattern[str] | None = None
    ) -> AbstractContextManager[list[HandlerOutcome]]:
        """``with adsim.expect_handler_failure(): ...``: a handler call on any desktop fails
        in the block (of ``status``: error, timeout, junk, crashed; with an error ``match``
        finds, ``re.search``), else ``AssertionError``; yields those failures' list, filled
        at the block's end. They count as seen: the pytest plugin does not fail the test
        over them."""
        __tracebackhide__ = True  # a wrong status= or match=: the test's line, then the error

        def desks() -> list[tuple[str, HandlerHost | RunFailures]]:
            self.settle()
            return self.desks()

        return self.ledger.expect(desks, status=status, match=match)

    def desks(self) -> list[tuple[str, HandlerHost | RunFailures]]:
        """Each desktop's handler host, with how a report names the desktop (``""`` for the
        first, ``"adsim.agent('omar'): "``), then each scenario run's failed calls."""
        return [
            ("", self.host),
            *((f"adsim.agent({name!r}): ", agent.host) for name, agent in self._agents.items()),
            *self._runs,
        ]

    @property
    def incidents(self) -> list[str]:
        """Plugin failures outside any handler call, one line each (every agent's): a plugin's
        process that died between calls, a ``close()`` that raised or never returned, threads
        its process left running. Those of the end fail the test at its teardown
        (``PluginCloseError``): the test cannot check them itself."""
        __tracebackhide__ = True
        self.settle()
        self.ledger.saw_incidents(self._hosts())
        return [line for host in self._hosts() for line in host.incidents]

    def unjudged_runs(self) -> list[Any]:
        """The results of the scenario runs that failed (an expectation not met, a step
        refused) whose verdict the test never read (``RunFailures.unjudged``)."""
        return [run.unjudged for _, run in self._runs if run.unjudged is not None]

    def _hosts(self) -> list[HandlerHost]:
        return [self.host, *(agent.host for agent in self._agents.values())]

    def run_scenario(self, path: str | Path, *, seed: int | None = None) -> Any:
        """Run a scenario file on a fresh simulator with the same handlers; its result has
        ``events``, ``failures``, ``exit_code`` and ``jsonl()``."""
        from simulator.scenarios import ScenarioRunner, load_scenario

        source = load_scenario(path)
        if self.api_version is not None:
            source = replace(source, scenario=source.scenario.for_api_version(self.api_version))
        name = Path(path).name
        journals: list[Journal] = []
        hosts: list[HandlerHost] = []

        def host(sim: AgentDesktop) -> HandlerHost:
            # A journal of each desktop's own, as each numbers its events from 1: the test's
            # (or an earlier run's) refused them, and a second run in a test failed.
            journals.append(Journal.open(":memory:", meta={"command": "pytest", "run": name}))
            with slow_loads.watched(f"adsim_scenario({name}): loading its handlers"):
                hosts.append(self._host(sim, journals[-1]))  # the load, not the long steps
            return hosts[-1]

        incidents: list[str] = []

        def close(made: Any) -> None:  # one of ``hosts``
            # What went wrong outside the calls (its close() raised, its process died) is the
            # run's, as adsim run's summary says it: the closed host was dropped with it.
            made.close()
            incidents.extend(made.incidents)

        try:
            runner = ScenarioRunner(source, seed=seed, host_factory=host, close_host=close)
            result = runner.run()
        except KeyboardInterrupt:
            # Ctrl-C again, while the run gave its handlers their timeout: that wait and the
            # closing of its hosts after it were cut. They end here, waiting for nothing, as
            # the adsim teardown's do (their plugins' close() runs, their processes end).
            for made in hosts:
                made.close(0.0)
            raise
        finally:
            for journal in journals:
                journal.close()
        result.incidents = incidents
        self._runs.append((f"scenario {name}: ", RunFailures(result)))
        return result

    def close(self, *, wait: bool = True) -> None:
        """Stop the handlers (every agent's) and close the journal. With thread isolation,
        ``LeftoverThreadError`` when a thread started meanwhile (by a plugin's ``register()``,
        a handler) that is not a daemon still runs 0.5 s later: the test process could never
        exit (its plugin's own process would have been ended). ``PluginCloseError`` when a
        plugin's end went wrong (``incidents`` of the close: its ``close()`` raised or never
        returned, its process left threads running).

        ``wait=False`` (the session was interrupted: Ctrl-C) waits neither for the handlers
        still running (a stuck one was waited for up to its timeout) nor for the plugin's
        threads: those that are not daemons are left to the session's end, which exits
        whatever they do (``leftover_threads.exit_if_held``)."""
        timeout = None if wait else 0.0
        self.closed = True
        hosts = self._hosts()
        before = [len(host.incidents) for host in hosts]
        for agent in self._agents.values():
            agent.close(timeout)
        self.host.close(timeout)
        self.journal.close()
        ended = [line for host, n in zip(hosts, before, strict=True) for line in host.incidents[n:]]
        left = []
        if self.handler_isolation == "thread":
            left = leftover_threads.held(self._threads_before, CLOSE_GRACE if wait else 0.0)
        if not wait:
            return
        threads = (
            f"thread(s) {', '.join(left)} started during this test (by a handler plugin's "
            f"register() or a handler) still running {CLOSE_GRACE:g} s after it, and not "
            "daemons: the test process could never exit. End them in the plugin's close() "
            "(adsim calls it after each test), or start them with daemon=True"
        )
        if ended:
            for host, n in zip(hosts, before, strict=True):
                self.ledger.said_from(host, n)  # said here: not again as unchecked incidents
            raise PluginCloseError(
                "adsim: a handler plugin's end went wrong after this test:\n"
                + "\n".join(f"  {line}" for line in [*ended, *([threads] if left else [])])
            )
        if left:
            raise LeftoverThreadError(f"adsim: {threads}")

    def __enter__(self) -> AdsimHarness:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _module_file(name: str) -> Path:
    """The file of the handler module ``name``, for a plugin process to load."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError) as exc:
        raise HandlerLoadError(f"{name}: {exc}") from None
    if spec is None or spec.origin is None:
        raise HandlerLoadError(f"{name}: no such module (is its folder on pythonpath?)")
    return Path(spec.origin)
