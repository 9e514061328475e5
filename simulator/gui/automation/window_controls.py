"""The automation contract's controls of the window itself: the agents' switcher (several agents),
the bridge, the status bar, the journal banner and the menus' actions.
"""

from __future__ import annotations

from simulator.gui.automation.control import Control

__all__ = ["WINDOW_CONTROLS"]

_C = Control

WINDOW_CONTROLS: tuple[Control, ...] = (
    # ------------------------------------------------------------------ window
    _C(
        "mainWindow",
        "QMainWindow",
        "Window",
        "The agent desktop window; with several agents, each agent's desktop (property "
        "`agent`: the agent's name)",
    ),
    _C(
        "centerWindow",
        "QMainWindow",
        "Agents",
        "With several agents (`--agent`): the window holding every agent's desktop",
        several_agents=True,
    ),
    _C(
        "agentSwitcher",
        "QTabBar",
        "Agents",
        "The agent whose desktop is in front; a tab per agent: `<name> (<ext>) · <state>`, "
        "`· <n> ringing` while offers ring there (another agent's: a dot, in the ringing "
        "colour). Tab data: the agent's name; select by it: `setCurrentIndex(i)` of the tab "
        "whose `tabData(i)` is the name",
        several_agents=True,
    ),
    _C(
        "agentDesks",
        "QStackedWidget",
        "Agents",
        "Every agent's desktop (a `mainWindow` each); the switcher's choice in front",
        several_agents=True,
    ),
    _C(
        "simBridge",
        "QObject",
        "Window",
        "The bridge to the simulator (signals: eventArrived, "
        "changed, outcomeArrived, actionDone, actionWaiting, actionFailed, journalStopped, "
        "journalResumed, "
        "pluginsLoading, pluginsChanged)",
    ),
    _C(
        "statusMessage",
        "QLabel",
        "Status bar",
        "Last action refused (property error=true) or done, or what an action waits for "
        "(`ON_REQUEST_TRANSFER_DATA`)",
    ),
    _C(
        "refusalNote",
        "QLabel",
        "Window",
        "A refused action explained next to its control (property `control`: that control's "
        "objectName); hidden after the next success, a click or 10 s",
    ),
    _C(
        "journalBanner",
        "QFrame",
        "Window",
        "Shown while the journal cannot be written (events held back); hidden otherwise",
    ),
    _C(
        "journalBannerText",
        "QLabel",
        "Window",
        "`The journal cannot be written: <file>: <cause>; …`: the journal file and why",
    ),
    _C(
        "journalHeldLabel",
        "QLabel",
        "Window",
        "How many events are held back from the handlers and the window",
    ),
    _C(
        "journalOffButton",
        "QPushButton",
        "Window",
        "Switch the journal off: deliver the held events unjournaled, journal nothing more",
    ),
    _C("clockLabel", "QLabel", "Status bar", "Wall-clock time of the simulation"),
    _C(
        "handlerStatus",
        "QLabel",
        "Status bar",
        "Plugins loaded, handler outcomes, failures; plugins that did not load: "
        "`N not loaded`, property error=true, their errors as its tooltip; plugin failures "
        "outside any call (a process that died between calls, a close() that raised): "
        "`N plugin problem(s)`, each in its tooltip; while plugins load: `Loading plugins: "
        "<file>… <n> s`, or past the load timeout with thread isolation `Plugins: <file> still "
        "loading after <n> s` (property error=true); while events have waited 2 s or more "
        "for a handler with no outcome coming: `· a handler busy <n> s: events wait`",
    ),
    _C(
        "actionSaveScenario",
        "QAction",
        "File menu",
        "Save what you did as a scenario file",
        shortcut="Ctrl+Shift+S",
    ),
    _C(
        "actionPreferences",
        "QAction",
        "File menu",
        "Preferences… (tenant, handlers, seed, journal)",
        shortcut="Ctrl+,",
    ),
    _C("actionQuit", "QAction", "File menu", "Quit", shortcut="Ctrl+Q"),
    _C("actionThemeSystem", "QAction", "View menu", "Follow the system's light/dark scheme"),
    _C("actionThemeLight", "QAction", "View menu", "Light palette"),
    _C("actionThemeDark", "QAction", "View menu", "Dark palette"),
    _C("actionShortcuts", "QAction", "Help menu", "List the keyboard shortcuts", shortcut="F1"),
)
