"""The main window's status bar: the last message, the agent's state, the handlers, the clock.

``statusMessage`` says what was done or refused (in the error colour) and clears itself after
ten seconds; ``agentStateLabel`` repeats the agent's state in words; ``handlerStatus`` counts
plugins, outcomes, failures and plugin problems (plugins that did not load in the error colour,
every error in its tooltip); ``clockLabel`` is the simulation's wall-clock time.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QMainWindow

from simulator.gui.controls import plain_label
from simulator.gui.long_lines import tip
from simulator.gui.plugin_loading import loading_text
from simulator.gui.times import clock_text

if TYPE_CHECKING:
    from simulator.gui.bridge import SimBridge

__all__ = ["StatusLine", "welcome_text"]

_STATUS_CLEAR_MS = 10_000
BUSY_SHOWN_S = 2
"""Events waiting this long with no handler outcome coming are said in the status bar."""


class StatusLine:
    """The labels of ``window``'s status bar and what each says."""

    def __init__(self, window: QMainWindow):
        self.status = plain_label("Starting the simulator…", "statusMessage")
        self.agent_state = plain_label("", "agentStateLabel")
        self.agent_state.setToolTip("Your agent state as the engine has it")
        self.handlers = plain_label("", "handlerStatus")
        self._incidents_seen = 0
        """The host's ``incident_count`` the handler status last showed."""
        self._loading_shown = False
        """The handler status last said that plugins were loading (counted up each second)."""
        self._busy: tuple[int, float] | None = None
        """(outcomes, since): events wait for the handlers and no outcome came since ``since``."""
        self._busy_shown = False
        """The handler status last said that the handlers were busy (counted up each second)."""
        self.clock = plain_label("", "clockLabel")
        bar = window.statusBar()
        bar.setObjectName("statusBar")
        bar.setSizeGripEnabled(False)
        bar.addWidget(self.status, 1)
        bar.addPermanentWidget(self.agent_state)
        bar.addPermanentWidget(self.handlers)
        bar.addPermanentWidget(self.clock)
        self._clear = QTimer(window)
        self._clear.setSingleShot(True)
        self._clear.timeout.connect(lambda: self.say(""))

    def say(self, message: str, *, error: bool = False) -> None:
        """Show ``message`` (``error``: in the error colour) until the next, or ten seconds."""
        self.status.setText(tip(message))
        _set_error(self.status, error)
        if message:
            self._clear.start(_STATUS_CLEAR_MS)

    def show_clock(self, now_ms: int) -> None:
        """The simulation's time of day, to the second."""
        self.clock.setText(clock_text(now_ms)[:8])

    def follow_incidents(self, bridge: SimBridge) -> None:
        """Count the handlers again when the host has had a plugin problem since they were
        last counted (told from a plugin's reader thread: no signal of its own)."""
        host = bridge.host
        if host is None:
            return
        if (
            getattr(host, "incident_count", 0) != self._incidents_seen
            or self._loading_shown
            or bridge.loading is not None
            or self._busy_seconds(bridge) is not None
            or self._busy_shown
        ):
            self.show_handlers(bridge)

    def _busy_seconds(self, bridge: SimBridge) -> int | None:
        """How long events have waited for the handlers with no outcome coming, once that is
        ``BUSY_SHOWN_S`` or more (a handler stuck until its timeout holds back every later
        event, for every plugin: the window looked idle, the other plugins silent)."""
        pending = int(getattr(bridge.host, "pending", 0) or 0)
        outcomes = len(bridge.outcomes)
        if pending <= 0:
            self._busy = None
            return None
        now = time.monotonic()
        if self._busy is None or self._busy[0] != outcomes:
            self._busy = (outcomes, now)
        waited = int(now - self._busy[1])
        return waited if waited >= BUSY_SHOWN_S else None

    def show_handlers(self, bridge: SimBridge | None) -> None:
        """Plugins, outcomes, failures and plugin problems as ``bridge`` has them now."""
        host = bridge.host if bridge is not None else None
        if bridge is None or host is None:
            self.handlers.setText("No handlers")
            return
        loading = loading_text(bridge)
        self._loading_shown = loading is not None
        if loading is not None:
            text, hint, stuck = loading
            self.handlers.setText(text)
            self.handlers.setToolTip(hint)
            _set_error(self.handlers, stuck)
            return
        plugins = list(host.plugins)
        # A plugin that did not load is the integration not running at all (``adsim run``
        # exits 1 for it): said here, in the error colour, for as long as it lasts.
        broken = [plugin for plugin in plugins if not getattr(plugin, "loaded", True)]
        failures = sum(1 for outcome in bridge.outcomes if getattr(outcome, "status", "") != "ok")
        # What a plugin did outside any call (its process died between calls, its close raised
        # on a reload): ``adsim run`` fails for it; here it is said as long as the window lasts.
        self._incidents_seen = getattr(host, "incident_count", 0)
        incidents = list(getattr(host, "incidents", ()))
        text = f"{len(plugins)} plugin(s)"
        if broken:
            text += f" · {len(broken)} not loaded"
        text += f" · {len(bridge.outcomes)} outcome(s)"
        if failures:
            text += f" · {failures} failed"
        if self._incidents_seen:
            text += f" · {self._incidents_seen} plugin problem(s)"
        busy = self._busy_seconds(bridge)
        self._busy_shown = busy is not None
        if busy is not None:
            text += f" · a handler busy {busy} s: events wait"
        self.handlers.setText(text)
        self.handlers.setToolTip(
            "\n".join(
                [
                    *(
                        [
                            f"A handler has been running for {busy} s: every later event waits "
                            "for it, for every plugin, until it returns or its timeout ends it "
                            "(then it is under Handler outcomes)"
                        ]
                        if busy is not None
                        else []
                    ),
                    *(
                        tip(f"{getattr(plugin, 'name', '?')} not loaded: {plugin_error(plugin)}")
                        for plugin in broken
                    ),
                    *map(tip, incidents),
                ]
            )
            or "Plugins loaded, handler outcomes, failures (details: Event inspector → Plugins)"
        )
        _set_error(self.handlers, bool(broken))  # failures and problems are counted, as runs


def welcome_text(bridge: SimBridge | None) -> str:
    """The first message once attached: what to do next."""
    if bridge is not None and bridge.loading is not None:
        return "Loading the handler plugins… (the status bar says which, and for how long)"
    sim = bridge.sim if bridge is not None else None
    if sim is None or not sim.agent.logged_in:
        return "Log in from the agent bar to start."
    if str(sim.agent.phase) == "ready":
        return "You are Ready: contacts come in, or make one arrive from the customer side."
    return "Choose Ready to take contacts, or make one arrive from the customer side."


def _set_error(label: QLabel, error: bool) -> None:
    """Show ``label`` in the error colour or not (its ``error`` property, window.qss)."""
    flipped = bool(label.property("error")) != error
    label.setProperty("error", error)
    if flipped:
        # Re-polished only when the colour changes: ``style()`` is a ``QStyle``, whose
        # enums would cost the start ~7 ms for the first (welcome) message.
        label.style().unpolish(label)
        label.style().polish(label)


def plugin_error(plugin: object) -> str:
    """Why ``plugin`` did not load (its status's ``error``)."""
    return str(getattr(plugin, "error", "") or "")
