"""Several agents in one window: each agent's desktop behind the agent switcher.

``adsim --agent omar`` adds agents to the contact center (``ContactCenter.add_agent``). Each
agent gets a desktop of its own: a ``MainWindow`` (objectName ``mainWindow``, property ``agent``)
with its own ``SimBridge``, handler host, journal run, interactions, state control, directory
and event inspector, exactly as the one-agent window has them. The ``CenterWindow`` holds them
in a stack (``agentDesks``) under a tab bar (``agentSwitcher``, tab data: the agent's name) that
says, for each agent, its state and how many offers ring on its desktop, so a transfer to a
colleague is seen arriving while another desktop is in front.

The desktops share the center's clock, timers and queue: an action on one (a blind transfer to
a colleague's extension) lands on another, whose bridge reports it at its next poll. Every
change on any desktop refreshes the tabs and every desktop's directory (the colleagues' live
states). With one agent none of this exists: the window is the one ``MainWindow``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QTabBar, QVBoxLayout, QWidget

from simulator.gui.panels.agent_bar import state_text
from simulator.gui.theme.palette import colors

if TYPE_CHECKING:
    from simulator.engine import Simulator
    from simulator.gui.options import WindowOptions
    from simulator.gui.session import Session
    from simulator.gui.settings import WindowSettings
    from simulator.gui.window import MainWindow

__all__ = [
    "CenterWindow",
    "check_agent_names",
    "desk_tab_text",
    "handler_option",
    "open_agent_pages",
    "open_agents",
    "ringing_count",
]

RINGING = "delivery_pending"
"""The interaction state of an offer that rings on a desktop."""
_NAMED = re.compile(r"^([A-Za-z][A-Za-z0-9_.-]*)=(.+)$")


def ringing_count(sim: Any) -> int:
    """How many offers ring on ``sim``'s desktop now."""
    return sum(1 for item in sim.interactions if str(item.state) == RINGING)


def desk_tab_text(sim: Any) -> str:
    """The switcher's tab of one desktop: ``Omar Haddad (1002) · Ready``, and
    `` · 1 ringing`` while offers ring there."""
    profile = sim.profile
    agent = sim.agent
    state = state_text(str(agent.phase), agent.reason)
    text = f"{profile.display_name} ({profile.extension}) · {state}"
    ringing = ringing_count(sim)
    if ringing:
        text += f" · {ringing} ringing"
    return text


def handler_option(spec: str) -> tuple[str | None, str]:
    """``--handler NAME=PATH``: ``(agent, path)`` for one agent's plugin, ``(None, spec)`` for
    every agent's (a spec that is an existing path is a path, ``=`` or not)."""
    found = _NAMED.match(spec)
    if found is None or Path(spec).exists():
        return None, spec
    return found.group(1).lower(), found.group(2)


def _dot(color: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(color))
    painter.drawEllipse(1, 1, 10, 10)
    painter.end()
    return QIcon(pixmap)


_SWITCHER_TOP = 4
"""Pixels above the agent switcher."""


