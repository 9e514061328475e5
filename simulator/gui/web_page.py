"""The "CRM page" dock: a real integration page in QtWebEngine, wired to the simulated widget.

The page is a URL or a local folder. A folder is served under the custom scheme
``adsim://crm/`` (``file://`` pages cannot load the shim the way a tenant serves it); in both
cases the adApi shim answers at ``/agent/communicator/adapters/api.js`` (also the Comm.Widget 2.0
path ``/agent/crmembedded/adapters/api.js``), with ``qwebchannel.js`` in front of it so the shim
talks to ``PageEndpoint`` over QWebChannel. Every other request leaves nowhere: a folder page
gets only its own files, a URL page only its own origin. Every packet and the page's console go
to the dock's log.

Needs the optional extra ``agent-desktop-simulator[web]`` (PySide6-Addons). Import this module
before the QApplication exists: it registers the ``adsim`` scheme, which Qt only accepts then.
"""

from __future__ import annotations

import json
import mimetypes
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

if hasattr(os, "geteuid") and os.geteuid() == 0:
    # Chromium refuses to start its sandbox as root.
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QFile,
    QObject,
    Qt,
    QTimer,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from simulator.web import PageEndpoint, shim_path

__all__ = ["SCHEME", "CrmPageView", "add_crm_page_dock", "page_url", "register_scheme"]

SCHEME = b"adsim"
HOST = "crm"
SHIM_PATHS = ("/agent/communicator/adapters/api.js", "/agent/crmembedded/adapters/api.js")
_WIDGET_PAGE = (
    b"<!doctype html><meta charset='utf-8'><title>Agent Desktop (simulated)</title>"
    b"<body style='font:13px system-ui;margin:8px;color:#555'>The simulated agent desktop runs "
    b"in the simulator window.</body>"
)
_LOG_LINES = 5000


def register_scheme() -> None:
    """Register ``adsim://`` with QtWebEngine (only possible before the QApplication exists)."""
    if QWebEngineUrlScheme.schemeByName(SCHEME).name() == QByteArray(SCHEME):
        return
    scheme = QWebEngineUrlScheme(SCHEME)
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    scheme.setFlags(
        QWebEngineUrlScheme.Flag.SecureScheme
        | QWebEngineUrlScheme.Flag.CorsEnabled
        | QWebEngineUrlScheme.Flag.ContentSecurityPolicyIgnored
    )
    QWebEngineUrlScheme.registerScheme(scheme)


if QCoreApplication.instance() is None:
    register_scheme()


def page_url(target: str | Path) -> QUrl:
    """The URL a target opens at: a folder's ``index.html`` under ``adsim://crm/``, or the URL."""
    path = Path(target)
    if path.is_dir():
        return QUrl(f"{SCHEME.decode()}://{HOST}/index.html")
    return QUrl(str(target))


def _qwebchannel_js() -> bytes:
    source = QFile(":/qtwebchannel/qwebchannel.js")
    if not source.open(QFile.OpenModeFlag.ReadOnly):
        return b""
    try:
        return bytes(source.readAll().data())
    finally:
        source.close()


class ShimSchemeHandler(QWebEngineUrlSchemeHandler):
    """Serves ``adsim://crm/``: the shim at the tenant's path, the widget placeholder, and the
    files of one folder (nothing outside it)."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.root: Path | None = None
        self._shim = _qwebchannel_js() + b"\n" + shim_path().read_bytes()

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        """Answer one request."""
        path = job.requestUrl().path() or "/"
        if path in SHIM_PATHS:
            self._reply(job, b"text/javascript", self._shim)
            return
        if path.startswith(("/agent/communicator/", "/agent/crmembedded/")):
            self._reply(job, b"text/html", _WIDGET_PAGE)
            return
        root = self.root
        if root is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        wanted = (root / path.lstrip("/")).resolve()
        if wanted.is_dir():
            wanted = wanted / "index.html"
        if not wanted.is_relative_to(root.resolve()) or not wanted.is_file():
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        kind = mimetypes.guess_type(wanted.name)[0] or "application/octet-stream"
        if wanted.suffix in (".js", ".mjs"):
            kind = "text/javascript"
        self._reply(job, kind.encode(), wanted.read_bytes())

    @staticmethod
    def _reply(job: QWebEngineUrlRequestJob, kind: bytes, body: bytes) -> None:
        buffer = QBuffer(job)
        buffer.setData(body)
        buffer.open(QBuffer.OpenModeFlag.ReadOnly)
        job.reply(kind, buffer)


class NetworkGuard(QWebEngineUrlRequestInterceptor):
    """Blocks every request but ``adsim://``, inline data and the opened URL's own origin; a
    tenant's ``api.js`` is redirected to the shim."""

    blocked = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.origin: str | None = None

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        """Allow, redirect or block one request (on QtWebEngine's IO thread)."""
        url = info.requestUrl()
        scheme = url.scheme()
        if scheme in (SCHEME.decode(), "data", "blob", "qrc", "about"):
            return
        if url.path() in SHIM_PATHS:
            info.redirect(QUrl(f"{SCHEME.decode()}://{HOST}{url.path()}"))
            return
        origin = f"{scheme}://{url.authority()}"
        if self.origin is not None and origin == self.origin:
            return
        info.block(True)
        self.blocked.emit(url.toString())


