"""Starting the window: check for a display, show the window at once, then load the session.

Nothing here imports Qt or the engine at module level: ``adsim`` with no display must be able to
say so in one line (never a Qt abort), and the window is shown before the engine (pydantic,
Faker) is imported, so a tester sees it as fast as a bare PySide6 window. The session (tenant,
simulator on the wall clock, handler host, journal) is built on the first turn of the event loop.
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

from simulator import interrupts
from simulator.gui.display import display_problem, gui_problem
from simulator.gui.options import WindowOptions

__all__ = ["EXIT_NO_DISPLAY", "WindowOptions", "display_problem", "run_window"]

EXIT_NO_DISPLAY = 2
"""No window possible here (no ``[gui]`` extra, no display that answers): a usage error."""
EXIT_BAD_INPUT = 2
EXIT_INTERNAL_ERROR = 1
"""The window could not start for a reason that is not the user's (a bug): traceback, exit 1."""
EXIT_EVENTS_LOST = 1
"""The window closed with events the journal held back: nobody got them (as ``adsim run``)."""
REPORT_STARTUP = "ADSIM_REPORT_STARTUP"
"""Set to 1: print ``shown <ms>`` and ``ready <ms>`` on stderr and quit once ready (benchmark)."""


def _page_problem(options: WindowOptions) -> str | None:
    """What is wrong with the ``--page`` options (``"what: why"``), or None. Imports
    QtWebEngine, which must happen before the QApplication exists (the ``adsim://`` scheme is
    registered then)."""
    try:
        from simulator.gui.page.web_page import options_problem
    except ImportError:
        return (
            "--page needs QtWebEngine: pip install 'agent-desktop-simulator[web]' "
            "(PySide6-Addons==6.11.3)"
        )
    targets = [] if options.page is None else [options.page]
    for target in [*targets, *(target for _name, target in options.pages)]:
        problem = options_problem(target, options.tenant_url, options.allow_origins)
        if problem is not None:
            return ": ".join(problem)
    return None


def _scenario_has_agents(path: Any) -> bool:
    """Whether a ``--scenario`` file has a top-level ``agents:`` (read before the window is
    shown, without the scenario's models: a desktop docked in the agent switcher's window must
    never have been a window of its own, see ``CenterWindow.hold``)."""
    if path is None:
        return False
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False  # the session reports the file
    return re.search(r"(?m)^agents[ \t]*:", text) is not None


def _tell(text: str) -> None:
    """``text`` on stderr, or nowhere when stderr is gone (a closed pipe): inside Qt's event
    loop a failed print would escape the slot and leave the window open with no session."""
    with contextlib.suppress(OSError, ValueError):
        print(text, file=sys.stderr, flush=True)


def _elapsed_ms() -> float:
    import time

    # Process start, not import time: what a user waits for after pressing Enter.
    try:
        with open(f"/proc/{os.getpid()}/stat", encoding="ascii") as stat:
            start_ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime", encoding="ascii") as uptime:
            up = float(uptime.read().split()[0])
        return (up - start_ticks / os.sysconf("SC_CLK_TCK")) * 1000
    except (OSError, ValueError, IndexError):
        return time.perf_counter() * 1000


def _pause_collector() -> bool:
    """No cyclic collection until the window is usable: start-up makes some 200,000 long-lived
    objects (Qt's wrappers, the engine's modules and models) and no garbage, which the collector
    would walk again and again (a tenth of the start). True when it was on."""
    collecting = gc.isenabled()
    gc.disable()
    return collecting


def _resume_collector(collecting: bool) -> None:
    """The collector on again, the start-up's objects moved out of its sight (``gc.freeze``):
    they live as long as the window."""
    if collecting and not gc.isenabled():
        gc.freeze()
        gc.enable()


def _keep_generated_code() -> None:
    """Save what this start compiled (see ``simulator.code_cache``) once the session is
    open, not only at exit: a window ended by a signal (the benchmark ends it at "ready") would
    otherwise compile the same again at every start."""
    from simulator.code_cache import installed

    cache = installed()
    if cache is not None:
        cache.save()


