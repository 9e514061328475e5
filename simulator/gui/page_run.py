"""A CRM page headless: ``adsim run SCENARIO --page URL|DIR`` in offscreen QtWebEngine, for CI.

The page is the same ``CrmPageView`` the window docks (shim, scheme, network guard), but
nothing is shown on a screen (``QT_QPA_PLATFORM=offscreen`` unless set otherwise). Threads::

    main thread     the Qt event loop: the page, its QWebChannel packets, loads and reloads
    worker thread   the scenario runner: the simulation, its handler host's ``settle()``

The runner waits for the page's handlers after each step; the page's answers arrive on the Qt
event loop, so the two cannot share a thread. ``HeadlessPage.run(work)`` runs ``work(session)``
on a worker thread while the main thread runs Qt, and returns what ``work`` returned (or raises
what it raised). ``session.attach(host)`` makes the page a plugin of ``host`` (``js:page``),
(re)loads it and blocks until its ``AdApi`` has done the handshake; a page that does not load,
or never constructs an ``AdApi``, is bad input (``InputFileError``), naming the errors its script
threw uncaught meanwhile, if any.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO, TypeVar

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QEventLoop,
    QMessageLogContext,
    QObject,
    Qt,
    QTimer,
    QtMsgType,
    Signal,
    qFormatLogMessage,
    qInstallMessageHandler,
)
from PySide6.QtGui import QImage
from PySide6.QtWebEngineCore import QWebEngineLoadingInfo, QWebEngineScript
from PySide6.QtWidgets import QApplication

from simulator.data import InputFileError

# Registers the adsim:// scheme: imported before any QApplication exists.
from simulator.gui.page import web_page
from simulator.gui.page.load_error import THROWN_NAMED, not_connected
from simulator.gui.page.stop_signals import ctrl_c_quits
from simulator.handlers import HandlerHost
from simulator.interrupts import Interrupted
from simulator.web import PageEndpoint
from simulator.web.endpoint import LOOP_HINT
from simulator.web.node import STARTUP_TIMEOUT

# Both read when the QApplication and the first page are made, not at import.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Chromium's own log lines (no D-Bus on a CI machine ...) are not the user's business headless.
web_page.add_chromium_flags("--log-level=3")

__all__ = ["PLUGIN", "HeadlessPage", "PageSession", "drive"]

PLUGIN = "js:page"
"""The page's plugin name in outcomes and the journal."""

T = TypeVar("T")

_FRAME_SCRIPT = (
    "window.__adsimFrame || (window.__adsimFrame = 1, requestAnimationFrame(() => "
    "requestAnimationFrame(() => { window.__adsimFrame = 2; })), 1)"
)
_WORLD = int(QWebEngineScript.ScriptWorldId.ApplicationWorld.value)
_FRAME_MS = 16
_CANCEL_GRACE_S = 3.0
_FRAME_POLLS = 60
_STABLE_MS = 50
_RENDERER_END_WAIT_MS = 10_000
"""Bound of the wait for Chromium to see a killed renderer end before the next load starts."""

_RENDERING_NOISE = (
    "QRhiGles2: ",
    "Failed to create RHI",
    "This plugin does not support ",
    "QVulkanInstance: ",
    "GBM is not supported",
    "GPUInfo not initialized",
)
"""Warnings every offscreen QtWebEngine start prints (no GPU, no window system): not news."""