class PacketChannel(QObject):
    """The object the shim reaches as ``channel.objects.adsim``: ``receive(json)`` from the page,
    ``packet(json)`` to it. ``send`` may be called from any thread."""

    packet = Signal(str)
    arrived = Signal(str)
    _outgoing = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.on_packet: Callable[[dict[str, Any]], Any] | None = None
        self._outgoing.connect(self.packet, Qt.ConnectionType.QueuedConnection)

    @Slot(str)
    def receive(self, text: str) -> None:
        """A packet from the page (JSON)."""
        self.arrived.emit(text)
        try:
            packet = json.loads(text)
        except ValueError:
            return
        if isinstance(packet, dict) and self.on_packet is not None:
            self.on_packet(packet)

    def send(self, packet: dict[str, Any]) -> None:
        """Post a packet to the page (thread-safe: crosses to the GUI thread)."""
        self._outgoing.emit(json.dumps(packet, separators=(",", ":"), ensure_ascii=False))


class CrmPage(QWebEnginePage):
    """A page whose console lines are signalled."""

    console = Signal(str)

    def javaScriptConsoleMessage(
        self,
        level: QWebEnginePage.JavaScriptConsoleMessageLevel,
        message: str,
        line: int,
        source: str,
    ) -> None:
        """Forward the page's console to the log."""
        self.console.emit(f"console {level.name}: {message} ({source}:{line})")


class CrmPageView(QWidget):
    """The CRM page (top) and its packet and console log (bottom), bound to a handler host."""

    def __init__(self, parent: QWidget | None = None):
        if QWebEngineUrlScheme.schemeByName(SCHEME).name() != QByteArray(SCHEME):
            raise RuntimeError(
                "the adsim:// scheme is not registered: import simulator.gui.web_page before "
                "the QApplication is created"
            )
        super().__init__(parent)
        self.setObjectName("crmPageView")
        # Off the record (nothing kept on disk); released after its page in ``close_page``.
        self.profile = QWebEngineProfile()
        self.schemes = ShimSchemeHandler(self)
        self.profile.installUrlSchemeHandler(SCHEME, self.schemes)
        self.guard = NetworkGuard(self)
        self.profile.setUrlRequestInterceptor(self.guard)
        self.page = CrmPage(self.profile, self)
        self.channel = QWebChannel(self)
        self.packets = PacketChannel(self)
        self.channel.registerObject("adsim", self.packets)
        self.page.setWebChannel(self.channel)
        self.view = QWebEngineView(self)
        self.view.setObjectName("crmPage")
        self.view.setPage(self.page)
        self.log = QPlainTextEdit(self)
        self.log.setObjectName("crmPageLog")
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(_LOG_LINES)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.view)
        split.addWidget(self.log)
        split.setSizes([600, 160])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self.endpoint: PageEndpoint | None = None
        self.packets.arrived.connect(lambda text: self.log.appendPlainText(f"page -> {text}"))
        self.packets.packet.connect(lambda text: self.log.appendPlainText(f"page <- {text}"))
        self.page.console.connect(self.log.appendPlainText)
        self.guard.blocked.connect(lambda url: self.log.appendPlainText(f"blocked {url}"))

    def connect_host(self, host: Any, name: str = "js:page") -> PageEndpoint:
        """Make this page a plugin ``name`` of ``host`` (a ``HandlerHost``)."""
        self.endpoint = PageEndpoint(host, self.packets.send, name=name, source=name)
        self.packets.on_packet = self.endpoint.receive
        return self.endpoint

    def open(self, target: str | Path) -> QUrl:
        """Open a URL, or a local folder's ``index.html`` served under ``adsim://crm/``."""
        path = Path(target)
        if path.is_dir():
            self.schemes.root = path
            self.guard.origin = None
        else:
            url = QUrl(str(target))
            self.guard.origin = f"{url.scheme()}://{url.authority()}"
        url = page_url(target)
        self.view.load(url)
        return url

    def run_js(self, script: str, callback: Callable[[Any], Any]) -> None:
        """Run ``script`` in the page; ``callback(result)`` with its JSON-decoded value, on the
        GUI thread."""
        wrapped = f"JSON.stringify((function () {{ return ({script}); }})())"
        self.page.runJavaScript(
            wrapped, 0, lambda text: callback(json.loads(text) if text else None)
        )

    def close_page(self) -> None:
        """Fail what the page still owed and release it (the page before its profile, as
        QtWebEngine requires)."""
        if self.endpoint is not None:
            self.endpoint.close()
            self.endpoint = None
        self.view.deleteLater()
        self.page.deleteLater()
        self.profile.deleteLater()


def add_crm_page_dock(
    window: QMainWindow, host: Any, target: str | Path | None = None, *, name: str = "js:page"
) -> CrmPageView:
    """Add the "CRM page" dock to ``window``, as plugin ``name`` of ``host``; open ``target``
    (a URL or a folder) if given. The packet and console log becomes a tab of the window's event
    inspector when it has one, and the dock's toggle joins the View menu."""
    view = CrmPageView()
    dock = QDockWidget("CRM page", window)
    dock.setObjectName("crmPageDock")
    dock.setWidget(view)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    # A CRM page needs room: share the right column's first dock as a tab, in front, widened.
    right = [
        other
        for other in window.findChildren(QDockWidget)
        if other is not dock
        and window.dockWidgetArea(other) == Qt.DockWidgetArea.RightDockWidgetArea
        and not other.isFloating()
    ]
    if right:
        window.tabifyDockWidget(right[0], dock)
        window.resizeDocks([dock], [560], Qt.Orientation.Horizontal)
        QTimer.singleShot(0, dock.raise_)  # once the tab bar exists
    inspector = getattr(window, "inspector", None)
    if isinstance(inspector, QTabWidget):
        inspector.addTab(view.log, "CRM page")
    for menu in window.menuBar().findChildren(QMenu):
        if menu.title().replace("&", "") == "View":
            menu.addAction(dock.toggleViewAction())
            break
    view.connect_host(host, name=name)
    if target is not None:
        view.open(target)
    return view