@contextlib.contextmanager
def _stopping_on_signals(stop: Callable[[int], None]) -> Iterator[None]:
    """While the window runs, SIGINT, SIGTERM and SIGHUP call ``stop(signum)`` on the main
    thread: the window closes, its session is closed after the loop (plugin processes ended,
    the journal closed) and adsim exits 128 + the signal, as ``adsim run`` does. A signal the
    parent set to be ignored (``nohup``) stays ignored; only on the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    names = ["SIGINT", "SIGTERM", "SIGHUP"]
    replaced: dict[int, Any] = {}
    on_signal = interrupts.in_turn(stop)  # a second signal Python ran inside the first's: after
    for name in names:
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        current = signal.getsignal(signum)
        if current in (signal.SIG_DFL, signal.default_int_handler):
            replaced[signum] = current
            signal.signal(signum, on_signal)
    try:
        yield
    finally:
        for signum, previous in replaced.items():
            signal.signal(signum, previous)


def run_window(options: WindowOptions) -> int:
    """Open the agent desktop and run until it is closed; returns the exit code (the process's
    main loop: its start-up objects are frozen for the collector, see ``_pause_collector``)."""
    # The extra first: without PySide6, advice about displays would only lead to a second error.
    problem = gui_problem() or display_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return EXIT_NO_DISPLAY
    if options.tenant is not None and not options.tenant.is_file():
        print(
            f"adsim: {options.tenant}: no such tenant file; check the --tenant path",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    collecting = _pause_collector()
    from simulator.code_cache import installed

    cache = installed()
    with contextlib.ExitStack() as compiling:
        # Until the session is open: PySide6 compiles its bootstrap modules and some 25
        # regular expressions at every import, and pydantic and the engine some 20 more
        # expressions; adsim keeps them compiled (``CodeCache.compiling``, ~20 ms of the start).
        if cache is not None:
            compiling.enter_context(cache.compiling())
        try:
            return _run(options, collecting, compiling.close)
        finally:
            _resume_collector(collecting)


def _run(options: WindowOptions, collecting: bool, compiled: Callable[[], None]) -> int:
    """``run_window`` once the display is known to be there (``compiled``: the start's
    compiling is done, called once the session is open)."""
    try:
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
    except ImportError:
        print(
            "adsim: the window needs PySide6: pip install 'agent-desktop-simulator[gui]' "
            "(or run headless with `adsim run` / `adsim demo`)",
            file=sys.stderr,
        )
        return EXIT_NO_DISPLAY

    tenant: Any = None
    if options.page is not None or options.pages:
        problem = _page_problem(options)
        if problem is not None:
            print(f"adsim: {problem}", file=sys.stderr)
            return EXIT_BAD_INPUT
        if options.tenant_url is not None:
            from simulator.gui.page.web_page import use_tenant_url

            # Before any page exists: Chromium reads the host mapping once.
            tenant = use_tenant_url(options.tenant_url)

    from simulator.gui.import_speed import speed_up_imports

    speed_up_imports()  # before the window's and the engine's modules are imported
    from simulator.gui.settings import APPLICATION, ORGANIZATION, WindowSettings
    from simulator.gui.theme.style import FUSION_ARGS, apply_style_sheet, apply_theme
    from simulator.gui.window import MainWindow

    existing = QApplication.instance()
    # Fusion from the arguments: asking an application for its style costs ~7 ms (QStyle).
    app = existing or QApplication(sys.argv[:1] + FUSION_ARGS)
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("Agent Desktop Simulator")
    settings = WindowSettings()
    # Palette now, style sheet once the widgets are built (below).
    apply_theme(app, options.theme or settings.theme, sheet=False, restyle=existing is not None)
    window = MainWindow(settings)
    holder: Any = None  # kept here: the top-level window lives as long as its reference
    if options.agents or _scenario_has_agents(options.scenario):
        # Several desktops: the agent switcher's window holds this one from the start.
        from simulator.gui.center import CenterWindow

        holder = CenterWindow(settings)
        holder.hold(window)
    # The sheet between building and showing: each widget is polished once, as it is first
    # shown, and the first paint has the window's own look. Before building, every widget is
    # polished as it is made (slower); after showing, every widget is polished twice (Fusion's
    # look, then the sheet's) and painted twice (~13 ms of the start to usable).
    apply_style_sheet(app)
    (holder or window).show()
    report = os.environ.get(REPORT_STARTUP) == "1"
    if report:
        app.processEvents()
        _tell(f"shown {_elapsed_ms():.0f}")
    outcome: dict[str, Any] = {"code": 0}

    def start() -> None:
        # A slot's exception is printed by Qt and the event loop goes on: the window would stay
        # open with no session, a tester clicking controls that do nothing. Never that: say it
        # and end with exit 1.
        try:
            begin()
        except Exception:
            compiled()
            import traceback

            _tell(traceback.format_exc().rstrip("\n"))
            _tell(
                "adsim: the window could not start (an internal error, the traceback is above: "
                "please report it)"
            )
            outcome["code"] = EXIT_INTERNAL_ERROR
            window.window().close()
            app.quit()

    def begin() -> None:
        from simulator.gui.session import SessionError, open_session

        if options.isolation == "thread":
            # The plugins load in this process, off the window's thread, while the session
            # opens: the builtin ``compile`` the cache puts back under them (``compiled``) was
            # said as the plugin's doing (`replaced or deleted the builtin(s) compile`, exit
            # 1), and "put back" as the cache's for the rest of the session.
            compiled()
        try:
            session = open_session(options, settings, window, defer=True)
        except SessionError as exc:
            compiled()
            _resume_collector(collecting)
            _tell(f"adsim: {exc}")
            outcome["code"] = EXIT_BAD_INPUT
            window.close()
            app.quit()
            return
        _resume_collector(collecting)
        compiled()
        outcome["session"] = session
        if options.page is not None:
            window.complete()  # the page's log goes into the inspector
            from simulator.gui.page.web_page import add_crm_page_dock

            add_crm_page_dock(
                window, session.host, options.page, allow_origins=options.allow_origins
            )
        if options.pages:  # --page NAME=URL: each on that agent's desktop
            from simulator.gui.center import open_agent_pages

            top = session.center or window  # the agent switcher, or the one desktop
            open_agent_pages(top, options.pages, allow_origins=options.allow_origins)
        _keep_generated_code()
        if report:
            app.processEvents()
            _tell(f"ready {_elapsed_ms():.0f}")
        # The interaction page and the inspector: after the first paint of a usable window.
        QTimer.singleShot(0, window.complete)
        if report:
            QTimer.singleShot(0, lambda: _tell(f"complete {_elapsed_ms():.0f}"))
            QTimer.singleShot(0, close_when_loaded)

    def close_when_loaded() -> None:
        # Report mode quits once the plugins are loaded (and the agents logged in): what a
        # start with handlers costs. Looked at on the timer: the loads end on the poll's.
        session = outcome["session"]
        bridges = [session.bridge, *(other.bridge for other in session.others)]
        if any(bridge.loading is not None for bridge in bridges):
            QTimer.singleShot(20, close_when_loaded)
            return
        # The top-level window: the agent switcher's when the desktop is one of several.
        window.window().close()

    def stop(signum: int) -> None:
        # Python runs this between two bytecodes of a slot (the bridge's poll, every 100 ms):
        # Qt's own way (quit when it finds Python's default handler) never saw Ctrl-C there,
        # and the KeyboardInterrupt it raised was printed as a slot's traceback, the window
        # left open.
        if outcome.get("signal") is None:
            outcome["signal"] = signum
            outcome["code"] = 128 + signum
            _tell(f"adsim: interrupted ({signal.Signals(signum).name}): closing the window")
        # Closed from the event loop, once the slot it came in has returned: closed in the
        # middle of one that was painting, Qt went on flushing a window with no native handle
        # and said so on stderr ("QBackingStore::flush() called for QWidgetWindow ...").
        QTimer.singleShot(0, close_and_quit)

    def close_and_quit() -> None:
        window.window().close()
        app.quit()

    QTimer.singleShot(0, start)
    with _stopping_on_signals(stop):
        code = app.exec()
    session = outcome.get("session")
    if session is not None:
        for line in session.open_work():  # said, the exit code as it was: the tester's choice
            _tell(f"adsim: {line}")
        # Ctrl-C or SIGTERM: the tester asked to stop, as ``adsim run``'s stop waits for no
        # handler; a window closed gives them its grace for the events they were given.
        from simulator.gui.session import CLOSE_GRACE_S  # loaded: the session is open

        stopped = outcome.get("signal") is not None
        lost = session.close(
            wait=0 if stopped else CLOSE_GRACE_S,
            say=lambda line: _tell(f"adsim: {line}"),
            signum=outcome.get("signal"),
        )
        for line in lost:
            _tell(f"adsim: {line}")
        if lost and not outcome["code"]:
            outcome["code"] = EXIT_EVENTS_LOST
    if tenant is not None:
        tenant.close()
    return outcome["code"] or code
