"""The window's session: tenant, a simulator on the wall clock, the handler host and journal.

Built after the window is shown (see ``launch``). The window gets a ``SimBridge`` and nothing
else; the session owns the simulator, the host and the journal and closes them at the end.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simulator.gui.bridge import SimBridge

if TYPE_CHECKING:
    from simulator.engine import Simulator
    from simulator.gui.options import WindowOptions
    from simulator.gui.settings import WindowSettings
    from simulator.gui.window import MainWindow

__all__ = [
    "CLOSE_GRACE_S",
    "Session",
    "SessionError",
    "handler_path_problem",
    "log_in_once_loaded",
    "make_host",
    "open_session",
]

CLOSE_GRACE_S = 2.0
"""Seconds the window's handlers get, all desktops together, to finish the events they were
given when it closes (a save after the last Complete): a handler that hangs must not hold a
closed window's process for the whole handler timeout. What they never handled is in the
journal already (events are journaled before handlers see them). Ctrl-C and SIGTERM do not wait
(``adsim run`` does not either); a plugin's process then gets its own close grace."""


class SessionError(Exception):
    """A user error starting the session (bad tenant file, missing handler path)."""


@dataclass
class Session:
    """What the window runs on."""

    sim: Simulator
    bridge: SimBridge
    host: Any | None
    journal: Any | None
    player: Any | None = None
    """The scenario being played, if any."""
    center: Any | None = None
    """With ``--agent``: the ``CenterWindow`` holding every agent's desktop (``center``)."""
    others: list[Session] = field(default_factory=list)
    """With ``--agent``: the other agents' sessions (their desktops, hosts and journals)."""

    def open_work(self) -> list[str]:
        """The interactions still open on every desktop, in a line each: closing the window
        ends them with no activity record (``ON_SAVE_ACTIVITY_RECORD`` never comes), which
        the tester is told rather than left to find in the CRM."""
        lines = []
        for session in (self, *self.others):
            for inter in session.sim.interactions:
                lines.append(
                    f"note: the window closed with {session.sim.name}'s {inter.type.value} "
                    f"with {inter.display_name} still open ({inter.state.value}): no activity "
                    "record was saved for it"
                )
        return lines

    def close(
        self,
        wait: float = CLOSE_GRACE_S,
        say: Callable[[str], Any] | None = None,
        signum: int | None = None,
    ) -> list[str]:
        """Stop polling, stop the handler thread, close the journal (every agent's). The
        handlers get ``wait`` seconds in all (every desktop's at once, not each in turn) to
        finish the events they were given; when some are still to handle, ``say`` is told
        first, so a terminal that waits says why. ``signum``: the signal that stopped the
        window (Ctrl-C, SIGTERM), the journaled end of each run (``interrupted``), as ``adsim
        run`` journals a stop. Returns what the tester must be told: events the journal still
        held back, which nobody got (a window closed under the banner lost them without a
        word)."""
        sessions = (*self.others, self)
        pending = {
            session.sim.name: getattr(session.host, "pending", 0)
            for session in sessions
            if session.host is not None
        }
        owed = sum(pending.values())
        if owed and wait > 0 and say is not None:
            names = ", ".join(name for name, count in pending.items() if count)
            then = (
                "given up: on a thread of adsim's own process it cannot be ended"
                if getattr(self.host, "isolation", "process") == "thread"
                else "stopped, and its plugin's process ended after its close grace"
            )
            say(
                f"waiting up to {wait:g} s for {names}'s handlers to finish the {owed} event(s) "
                f"they were given (one still running then is {then})"
            )
        wait = wait if owed else 0
        deadline = time.monotonic() + wait
        lost = [
            session._close_host(max(0.0, deadline - time.monotonic()), wait) for session in sessions
        ]
        self._threads_left()  # once every host is closed: no handler of theirs runs any more
        return [
            line
            for session, (lines, held) in zip(sessions, lost, strict=True)
            for line in session._close_journal(lines, held, signum)
        ]

    def _threads_left(self) -> None:
        """With thread isolation, what the plugins left running in this process once every
        desktop's host is closed, as ``adsim run`` says it: their threads and processes get
        the close grace, then those still running are incidents (exit 1), the processes
        killed: a thread in the summary of the agent whose plugin's code it runs, one that
        cannot be told (and a process) in the first agent's, as a plugin of one agent or
        another (``simulator.handlers.leftover_owners``)."""
        hosts = [s.host for s in (self, *self.others) if s.host is not None]
        if not hosts or getattr(hosts[0], "isolation", "process") != "thread":
            return
        try:
            from simulator.handlers.cli_options import threads_left
        except ImportError:  # a build without the handler package has no host either
            return
        for other in hosts[1:]:  # every desktop's daemons made on purpose; their streams back
            hosts[0].threads_loaded |= other.threads_loaded
            if other.streams is not None:
                other.streams.mend("a plugin's code (a thread of its own)")
                other.streams.release()
        # The first host's snapshot is from before any plugin; each thread is said in the
        # summary of the agent whose plugin left it, where that can be told.
        threads_left(hosts[0], hosts[1:])

    def _close_host(self, wait: float, close_wait: float) -> tuple[list[str], bool]:
        """Close this desktop's bridge and host (its handlers get ``wait`` s, what is left of
        the close's ``close_wait``); what to say, and whether events were still held back
        (never journaled)."""
        lost: list[str] = []
        now = time.monotonic()
        for job in self.bridge.loading_all:
            ran = f", still running after {now - job.started:.0f} s" if job.started else ""
            lost.append(
                f"the window closed while {self.sim.name}'s plugins {job.what} were loading"
                f"{ran}: they never got an event (a plugin whose import or register() does not "
                "return: see --handler-isolation)"
            )
        bus = self.sim.bus
        if bus.held is not None:
            # A last try (the bridge still takes a failure): delivered now if it goes through.
            bus.flush()
        self.bridge.close()
        held = bus.held is not None
        if held:
            lost.append(
                f"the window closed with {bus.held_count} event(s) of {self.sim.name} never "
                f"journaled nor delivered to the handlers: the journal cannot be written: "
                f"{bus.held}"
            )
        if self.host is not None:
            self.host.close(timeout=wait, close_wait=close_wait)
        return lost, held

    def _close_journal(self, lost: list[str], held: bool, signum: int | None) -> list[str]:
        """``lost``, then this desktop's handler summary; close its journal (``_close_host``
        first; ``held``: its events held back, said already; ``signum``: the stop's signal)."""
        if self.host is not None:
            lost += self._handler_summary()
        end_run = getattr(self.journal, "end_run", None)
        if signum is not None and end_run is not None:  # else ``close`` ends it: finished
            end_run(interrupted=True, signum=signum)
        close = getattr(self.journal, "close", None)
        if close is not None:
            close()
        failure = getattr(self.journal, "failure", None)
        if failure is not None and not held:  # held: the line above says the journal failed
            # A row that could not be written (an outcome; the end of a run whose journal was
            # switched off, still unwritable at the close): what ``adsim run`` says, exit 1.
            lost.append(f"journal {failure}; the journal of {self.sim.name}'s run is incomplete")
        return lost

    def _handler_summary(self) -> list[str]:
        """What failed in this desktop's handlers (``adsim run``'s summary, its first line
        naming the agent when the window has several): a handler still running at the close
        is stopped, a failure (``timeout``) as in ``adsim run``, exit 1."""
        try:
            from simulator.handlers.run_summary import summary
        except ImportError:  # a build without the handler package has no host either
            return []
        if self.host is None:
            return []
        lines = summary(self.host)
        if lines and len(self.sim.center.desktops) > 1:
            lines[0] = f"{self.sim.name}'s {lines[0]}"
        return lines


