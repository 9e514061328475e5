"""The window: the only package that imports PySide6.

Where things are::

    launch.py      ``adsim`` alone: check the display, show the window, load the session
    options.py     what the window starts with (command line over saved settings)
    session.py     the tenant, the simulator on the wall clock, the handler host and journal
    bridge.py      the one QObject between the Qt-free simulator and the widgets
    window.py      the main window: lays out the panels and docks, attaches, refreshes
    menus.py       its menu bar and keyboard shortcuts
    status_line.py   its status bar: messages, agent state, handler status, clock
    scenario_saving.py  File → Save session as scenario, the file written whole
    center.py      several agents (``adsim --agent``): each desktop behind the agent switcher
    enabling.py    which control is enabled when (engine, inputs, ringing)
    refusal.py     a refused action explained next to its control
    wording.py     what the status bar says, in a person's words
    display.py     whether a window can open at all (the [gui] extra, a display that answers)
    import_speed.py  imports after PySide6 without its source-reading hook
    settings.py    what the window remembers between runs (QSettings)
    testing.py     the window the ``adsim_window`` pytest fixture opens
    controls.py    building blocks every panel uses (named buttons, plain-text labels, cards)
    times.py       how clock times and durations are written
    panels/        agent bar, interactions, dial pad and directory, context and media, customer
    inspector/     the event inspector dock: event log, outcomes, plugins, timeline
    dialogs/       Preferences
    page/          the CRM page host (QtWebEngine) and its headless runs
    theme/         colour schemes, style sheet, tinted icons and their resources
    automation/    the objectName contract and visible scenario playback
"""