class CenterWindow(QMainWindow):
    """The window of a contact center: one agent's desktop at a time, the agent switcher above."""

    agentSwitched = Signal(str)
    """The desktop in front changed: the agent's name (the switcher's tab data)."""

    def __init__(self, settings: WindowSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("centerWindow")
        self.settings = settings
        self._desks: list[MainWindow] = []
        self._desk_size = QSize()
        """The first desktop's size on its own (``hold``): each keeps it."""
        self.switcher = QTabBar()
        self.switcher.setObjectName("agentSwitcher")
        self.switcher.setExpanding(False)
        self.switcher.setDrawBase(True)
        self.switcher.setToolTip("The agent whose desktop you drive; a dot: an offer rings there")
        self.stack = QStackedWidget()
        self.stack.setObjectName("agentDesks")
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, _SWITCHER_TOP, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.switcher)
        column.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.switcher.currentChanged.connect(self._switched)

    # ------------------------------------------------------------------ desks

    def hold(self, window: MainWindow) -> None:
        """Take ``window`` in before it is attached or shown (``adsim --agent``: the launcher
        shows this window, not the desktop, so the desktop never is a window of its own: a
        QtWebEngine page docked into a former top-level window crashes under X11)."""
        if self.stack.indexOf(window) >= 0:
            return
        if self.stack.count() == 0:
            self.setWindowIcon(window.windowIcon())
            self.resize(window.size())
            self._desk_size = window.size()
        window.setWindowFlags(Qt.WindowType.Widget)  # a page of the stack, not a window
        self.stack.addWidget(window)

    def add_desk(self, window: MainWindow) -> None:
        """Put an attached ``MainWindow`` behind the switcher, with its tab (the first one added
        is in front)."""
        bridge = window.bridge
        assert bridge is not None, "attach the desktop to its bridge first"
        name = bridge.sim.name
        self.hold(window)
        window.setProperty("agent", name)
        self._desks.append(window)
        index = self.switcher.addTab(desk_tab_text(bridge.sim))
        self.switcher.setTabData(index, name)
        if index == 0:
            self._room_for_the_switcher()
        bridge.changed.connect(self.refresh)
        self._title()

    def _room_for_the_switcher(self) -> None:
        """Grow by the switcher's row (now that it has a tab, and so a height), so that each
        desktop keeps the size it has on its own: the row came out of the desktop, and at the
        default 1440x900 its inspector's Copy buttons were cut off at the bottom."""
        row = self.switcher.sizeHint().height() + _SWITCHER_TOP
        size = QSize(self.width(), self._desk_size.height() + row)
        screen = self.screen()
        if screen is not None:
            size = size.boundedTo(screen.availableGeometry().size())
        self.resize(size)

    @property
    def desks(self) -> list[MainWindow]:
        """Every agent's desktop, in the order the agents joined."""
        return list(self._desks)

    def desk(self, name: str) -> MainWindow:
        """The desktop of the agent ``name`` (the switcher's tab data)."""
        for window in self._desks:
            if window.property("agent") == name:
                return window
        raise KeyError(f"no desktop of {name!r}")

    @property
    def current(self) -> MainWindow:
        """The desktop in front."""
        return self._desks[self.switcher.currentIndex()]

    def select(self, name: str) -> None:
        """Bring ``name``'s desktop to the front (what clicking its tab does)."""
        for index in range(self.switcher.count()):
            if self.switcher.tabData(index) == name:
                self.switcher.setCurrentIndex(index)
                return
        raise KeyError(f"no desktop of {name!r}")

    def _switched(self, index: int) -> None:
        if not 0 <= index < len(self._desks):
            return
        window = self._desks[index]
        self.stack.setCurrentWidget(window)
        window.refresh()
        self.refresh()
        self._title()
        self.agentSwitched.emit(str(window.property("agent")))

    def _title(self) -> None:
        if self._desks:
            bridge = self.current.bridge
            who = bridge.sim.profile.display_name if bridge is not None else ""
            # Qt adds " — Agent Desktop Simulator" (the display name `adsim` sets) where the
            # window system shows a title: said here too, the title named the application twice.
            self.setWindowTitle(f"{who} ({len(self._desks)} agents)")

    # ------------------------------------------------------------------ live

    def refresh(self) -> None:
        """Each tab's state and ringing offers; every desktop's directory (live states)."""
        current = self.switcher.currentIndex()
        warn = colors().warn
        for index, window in enumerate(self._desks):
            bridge = window.bridge
            if bridge is None:
                continue
            sim = bridge.sim
            text = desk_tab_text(sim)
            if self.switcher.tabText(index) != text:
                self.switcher.setTabText(index, text)
            ringing = ringing_count(sim)
            notice = bool(ringing) and index != current
            self.switcher.setTabIcon(index, _dot(warn) if notice else QIcon())
            self.switcher.setTabTextColor(index, QColor(warn) if notice else QColor())
            self.switcher.setTabToolTip(
                index,
                f"{sim.profile.display_name}: {ringing} ringing, open this desktop to answer"
                if notice
                else f"{sim.profile.display_name}'s desktop",
            )
            window.directory.refresh()

    def setVisible(self, visible: bool) -> None:
        """Shown: the desktop in front gets its default layout (a desktop taken in before this
        window was shown becomes visible with it, not by a ``show`` of its own)."""
        super().setVisible(visible)
        current = self.stack.currentWidget()
        if visible and current is not None:
            lay_out = getattr(current, "lay_out_once", None)
            if lay_out is not None:
                lay_out()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop every desktop's polling (the sessions close the hosts and journals). The
        one-agent window's saved layout is left as it was."""
        for window in self._desks:
            if window.bridge is not None:
                window.bridge.close()
        super().closeEvent(event)


# ---------------------------------------------------------------------- building


def _agent_of(sim: Any, name: str, flag: str) -> Any:
    from simulator.engine import UnknownAgentError

    try:
        return sim.center.agent(name)
    except UnknownAgentError as exc:
        raise _session_error(f"{flag}: {exc}; add --agent {name}") from None


def _session_error(text: str) -> Exception:
    from simulator.gui.session import SessionError

    return SessionError(text)


def check_agent_names(
    sim: Any, handler_specs: Iterable[str], pages: Iterable[tuple[str, str]]
) -> None:
    """Every ``--handler NAME=PATH`` and ``--page NAME=URL`` names an agent of ``sim``'s center
    and its file exists (``SessionError`` otherwise)."""
    for spec in handler_specs:
        name, path = handler_option(spec)
        if name is not None:
            _agent_of(sim, name, f"--handler {spec}")
        from simulator.gui.session import handler_path_problem

        problem = handler_path_problem(path)
        if problem is not None:
            raise _session_error(problem)
    for name, target in pages:
        _agent_of(sim, name, f"--page {name}={target}")


