"""Playing a scenario file visibly in the window (``adsim --scenario FILE``).

The scenarios workstream's ``ScenarioRunner`` owns the simulator (its tenant, seed, settings and
virtual clock); the window is attached to ``runner.sim`` and a timer plays one step per tick so a
tester watches the flow. The GUI thread never blocks on handlers: before each step the player
waits (on the timer, not in a loop) until the handler host is idle and its deferred answers are
applied, which is what the headless runner's ``settle`` does by blocking.

The runner's step-by-step API (``new_result``, ``start``, ``run_step``) is what ``run`` itself
uses, so a visible run and a headless one perform the same steps.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

if TYPE_CHECKING:
    from simulator.gui.bridge import SimBridge
    from simulator.gui.window import MainWindow

__all__ = ["ScenarioPlayer"]

STEP_MS = 600
"""Pause between steps, so a person can follow."""


class ScenarioPlayer(QObject):
    """Plays a ``ScenarioRunner``'s steps on a timer; emits ``finished(summary)``."""

    finished = Signal(str)
    stepped = Signal(int)
    """The index of the step just played."""

    def __init__(
        self,
        runner: Any,
        bridge: SimBridge,
        window: MainWindow,
        *,
        step_ms: int = STEP_MS,
        parent: QObject | None = None,
    ):
        super().__init__(parent or window)
        self.setObjectName("scenarioPlayer")
        self.runner = runner
        self.bridge = bridge
        self.window = window
        self.host = runner.host
        self.agent_hosts = list(getattr(runner, "agent_hosts", []))
        """The other agents' handler hosts (a scenario with ``agents:``): settled on the timer
        too, never by the runner's blocking ``settle``."""
        self.index = 0
        self.summary = ""
        self._result: Any = None
        self._timer = QTimer(self)
        self._timer.setInterval(step_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        """Begin playing (the agent's start state first)."""
        runner = self.runner
        self._result = runner.new_result()
        runner.host = None  # the player settles on the timer, never blocking the GUI thread
        runner.agent_hosts = []
        runner.start(self._result)
        self.bridge.names = runner.names  # interaction rows answer to their `as` names
        self.bridge.poll()
        self.window.show_message(f"Playing scenario {runner.file.name}…")
        self._timer.start()

    def _idle(self) -> bool:
        """Handlers done and their answers applied (the runner's ``settle``, without blocking)."""
        desks = self.bridge.sim.center.desktops
        before = sum(desk.bus.count for desk in desks)
        self.bridge.poll()  # runs posted work: deferred answers, handlers' ad_api calls
        for host in (self.host, *self.agent_hosts):
            if host is not None and host.pending:
                return False
        return sum(desk.bus.count for desk in desks) == before

    def _tick(self) -> None:
        runner = self.runner
        result = self._result
        if not self._idle():
            return
        steps = runner.file.scenario.steps
        if result.error is not None or self.index >= len(steps):
            self._timer.stop()
            self._finish(result)
            return
        step = steps[self.index]
        is_expect = getattr(step, "key", "") == "expect"
        if is_expect:
            runner.host = self.host  # expectations may look at handler outcomes
            runner.agent_hosts = self.agent_hosts
        try:
            played = runner.run_step(self.index, step, result)
        finally:
            runner.host = None
            runner.agent_hosts = []
        if played:
            result.steps_run += 1
        self.bridge.poll()
        self.stepped.emit(self.index)
        self.index += 1

    def _finish(self, result: Any) -> None:
        name = Path(str(getattr(result, "path", "") or self.runner.file.name)).name
        failures = list(getattr(result, "failures", []))
        error = getattr(result, "error", None)
        if error is not None:
            summary = f"Scenario {name} stopped: {error}"
        elif failures:
            summary = f"Scenario {name}: {len(failures)} expectation(s) failed: {failures[0]}"
        else:
            summary = f"Scenario {name} played: {getattr(result, 'steps_run', 0)} steps, passed"
        self.summary = summary
        self.window.show_message(summary, error=bool(error or failures))
        self.finished.emit(summary)


def open_scenario(path: Path, seed: int | None = None) -> Any:
    """A ``ScenarioRunner`` for ``path`` (``ScenarioFileError`` names the file and line)."""
    from simulator.scenarios import ScenarioRunner, load_scenario

    return ScenarioRunner(load_scenario(path), seed=seed)