def handler_path_problem(path: str) -> str | None:
    """Why ``--handler PATH`` cannot load anything (no such path; a folder without plugins,
    which would run with no handler at all, as ``adsim run`` refuses), or None."""
    target = Path(path)
    if not target.exists():
        return f"{path}: no such handler file or directory; check --handler"
    if target.is_dir():
        from simulator.handlers.plugins import NO_PLUGINS, plugin_files

        if not plugin_files(target):
            return f"{path}: {NO_PLUGINS}; check --handler"
    return None


def make_host(
    sim: Simulator,
    journal_path: str | None,
    isolation: str = "process",
    *,
    meta: dict[str, Any] | None = None,
) -> tuple[Any | None, Any | None]:
    """A ``HandlerHost`` for ``sim`` and its journal, or (None, None) when the handler package
    is not available in this build; ``SessionError`` when the journal cannot be opened for
    writing (the window's one-line start error, exit 2). ``meta``: kept with the journal's run
    (with several agents, ``{"agent": NAME}``: each desktop is a run of its own)."""
    try:
        handlers = importlib.import_module("simulator.handlers")
        journals = importlib.import_module("simulator.journal")
        host_class = handlers.HandlerHost
    except (ImportError, AttributeError):
        return None, None
    try:
        # What ``adsim journal runs`` and the exports tell a window's run by, as a command's.
        kept = {"command": "window", "seed": sim.seed, **(meta or {})}
        journal = journals.Journal.open(journal_path or None, meta=kept)
    except journals.JournalError as exc:  # locked, unwritable, not a journal: as `adsim run`
        raise SessionError(str(exc)) from None
    # By default each plugin in its own supervised process: a crashing or hanging plugin
    # cannot take the window down (simulator.handlers.supervisor).
    host = host_class(
        sim, timeout=20.0, journal=journal, integration_key="simulator", isolation=isolation
    )
    return host, journal