def open_agents(
    options: WindowOptions,
    settings: WindowSettings,
    window: MainWindow,
    handler_specs: Sequence[str],
    *,
    defer: bool = False,
    login: bool | None = None,
) -> tuple[CenterWindow, list[Session]]:
    """Add ``options.agents`` to the center of ``window``'s simulator, give every other agent
    of the center a desktop (handler host, journal run, bridge, ``MainWindow``) and put them
    all, ``window`` first, behind the agent switcher; log them in when ``login`` (default:
    ``options.login``). ``SessionError`` for an agent the tenant cannot have or a ``NAME=``
    option naming nobody."""
    from simulator.engine import UnknownAgentError
    from simulator.engine.center import team_needed
    from simulator.gui.bridge import SimBridge
    from simulator.gui.session import Session, log_in_once_loaded, make_host
    from simulator.gui.window import MainWindow

    first = window.bridge
    assert first is not None
    center = first.sim.center
    for agent in options.agents:
        what = f"--agent {agent.name}" + (f"@{agent.team}" if agent.team else "")
        try:
            center.add_agent(agent.name, team=agent.team)
        except (UnknownAgentError, ValueError) as exc:
            said = str(exc)
            if isinstance(exc, UnknownAgentError) and exc.teams:  # said as this option gives it
                import shlex

                example = "--agent " + shlex.quote(f"{agent.name.strip()}@{exc.teams[0]}")
                said = str(team_needed(agent.name, exc.teams, example))
            raise _session_error(f"{what}: {said}") from None
    # The agents just added, or a scenario's (its agents: joined when it was loaded).
    desks = [desk for desk in center.desktops if desk is not first.sim]
    check_agent_names(first.sim, handler_specs, options.pages)
    journal_path = options.journal or settings.journal_path or None
    sessions: list[Session] = []
    windows: list[MainWindow] = []
    loads: list[tuple[SimBridge, list[str]]] = []
    try:
        for added in desks:
            # Every desktop has the whole Simulator API (Simulator is the first desktop).
            desk = cast("Simulator", added)
            host, journal = make_host(
                desk, journal_path, options.isolation, meta={"agent": desk.name}
            )
            paths = [
                path
                for name, path in map(handler_option, handler_specs)
                if host is not None and (name is None or center.agent(name) is added)
            ]
            desk_window = MainWindow(settings)
            bridge = SimBridge(desk, host, journal=journal, parent=desk_window)
            desk_window.attach(bridge, defer=defer)
            loads.append((bridge, paths))
            sessions.append(Session(desk, bridge, host, journal))
            windows.append(desk_window)
    except BaseException:
        for session in sessions:
            session.close()
        raise
    held = window.window()
    if isinstance(held, CenterWindow):  # the launcher's: on screen already
        switcher, shown, position = held, False, held.pos()
    else:
        shown = window.isVisible()  # before it becomes a page of the stack
        position = window.pos()
        switcher = CenterWindow(settings)
    switcher.add_desk(window)
    for desk_window in windows:
        switcher.add_desk(desk_window)
        if defer:
            QTimer.singleShot(0, desk_window.complete)
    if shown:
        switcher.move(position)
        switcher.show()
    logging_in = options.login if login is None else login
    for bridge, paths in loads:
        # Off the GUI thread (see ``SimBridge.load_plugins``); the agent logs in once loaded.
        bridge.load_plugins(paths, partial(log_in_once_loaded, bridge) if logging_in else None)
    switcher.refresh()
    return switcher, sessions


def open_agent_pages(
    top: MainWindow | CenterWindow,
    pages: Iterable[tuple[str, str]],
    *,
    allow_origins: Iterable[str] = (),
) -> list[Any]:
    """``--page NAME=URL|DIR``: each page in a "CRM page" dock of that agent's desktop, as the
    ``js:page`` plugin of that desktop's handler host (QtWebEngine; see ``page.web_page``).
    ``top``: the ``CenterWindow``, or the one-agent ``MainWindow``. Returns the page views."""
    from simulator.gui.page.web_page import add_crm_page_dock

    desks = top.desks if isinstance(top, CenterWindow) else [top]
    first = desks[0].bridge
    assert first is not None
    views = []
    origins = list(allow_origins)
    for name, target in pages:
        agent = _agent_of(first.sim, name, f"--page {name}={target}")
        desk_window = next(
            window for window in desks if window.bridge is not None and window.bridge.sim is agent
        )
        desk_window.complete()  # the page's log goes into that desktop's inspector
        assert desk_window.bridge is not None
        views.append(
            add_crm_page_dock(desk_window, desk_window.bridge.host, target, allow_origins=origins)
        )
    return views
