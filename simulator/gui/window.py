"""The main window: agent bar, interactions and dial pad, context panel, directory, customer
side, and the event inspector in a dock.

The window is built empty (so it can be shown before the engine is even imported) and then
``attach``-ed to a ``SimBridge``. It holds no domain state: every refresh reads the simulator.
Action buttons are enabled from ``sim.allowed()`` through the automation table, in one place.

Here: the layout, the docks, attaching, refreshing and what the menus' actions do. Beside it:
``menus`` (the menu bar and the keyboard shortcuts), ``status_line`` (what the status bar
says), ``scenario_saving`` (File → Save session as scenario, the file written whole),
``enabling`` (which control is enabled when) and ``refusal`` (a refused action's note).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDockWidget,
    QHBoxLayout,
    QMainWindow,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from simulator.gui import scenario_saving
from simulator.gui.automation.contract import ACTION_CONTROLS, CONTROLS
from simulator.gui.controls import ScrollingPanel, guard_wheel, scrolling
from simulator.gui.dock_focus import DockFocus
from simulator.gui.enabling import Enabler
from simulator.gui.menus import build_menus, build_shortcuts, shortcuts_first
from simulator.gui.panels.agent_bar import AgentBar
from simulator.gui.panels.context import ContextPanel
from simulator.gui.panels.customer import CustomerPanel
from simulator.gui.panels.interactions import InteractionsPanel
from simulator.gui.panels.journal_banner import JournalBanner
from simulator.gui.panels.phone import DialPad, DirectoryPanel
from simulator.gui.refusal import RefusalNote
from simulator.gui.settings import WindowSettings
from simulator.gui.status_line import StatusLine, welcome_text
from simulator.gui.tab_order import tab_after
from simulator.gui.theme.assets import ASSETS
from simulator.gui.theme.icons import retint
from simulator.gui.theme.style import apply_theme
from simulator.gui.wording import done_text

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtGui import QCloseEvent

    from simulator.gui.bridge import SimBridge
    from simulator.gui.inspector.inspector import Inspector
    from simulator.gui.panels.knowledge import KnowledgePanel

__all__ = ["MainWindow"]

DEFAULT_SIZE = QSize(1440, 900)


# The room each area may claim as its minimum: its share of the window's default size, or of
# the screen when that is smaller. On a laptop's screen (1366x768, 1280x720) the window fits, the
# inspector and the docks give way first, and what does not fit scrolls. Shares of a bigger
# screen's room added up to more than the default size: on a 1600x1000 screen the window opened
# at 1440x900 and grew to 1440x952 as the call page came (the docs promise 1440x900).
def _central_room(screen: QSize) -> QSize:
    room = screen.boundedTo(DEFAULT_SIZE)
    return QSize(room.width() - 420, room.height() - 300)


def _dock_room(screen: QSize) -> QSize:
    room = screen.boundedTo(DEFAULT_SIZE)
    return QSize(max(200, room.width() * 28 // 100), max(150, (room.height() - 200) // 2))


def _inspector_room(screen: QSize) -> QSize:
    room = screen.boundedTo(DEFAULT_SIZE)
    return QSize(room.width() - 420, max(150, room.height() - 700))


def _less_the_banner(
    room: Callable[[QSize], QSize], banner: JournalBanner
) -> Callable[[QSize], QSize]:
    """``room``, less the journal banner's height while it shows: the window made room for the
    banner by growing, taller than the screen (its status bar out of reach)."""

    def less(screen: QSize) -> QSize:
        size = room(screen)
        if banner.claims_room:
            size.setHeight(max(150, size.height() - banner.sizeHint().height()))
        return size

    return less


class MainWindow(QMainWindow):
    """The agent desktop."""

    def __init__(self, settings: WindowSettings | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("Agent Desktop Simulator")
        app_icon = ASSETS / "icons" / "app.svg"
        if app_icon.exists():
            self.setWindowIcon(QIcon(str(app_icon)))
        self.settings = settings or WindowSettings()
        self.bridge: SimBridge | None = None
        self._controls: dict[str, QWidget] = {}
        self._waiting_shown = False
        """The status bar says an action waits for the handlers' transfer data."""
        self._enabler = Enabler(self._controls, lambda: self.bridge)

        self.agent_bar = AgentBar()
        self.interactions = InteractionsPanel()
        self.dial_pad = DialPad()
        # Enter with Call greyed says why, as Ctrl+D does (it did nothing, silently).
        self.dial_pad.on_enter = lambda: self.trigger("callButton", "Enter")
        self.context = ContextPanel()
        self.directory = DirectoryPanel()
        self.customer = CustomerPanel()
        self.journal_banner = JournalBanner()
        self.journal_banner.shownOrHidden.connect(self._rooms_changed)
        self.knowledge: KnowledgePanel | None = None
        """Built at ``complete()``: its tab is behind the customer side at the first paint."""
        self.inspector: Inspector | None = None
        """Built at ``attach``: nothing to inspect before there is a simulator."""

        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.agent_bar)
        column.addWidget(self.journal_banner)
        body = QWidget()
        body_layout = QHBoxLayout(body)
        body_layout.setContentsMargins(10, 10, 6, 6)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.setHandleWidth(10)
        left = QSplitter(Qt.Orientation.Vertical)
        left.setChildrenCollapsible(False)
        left.setHandleWidth(10)
        left.addWidget(self.interactions)
        left.addWidget(self.dial_pad)
        left.setStretchFactor(0, 1)
        left.setStretchFactor(1, 0)
        self.interactions.setMinimumWidth(250)
        split.addWidget(left)
        split.addWidget(self.context)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setSizes([300, 800])
        room = _less_the_banner(_central_room, self.journal_banner)
        body_layout.addWidget(scrolling(split, room))
        column.addWidget(body, 1)
        self.setCentralWidget(central)

        self.directory_dock = self._dock("directoryDock", "Directory", self.directory)
        self.customer_dock = self._dock("customerDock", "Customer side", self.customer)
        self.inspector_dock = self._dock("inspectorDock", "Event inspector", QWidget())
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.directory_dock)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.customer_dock)
        self.knowledge_dock = self._dock("knowledgeDock", "Knowledge base", QWidget())
        self.tabifyDockWidget(self.customer_dock, self.knowledge_dock)
        self.customer_dock.raise_()
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.inspector_dock)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)

        self._status_line = StatusLine(self)
        self.refusal = RefusalNote(self)
        self.save_scenario = build_menus(self)
        """File → Save session as scenario (``menus``)."""
        self.directory.numberPicked.connect(self._number_picked)
        screen = self.screen()
        # Never bigger than the screen (a laptop's 1366x768): its bottom would be out of reach.
        self.resize(
            DEFAULT_SIZE.boundedTo(screen.availableGeometry().size()) if screen else DEFAULT_SIZE
        )
        self._laid_out = self.settings.restore_window(self)
        self._collect_controls()
        self._apply_enabling(frozenset())
        hints = QGuiApplication.styleHints()
        hints.colorSchemeChanged.connect(self._system_scheme_changed)

    # ------------------------------------------------------------------ building

    def setVisible(self, visible: bool) -> None:
        """Shown the first time, with no saved layout: the docks' default sizes (see
        ``lay_out_once``). Not in ``showEvent``: overriding an event handler makes PySide build
        ``QEvent``'s Python enums for the first paint (~1.5 ms)."""
        super().setVisible(visible)
        if visible:
            self.lay_out_once()

    def lay_out_once(self) -> None:
        """The docks' default sizes, once, when there is no saved layout and the window is on
        screen (they only take once it has its size). A desktop in the agent switcher's window
        becomes visible with that window, which calls this then."""
        if not self._laid_out and self.isVisible():
            self._laid_out = True
            self.default_layout()

    def default_layout(self) -> None:
        """Directory and customer side on the right, the inspector tall enough to read JSON."""
        horizontal, vertical = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
        self.resizeDocks([self.directory_dock], [360], horizontal)
        self.resizeDocks([self.directory_dock, self.customer_dock], [300, 430], vertical)
        self.resizeDocks([self.inspector_dock], [max(300, self.height() * 36 // 100)], vertical)

    def _dock(self, name: str, title: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(scrolling(widget, _dock_room))
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        # The cards carry their own headings; a second title bar above them is noise. The docks
        # still move with View menu toggles and keep their size in the saved layout.
        # With a layout: a bare QWidget's size hint is -1 high, which the dock added to its
        # content's minimum, so each dock got a pixel less than its content needs.
        bar = QWidget(dock)
        QVBoxLayout(bar).setContentsMargins(0, 0, 0, 0)
        dock.setTitleBarWidget(bar)
        widget.setContentsMargins(0, 10, 10, 6 if name != "inspectorDock" else 10)
        return dock

    def _knowledge(self) -> KnowledgePanel:
        if self.knowledge is None:
            from simulator.gui.panels.knowledge import KnowledgePanel

            self.knowledge = KnowledgePanel()
            self.knowledge.setContentsMargins(0, 10, 10, 6)
            self.knowledge_dock.setWidget(scrolling(self.knowledge, _dock_room))
        return self.knowledge

    def _inspector(self) -> Inspector:
        if self.inspector is None:
            from simulator.gui.inspector.inspector import Inspector

            self.inspector = Inspector()
            self.inspector.setContentsMargins(0, 10, 10, 10)
            room = _less_the_banner(_inspector_room, self.journal_banner)
            self.inspector_dock.setWidget(scrolling(self.inspector, room))
        return self.inspector

    def _collect_controls(self) -> None:
        for control in CONTROLS:
            found = self.findChild(QWidget, control.name)
            if found is not None:
                self._controls[control.name] = found

    def control(self, name: str) -> QWidget:
        """The control with this ``objectName`` (see the automation table)."""
        return self._controls[name]

    def trigger(self, name: str, keys: str = "") -> None:
        """Click the named button when it is enabled (what its shortcut ``keys`` does); when
        it is greyed, say why, as a refused click is said (status bar and a note under it)."""
        widget = self._controls.get(name)
        if isinstance(widget, QAbstractButton) and widget.isEnabled():
            widget.click()
            return
        if widget is None or self.bridge is None:
            return
        label = widget.text().replace("&", "") if isinstance(widget, QAbstractButton) else ""
        what = label or name
        text = f"{keys or 'The shortcut'} did nothing: {what} is greyed: "
        text += self._enabler.why_disabled(name)
        self.show_message(text, error=True)
        self.refusal.show_for(widget, name, text)

    # ------------------------------------------------------------------ attaching

    def attach(self, bridge: SimBridge, *, defer: bool = False) -> None:
        """Show and drive ``bridge``'s simulator.

        ``defer``: build only what the first paint of a logged-in window needs (agent bar,
        lists, dial pad, customer side); the interaction page, the knowledge base (a tab behind
        the customer side) and the inspector wait for ``complete()`` (the launcher calls it on
        the next turn of the event loop).
        """
        self.bridge = bridge
        for panel in (
            self.agent_bar,
            self.interactions,
            self.dial_pad,
            self.directory,
            self.customer,
            self.journal_banner,
        ):
            panel.attach(bridge)
        self.context.attach(bridge, build=not defer)
        build_shortcuts(self)
        bridge.changed.connect(self.refresh)
        bridge.tick.connect(self._tick)
        bridge.tick.connect(self._still_waiting)
        bridge.actionFailed.connect(lambda message: self.show_message(message, error=True))
        bridge.actionRefused.connect(self._refused)
        bridge.actionDone.connect(self._done)
        bridge.actionWaiting.connect(self._waiting)
        bridge.outcomeArrived.connect(lambda _outcome: self._handler_status())
        bridge.pluginsChanged.connect(self._handler_status)
        bridge.pluginsLoading.connect(lambda _what: self._handler_status())
        self.show_message(welcome_text(bridge))
        self._handler_status()
        if not defer:
            self.complete()
        self.refresh()

    def complete(self) -> None:
        """Build what ``attach(defer=True)`` left for later: the interaction page, the
        knowledge base and the inspector (a no-op once built)."""
        bridge = self.bridge
        if bridge is None or self.inspector is not None:
            return
        self.context.build()
        # Tab reads the window left to right: the dial pad, then the active interaction
        # (built now, it came after the docks built before it).
        tab_after(self.dial_pad, self.context)
        self.agent_bar.complete()
        self._knowledge().attach(bridge)
        self._inspector().attach(bridge)
        # Tab into the dock behind brings it to the front (after the first paint: a Python
        # slot on focusChanged made PySide build QEvent's enums for it).
        DockFocus(self)
        # From here on the window's minimum follows its panels' (the interaction page, built
        # just now, is polished when first shown): a scroll area asks its content when told.
        for area in self.findChildren(ScrollingPanel):
            area.follow_content()
        self.settings.restore_splitters(self)
        self._collect_controls()
        self._enabler.watch_inputs()
        wheel_guarded = ("agentStateCombo", "dispositionCombo", "customerService")
        guard_wheel(self, [self._controls[name] for name in wheel_guarded])
        numbers = ("dialNumber", "transferNumber", "chatTransferNumber")
        shortcuts_first(self, [self._controls[name] for name in numbers])
        self.refresh()

    def refresh(self) -> None:
        """Show the simulator as it is now and enable what it allows."""
        bridge = self.bridge
        if bridge is None:
            return
        sim = bridge.sim
        if self.inspector is None and sim.active_interaction_id is not None:
            self.complete()  # an interaction before the deferred build: everything, now
            return
        self.agent_bar.refresh()
        self.interactions.refresh()
        self.dial_pad.refresh()
        self.directory.refresh()
        self.context.refresh()
        if self.inspector is not None:
            self.inspector.refresh()
        self.journal_banner.refresh()
        self._status_line.agent_state.setText(self.agent_bar.current_text())
        self._apply_enabling(frozenset(str(action) for action in sim.allowed()))
        self._tick()

    def _apply_enabling(self, allowed: frozenset[str]) -> None:
        self._enabler.apply(allowed)

    def _done(self, action: str) -> None:
        if self.bridge is not None:
            bridge = self.bridge
            self.show_message(
                done_text(action, bridge.sim, bridge.done_data, bridge.done_interaction)
            )
        self.refusal.dismiss()

    def _waiting(self, _action: str) -> None:
        """The action waits for the handlers' transfer data: said until it happened."""
        self._say_waiting()
        self.refusal.dismiss()

    def _say_waiting(self) -> None:
        bridge = self.bridge
        if bridge is not None and bridge.waiting:
            self.show_message(bridge.waiting[-1].waiting_text())
            self._waiting_shown = True

    def _still_waiting(self) -> None:
        """Count the wait up each second, unless something else was said since (a refusal
        stays until the status clears)."""
        if self._waiting_shown or not self._status_line.status.text():
            self._say_waiting()

    def _refused(self, action: str, text: str) -> None:
        name = ACTION_CONTROLS.get(action, "")
        self.refusal.show_for(self._controls.get(name), name, text)

    def _tick(self) -> None:
        bridge = self.bridge
        if bridge is None:
            return
        self._status_line.follow_incidents(bridge)
        self.agent_bar.tick()
        self.interactions.tick()
        self.context.tick()
        if self.inspector is not None:
            self.inspector.timeline.update()
        self._status_line.show_clock(bridge.sim.now_ms)

    def show_message(self, message: str, *, error: bool = False) -> None:
        """Say something in the status bar (``error``: in the error colour)."""
        self._waiting_shown = False
        self._status_line.say(message, error=error)

    def _rooms_changed(self) -> None:
        """The banner came or went: each area asks its room again."""
        for area in self.findChildren(ScrollingPanel):
            area.updateGeometry()

    def _handler_status(self) -> None:
        self._status_line.show_handlers(self.bridge)

    def _number_picked(self, number: str) -> None:
        self.dial_pad.pick(number)
        self.complete()
        self.context.voice.number.setText(number)
        self.context.chat.transfer_number.setText(number)

    # ------------------------------------------------------------------ the menus' actions

    def set_theme(self, choice: str) -> None:
        """Use the light, dark or system palette and remember the choice."""
        self.settings.theme = choice
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, choice)
        self._retint()

    def _system_scheme_changed(self, *_: Any) -> None:
        if self.settings.theme == "system":
            self.set_theme("system")

    def _retint(self) -> None:
        retint(self)
        self.agent_bar.retint()
        self.context.retint()
        if self.inspector is not None:
            self.inspector.retint()
        self.refresh()
        self.update()

    def open_preferences(self) -> None:
        """Edit the session settings for the next start."""
        from simulator.gui.dialogs.preferences import PreferencesDialog

        dialog = PreferencesDialog(self.settings, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.open()

    def show_shortcuts(self) -> None:
        """List the keyboard shortcuts (one dialog, shown again on the next F1)."""
        from simulator.gui.dialogs.shortcuts import ShortcutsDialog

        dialog = self.findChild(ShortcutsDialog, "shortcutsDialog")
        if dialog is None:
            dialog = ShortcutsDialog(self)
        dialog.open()

    def save_session_as_scenario(self) -> None:
        """Write what happened so far as a scenario file (``simulator.scenarios``)."""
        scenario_saving.save_session_as_scenario(self)

    def write_scenario(self, path: Path) -> None:
        """Record the session with ``simulator.scenarios.record_session`` into ``path``; a
        file that cannot be written is said in the status bar (raised out of the menu's slot,
        it showed nothing), and a file saved before is left whole."""
        scenario_saving.write_scenario(self, path)

    # ------------------------------------------------------------------ closing

    def close_window(self) -> None:
        """Quit: close the window this desktop is in (the agent switcher's, with several)."""
        self.window().close()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Remember the layout, stop polling."""
        self.settings.save_window(self)
        if self.bridge is not None:
            self.bridge.close()
        super().closeEvent(event)