def _quiet_rendering(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    if kind == QtMsgType.QtWarningMsg and message.startswith(_RENDERING_NOISE):
        return
    print(qFormatLogMessage(kind, context, message), file=sys.stderr, flush=True)


class _Main(QObject):
    """Carries the worker's requests to the main thread (queued signals)."""

    open_requested = Signal()
    reload_requested = Signal()
    end_renderer_requested = Signal()
    screenshot_requested = Signal(str)
    finished = Signal()


class PageSession:
    """What the worker thread uses: attach the page to a host, reload it, detach it."""

    def __init__(self, page: HeadlessPage, cancelled: threading.Event | None = None):
        self._page = page
        self.endpoint: PageEndpoint | None = None
        self.cancelled = cancelled if cancelled is not None else threading.Event()
        """Set by Ctrl-C: the runs stop at their next step and print nothing more."""
        self.others: dict[str, PageSession] = {}
        """The other agents' pages (``--page NAME=URL``), by agent name."""

    def attach(self, host: HandlerHost, timeout: float | None = None) -> PageEndpoint:
        """Make the page plugin ``js:page`` of ``host`` and (re)load it; returns once its
        ``AdApi`` is connected. Call on the thread that drives ``host``'s simulation."""
        self.detach()
        page = self._page
        endpoint = page.view.connect_host(host, name=PLUGIN, blocked=page.blocked)
        self.endpoint = endpoint
        page.expect_handshake(endpoint)
        page.main.open_requested.emit()
        page.wait_handshake(endpoint, timeout or page.startup_timeout, "load")
        return endpoint

    def reload(self, timeout: float | None = None) -> None:
        """Reload the page (as F5 would) and wait for its new ``AdApi``: the old instance's
        pending answers fail, the run goes on with the new one."""
        endpoint = self.endpoint
        if endpoint is None:
            raise RuntimeError("attach the page to a host first")
        page = self._page
        page.expect_handshake(endpoint)
        page.main.reload_requested.emit()
        page.wait_handshake(endpoint, timeout or page.startup_timeout, "reload")

    def screenshot(self, path: str | Path, timeout: float = STARTUP_TIMEOUT) -> bool:
        """Save the page as a PNG once it has painted what it has so far; False when it could
        not be written."""
        page = self._page
        page.shot_done.clear()
        page.main.screenshot_requested.emit(str(path))
        return page.shot_done.wait(timeout) and page.shot_saved

    def say_running(self) -> None:
        """On stderr, each page handler still running when adsim stops: not waited for."""
        endpoint = self.endpoint
        if endpoint is None:
            return
        for event in endpoint.running():
            print(
                f"adsim: {endpoint.name}: a handler of {event} was still running when adsim "
                "stopped; not waited for",
                file=sys.stderr,
                flush=True,
            )

    def detach(self) -> None:
        """Fail what the page still owes and stop sending it events."""
        if self.endpoint is not None:
            self.endpoint.close()
            self.endpoint = None


class HeadlessPage:
    """One CRM page in an offscreen QtWebEngine view, driven from a worker thread."""

    def __init__(
        self,
        target: str | Path,
        *,
        console: TextIO | None = None,
        size: tuple[int, int] = (1280, 800),
        startup_timeout: float = STARTUP_TIMEOUT,
    ):
        problem = web_page.page_problem(str(target))
        if problem is not None:
            raise InputFileError(str(target), None, problem)
        self.target = target
        self.startup_timeout = startup_timeout
        """Seconds a page has to construct its AdApi after a load or reload."""
        if QApplication.instance() is None:
            qInstallMessageHandler(_quiet_rendering)
        self.app = QApplication.instance() or QApplication(sys.argv[:1])
        self.view = web_page.CrmPageView()
        self.view.page.headless = True  # an alert() nobody can close hung adsim for ever
        self.view.resize(*size)
        self.view.show()  # a hidden page's timers are throttled; offscreen, "shown" costs nothing
        self.main = _Main()
        self.main.open_requested.connect(self._open, Qt.ConnectionType.QueuedConnection)
        self._renderer_ending = False
        """A renderer adsim killed that Chromium has not yet seen end: the next load waits."""
        self._waiting: list[Callable[[], None]] = []
        self.view.page.renderProcessTerminated.connect(self._renderer_ended)
        self.main.screenshot_requested.connect(self._screenshot, Qt.ConnectionType.QueuedConnection)
        self.shot_done = threading.Event()
        self.shot_saved = False
        self.main.reload_requested.connect(self._reload, Qt.ConnectionType.QueuedConnection)
        self.main.end_renderer_requested.connect(
            self._end_renderer, Qt.ConnectionType.QueuedConnection
        )
        self._console = console if console is not None else sys.stderr
        self._lock = threading.Lock()
        self._woken = threading.Event()
        self._failure: str | None = None
        self._armed = False
        """A load's handshake is awaited: the errors the page throws uncaught are kept."""
        self._thrown: list[tuple[str, int, str]] = []
        """The first errors the page threw uncaught while its handshake was awaited (source,
        line, message): named if it never connects."""
        self._thrown_more = 0
        """How many more it threw than ``_thrown`` keeps."""
        self._instances = 0
        self._unwatch: Callable[[], None] = lambda: None
        self._opened = ""
        """The URL adsim last opened the page at (no fragment)."""
        self._left_for = ""
        """The URL of a document the page loaded since, itself (``location.href = ...``), or ""."""
        self.view.page.loadingChanged.connect(self._loading)
        self.view.view.loadFinished.connect(self._loaded)
        self.view.page.console.connect(self._print)
        self.view.page.uncaught.connect(self._uncaught)
        self.view.guard.blocked.connect(
            lambda url: self._print(f"blocked {url} {web_page.allow_hint(url)}")
        )
        self.view.certificateRefused.connect(lambda why: self._print(f"certificate refused {why}"))

    # ------------------------------------------------------------------ main thread

    def _open(self) -> None:
        if self._renderer_ending:  # a load now could land in the renderer being killed
            self._waiting.append(self._open)
            return
        with self._lock:
            self._failure = None
        self._left_for = ""
        self._opened = self.view.open(self.target).toString().partition("#")[0]

    def _reload(self) -> None:
        if self._renderer_ending:
            self._waiting.append(self._reload)
            return
        self.view.view.reload()

    def _renderer_ended(self, *_status: Any) -> None:
        """Chromium saw the page's renderer end (or the wait for it is over): the loads that
        waited for it start, in a new renderer."""
        if not self._renderer_ending:
            return
        self._renderer_ending = False
        waiting, self._waiting = self._waiting, []
        for load in waiting:
            load()

    def _loading(self, info: QWebEngineLoadingInfo) -> None:
        """Note a document the page loads that adsim did not open (it navigated away)."""
        if info.status() != QWebEngineLoadingInfo.LoadStatus.LoadStartedStatus:
            return
        url = info.url().toString().partition("#")[0]
        self._left_for = "" if url == self._opened else url

    def blocked(self, reason: str) -> str:
        """The endpoint's verdict that the page reads nothing any more (any thread): its renderer
        is ended, and the reason says so when the page had navigated away rather than looped
        (its AdApi went with the document, and the renderer showed an error page or another)."""
        left = self._left_for
        self.main.end_renderer_requested.emit()
        if not left:
            return reason
        why = f"not a loop: the page had left for {left}, its AdApi with it"
        return f"{reason.removesuffix(LOOP_HINT)} ({why})"

    def _end_renderer(self) -> None:
        """The page's event loop is stuck (``while (true) {}`` in a handler): end its renderer
        process, or the next scenario's load waits behind the loop and fails as a page that
        never constructs an ``AdApi`` (bad input). The next load starts a new renderer."""
        pid = self.view.page.renderProcessPid()
        if pid > 0:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
            else:
                # The next scenario's load waits until Chromium has seen this renderer end:
                # started sooner, on a busy machine, it went to the dying renderer and failed
                # as "the page did not load" (bad input, exit 2).
                self._renderer_ending = True
                QTimer.singleShot(_RENDERER_END_WAIT_MS, self._renderer_ended)
            left = self._left_for
            why = f"the page had left for {left}" if left else "its event loop was blocked"
            self._print(f"its renderer process was ended: {why}")

    def _loaded(self, ok: bool) -> None:
        if not ok:
            with self._lock:
                self._failure = "the page did not load (check the URL or the folder)"
            self._woken.set()

    def _uncaught(self, source: str, line: int, message: str) -> None:
        """The page threw and nobody caught it while its handshake is awaited: kept, to be named
        if the page never connects. It ends nothing: a page may construct its AdApi later (after
        a fetch, a timer, a framework's mount), and an unrelated script's error (an analytics
        call the network guard blocked) is no reason to fail one that does."""
        with self._lock:
            if not self._armed:
                return
            if len(self._thrown) < THROWN_NAMED:
                self._thrown.append((source, line, message))
            else:
                self._thrown_more += 1

    def _screenshot(self, path: str, frames: int = 0) -> None:
        # Two animation frames after the request the page has laid out and painted its latest
        # DOM (checked in an isolated world: the page's globals are left alone); the picture
        # reaches the view a little later, so grab until two grabs in a row agree.
        def painted(value: Any) -> None:
            if value != 2 and frames < _FRAME_POLLS:
                QTimer.singleShot(_FRAME_MS, lambda: self._screenshot(path, frames + 1))
                return
            self.view.page.runJavaScript("delete window.__adsimFrame", _WORLD)
            self._grab_when_stable(path, self.view.view.grab().toImage(), 0)

        self.view.page.runJavaScript(_FRAME_SCRIPT, _WORLD, painted)

    def _grab_when_stable(self, path: str, last: QImage, tries: int) -> None:
        def again() -> None:
            image = self.view.view.grab().toImage()
            if image != last and tries < _FRAME_POLLS:
                self._grab_when_stable(path, image, tries + 1)
                return
            # PySide6's stub types the format as bytes; the binding refuses bytes, takes str.
            self.shot_saved = image.save(path, "PNG")  # type: ignore[call-overload]
            self.shot_done.set()

        QTimer.singleShot(_STABLE_MS, again)

    def _print(self, line: str) -> None:
        print(f"[page] {line}", file=self._console, flush=True)

    # ------------------------------------------------------------------ worker thread

    def expect_handshake(self, endpoint: PageEndpoint) -> None:
        """Arm the wait for the next ``AdApi`` instance of ``endpoint``."""
        with self._lock:
            self._failure = None
            self._instances = endpoint.instances
            self._thrown = []
            self._thrown_more = 0
            self._armed = True
        self._woken.clear()

        def watch(direction: str, packet: dict[str, Any]) -> None:
            if direction == "out" and packet.get("type") == "ready":
                self._woken.set()

        self._unwatch = endpoint.subscribe_packets(watch)

    def wait_handshake(self, endpoint: PageEndpoint, timeout: float, what: str) -> None:
        """Block until ``endpoint`` has a new connected instance; ``InputFileError`` if the
        page failed to load or did not construct an ``AdApi`` within ``timeout`` (naming the
        errors it threw uncaught meanwhile)."""
        deadline = time.monotonic() + timeout
        self._woken.wait(timeout)
        self._unwatch()
        with self._lock:
            failure = self._failure
        # ``ready`` is posted just before the endpoint counts itself connected.
        connected = failure is None and endpoint.ready.wait(max(0.0, deadline - time.monotonic()))
        with self._lock:
            self._armed = False
            thrown, more = self._thrown, self._thrown_more
        if connected and endpoint.instances > self._instances:
            return
        if failure is None and thrown:
            raise not_connected(self.target, thrown, more, timeout, what)
        if failure is None:
            failure = (
                f"the page {'re' if what == 'reload' else ''}loaded but did not construct "
                f"window.brightpattern.AdApi within {timeout:g} s; does it load "
                "/agent/communicator/adapters/api.js?"
            )
        raise InputFileError(str(self.target), None, failure)

    # ------------------------------------------------------------------ running

    def run(
        self, work: Callable[[PageSession], T], others: dict[str, HeadlessPage] | None = None
    ) -> T:
        """Run ``work(session)`` on a worker thread while Qt runs here; its result or error.
        ``others``: the other agents' pages, in ``session.others``."""
        session = PageSession(self)
        session.others = {
            name: PageSession(page, session.cancelled) for name, page in (others or {}).items()
        }
        box: dict[str, Any] = {}

        def body() -> None:
            try:
                box["result"] = work(session)
            except BaseException as exc:  # re-raised on the main thread below
                box["error"] = exc
            finally:
                session.detach()
                for other in session.others.values():
                    other.detach()
                with contextlib.suppress(RuntimeError):  # the page is gone after a Ctrl-C
                    self.main.finished.emit()

        loop = QEventLoop()
        self.main.finished.connect(loop.quit, Qt.ConnectionType.QueuedConnection)
        worker = threading.Thread(target=body, name="adsim-page-run", daemon=True)
        # Started from inside the loop, so ``finished`` can never come before ``exec``.
        QTimer.singleShot(0, worker.start)
        with ctrl_c_quits(loop) as interrupted:
            loop.exec()
        if interrupted:
            # Stop the runs: no more steps, and the page's pending answers fail so a handler
            # that hangs cannot hold them. Give them a moment to stop before the page goes.
            for stopped in (session, *session.others.values()):
                stopped.say_running()
            session.cancelled.set()
            session.detach()
            for other in session.others.values():
                other.detach()
            if worker.is_alive():
                QTimer.singleShot(round(_CANCEL_GRACE_S * 1000), loop.quit)
                loop.exec()
            self.main.finished.disconnect(loop.quit)
            raise Interrupted(interrupted[0])  # adsim exits 128 + the signal
        self.main.finished.disconnect(loop.quit)
        worker.join()
        if "error" in box:
            raise box["error"]
        return box["result"]

    def close(self) -> None:
        """Release the page (before its profile, as QtWebEngine requires)."""
        self.view.close_page()
        self.view.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def drive(
    target: str,
    work: Callable[[PageSession], int],
    *,
    tenant_url: str | None = None,
    allow_origins: Sequence[str] = (),
    timeout: float | None = None,
    others: Sequence[tuple[str, str]] = (),
) -> int:
    """Open ``target`` headless, run ``work(session)`` (the ``adsim run`` loop) beside it and
    return its exit code; the page is released afterwards. ``others``: ``(agent name, target)``
    of the other agents' pages (``session.others``). With ``tenant_url`` the page runs in
    strict-CSP mode (``web_page.use_tenant_url``); ``allow_origins`` are let through the
    network guard; ``timeout``: seconds the page has to construct its AdApi (default 15)."""
    problem = web_page.options_problem(target, tenant_url, allow_origins)
    if problem is not None:
        what, why = problem
        raise InputFileError(what, None, why)
    if tenant_url is not None:
        try:
            web_page.use_tenant_url(tenant_url)
        except RuntimeError as exc:  # strict mode already on for another tenant, in-process
            raise InputFileError("--tenant-url", None, str(exc)) from None
    pages: dict[str, HeadlessPage] = {}
    page = HeadlessPage(target, startup_timeout=timeout or STARTUP_TIMEOUT)
    try:
        page.view.allow_origins(allow_origins)
        # The other agents' pages (``--page NAME=URL``): each a view of its own.
        for name, other in others:
            pages[name] = HeadlessPage(other, startup_timeout=timeout or STARTUP_TIMEOUT)
            pages[name].view.allow_origins(allow_origins)
        return page.run(work, pages)
    finally:
        for other_page in pages.values():
            other_page.close()
        page.close()