def open_session(
    options: WindowOptions, settings: WindowSettings, window: MainWindow, *, defer: bool = False
) -> Session:
    """Build the session from options (over saved settings) and attach the window to it
    (``defer``: see ``MainWindow.attach``)."""
    from simulator.data import InputFileError, load_tenant
    from simulator.engine import Simulator, WallClock
    from simulator.engine.settings import settings_for

    tenant_file = options.tenant or (Path(settings.tenant_file) if settings.tenant_file else None)
    try:
        tenant = load_tenant(tenant_file)
    except InputFileError as exc:
        raise SessionError(str(exc)) from None
    seed = options.seed if options.seed is not None else settings.seed or 0
    handler_specs = options.handlers or settings.handler_paths
    several = bool(options.agents or options.pages) or any("=" in spec for spec in handler_specs)
    paths = handler_specs
    if several:  # NAME=PATH: the path part (the names are checked once the agents are there)
        from simulator.gui.center import handler_option

        paths = [path for _name, path in map(handler_option, handler_specs)]
    for spec in paths:
        problem = handler_path_problem(spec)
        if problem is not None:
            raise SessionError(problem)
    runner = None
    if options.scenario is not None and options.agents:
        raise SessionError("--agent: a scenario's agents come from its agents: list; drop --agent")
    if options.scenario is not None:
        from simulator.gui.automation.playback import open_scenario
        from simulator.scenarios import ScenarioFileError

        try:
            runner = open_scenario(options.scenario, options.seed)
        except ScenarioFileError as exc:
            raise SessionError(str(exc)) from None
        sim = runner.sim  # the scenario's tenant, seed, settings and virtual clock
    else:
        version = options.api_version or settings.api_version or "5.19"
        sim = Simulator(tenant, seed=seed, clock=WallClock(), settings=settings_for(version))
    own = handler_specs
    if several:  # --agent, NAME=: names checked once the agents are there (gui.center)
        from simulator.gui.center import check_agent_names, handler_option

        if not options.agents:
            check_agent_names(sim, handler_specs, options.pages)
        mine = (sim.name, sim.profile.login_id.lower(), sim.profile.extension)
        for name, target in options.pages:
            if options.page is not None and name in mine:
                raise SessionError(f"--page {name}={target}: two pages for {sim.name!r}")
        own = [
            path
            for name, path in map(handler_option, handler_specs)
            if name is None or name in mine
        ]
    several_agents = bool(options.agents) or len(sim.center.desktops) > 1
    host, journal = make_host(
        sim,
        options.journal or settings.journal_path or None,
        options.isolation,
        meta={"agent": sim.name} if several_agents else None,
    )
    if handler_specs and host is None:
        raise SessionError(
            "handlers need the simulator.handlers package, which this build does not have"
        )
    bridge = SimBridge(sim, host, journal=journal, parent=window)
    window.attach(bridge, defer=defer and runner is None)
    center: Any | None = None
    others: list[Session] = []
    several_desks = runner is not None and len(sim.center.desktops) > 1  # a scenario's agents:
    if (options.agents and runner is None) or several_desks:
        from simulator.gui.center import open_agents

        try:
            center, others = open_agents(
                options,
                settings,
                window,
                handler_specs,
                defer=defer and runner is None,
                login=options.login and runner is None,  # a scenario sets its start states
            )
        except SessionError:
            bridge.close()
            if host is not None:
                host.close(timeout=CLOSE_GRACE_S)
            if journal is not None:
                journal.close()
            raise
    if center is None and window.window() is not window:  # held, yet one agent after all
        from simulator.gui.center import CenterWindow

        holder = window.window()
        if isinstance(holder, CenterWindow):
            holder.add_desk(window)
            center = holder
    player = None
    begin: Any = None
    if runner is not None:
        from simulator.gui.automation.playback import ScenarioPlayer

        runner.host = host
        runner.agent_hosts = [other.host for other in others if other.host is not None]
        player = ScenarioPlayer(runner, bridge, window)
        begin = _after_loading(player.start, bridge, others)
    elif options.login:
        begin = partial(log_in_once_loaded, bridge)
    # Off the GUI thread: a plugin whose import hangs must not freeze the window (for ever
    # with thread isolation). The agent logs in, or the scenario plays, once they are loaded.
    bridge.load_plugins(list(own) if host is not None else [], begin)
    if bridge.loading is not None:
        window.show_message(
            "Loading the handler plugins: "
            + ("the scenario plays" if runner is not None else "you are logged in")
            + " once they are loaded (the status bar says which, and for how long)"
            if begin is not None
            else "Loading the handler plugins (the status bar says which, and for how long)"
        )
    return Session(sim, bridge, host, journal, player, center, others)


def log_in_once_loaded(bridge: SimBridge) -> None:
    """The start's login, once the plugins are loaded; not when the tester logged in by hand
    meanwhile (a second login was refused in red, as if the tester had done something wrong)."""
    if not bridge.sim.agent.logged_in:
        bridge.act("login")


def _after_loading(
    start: Callable[[], Any], mine: SimBridge, others: list[Session]
) -> Callable[[], Any]:
    """``start`` once the other agents' plugins are loaded too (a scenario with ``agents:``
    plays when every desktop's integration is there), once."""
    started = [False]

    def go() -> None:
        bridges = [mine, *(other.bridge for other in others)]
        if started[0] or any(bridge.loading is not None for bridge in bridges):
            return
        started[0] = True
        start()

    for other in others:  # the last load to end starts it
        other.bridge.pluginsChanged.connect(go)
    return go
