"""The "CRM page" dock: a real integration page in QtWebEngine, wired to the simulated widget.

The page is a URL or a local folder. A folder is served under the custom scheme
``adsim://crm/`` (``file://`` pages cannot load the shim the way a tenant serves it); in both
cases the adApi shim answers at ``/agent/communicator/adapters/api.js`` (also the Comm.Widget 2.0
path ``/agent/crmembedded/adapters/api.js``), with ``qwebchannel.js`` in front of it so the shim
talks to ``PageEndpoint`` over QWebChannel. Every other request leaves nowhere: a folder page
gets only its own files, a URL page only its own origin. Every packet and the page's console go
to the dock's log.

Strict-CSP mode (``use_tenant_url``, before the first page): a page that pins the tenant in its
Content-Security-Policy loads the shim from ``https://<tenant>/...`` itself. A local
``TenantServer`` answers for the tenant's host (Chromium's resolver maps the host to it), its
self-signed certificate is accepted for that host only, and the tenant's origin is let through;
everything else stays blocked.

The dock's view and the dock are here; the rest is beside this module, a concept each:
``chromium`` (flags, strict-CSP mode), ``scheme`` (``adsim://``), ``origins``, ``targets`` (what a
page opens), ``network_guard``, ``packet_channel`` and ``crm_page``. Their public names are
importable from here too.

Needs the optional extra ``agent-desktop-simulator[web]`` (PySide6-Addons). Import this module
before the QApplication exists: it registers the ``adsim`` scheme, which Qt only accepts then.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QCoreApplication,
    QCryptographicHash,
    QEvent,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import (
    QWebEngineCertificateError,
    QWebEngineProfile,
    QWebEngineUrlScheme,
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

from simulator.gui.long_lines import clipped
from simulator.gui.page.chromium import (
    _Process,
    add_chromium_flags,
    tenant_server,
    use_tenant_url,
)
from simulator.gui.page.crm_page import CrmPage
from simulator.gui.page.network_guard import NetworkGuard
from simulator.gui.page.origins import allow_hint, origin_of, parse_origin
from simulator.gui.page.packet_channel import PacketChannel
from simulator.gui.page.scheme import (  # HOST: importable from here, as before
    HOST,  # noqa: F401
    SCHEME,
    ShimSchemeHandler,
    register_scheme,
)
from simulator.gui.page.targets import options_problem, page_problem, page_url, widget_query
from simulator.web import PageEndpoint
from simulator.web.tenant_server import SHIM_PATHS

__all__ = [
    "SCHEME",
    "SHIM_PATHS",
    "CrmPageView",
    "add_chromium_flags",
    "add_crm_page_dock",
    "allow_hint",
    "options_problem",
    "origin_of",
    "page_problem",
    "page_url",
    "parse_origin",
    "register_scheme",
    "tenant_server",
    "use_tenant_url",
]

_LOG_LINES = 5000
"""Lines the CRM page tab keeps (docs/javascript.md says so): a page open all day logs on."""


def _certificate_fingerprint(error: QWebEngineCertificateError) -> str | None:
    chain = error.certificateChain()
    if not chain:
        return None
    return bytes(chain[0].digest(QCryptographicHash.Algorithm.Sha256).toHex().data()).decode()


class CrmPageView(QWidget):
    """The CRM page (top) and its packet and console log (bottom), bound to a handler host."""

    certificateRefused = Signal(str)
    """A certificate error refused: ``"<url>: <description>"`` (also in the log)."""

    def __init__(self, parent: QWidget | None = None):
        if QWebEngineUrlScheme.schemeByName(SCHEME).name() != QByteArray(SCHEME):
            raise RuntimeError(
                "the adsim:// scheme is not registered: import simulator.gui.page.web_page before "
                "the QApplication is created"
            )
        super().__init__(parent)
        _Process.pages_created = True
        self.setObjectName("crmPageView")
        self.tenant = _Process.tenant
        # Off the record (nothing kept on disk); released after its page in ``close_page``.
        self.profile = QWebEngineProfile()
        self.schemes = ShimSchemeHandler(self)
        self.profile.installUrlSchemeHandler(SCHEME, self.schemes)
        tenant_host = None if self.tenant is None else self.tenant.host
        self.guard = NetworkGuard(self, tenant_host=tenant_host)
        self.profile.setUrlRequestInterceptor(self.guard)
        self.page = CrmPage(self.profile, self)
        self._released = False
        app = QCoreApplication.instance()
        if app is not None:  # the window's page: released as the app quits, not by Python's exit
            app.aboutToQuit.connect(self._release_at_quit)
        if self.tenant is not None:
            self.page.certificateError.connect(self._certificate_error)
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
        self.packets.arrived.connect(lambda text: self._log(f"page -> {text}"))
        self.packets.packet.connect(lambda text: self._log(f"page <- {text}"))
        self.page.console.connect(self._log)
        self.guard.blocked.connect(
            lambda url: self.log.appendPlainText(f"blocked {url} {allow_hint(url)}")
        )

    def _log(self, line: str) -> None:
        """One line of the log, cut when long: a page logging a megabyte in one line froze
        the window for minutes (``long_lines``); the packets are in the journal whole."""
        self.log.appendPlainText(clipped(line, "the journal has the packets whole"))

    def _certificate_error(self, error: QWebEngineCertificateError) -> None:
        """Strict-CSP mode: accept the tenant server's certificate for the tenant's host only."""
        host = error.url().host()
        tenant = self.tenant
        if tenant is not None and tenant.accepts(host, _certificate_fingerprint(error)):
            error.acceptCertificate()
            return
        error.rejectCertificate()
        refused = f"{error.url().toString()}: {error.description()}"
        self.log.appendPlainText(f"certificate refused {refused}")
        self.certificateRefused.emit(refused)

    def connect_host(
        self, host: Any, name: str = "js:page", blocked: Callable[[str], Any] | None = None
    ) -> PageEndpoint:
        """Make this page a plugin ``name`` of ``host`` (a ``HandlerHost``); ``blocked(reason)``
        when its event loop looks stuck (``PageEndpoint``)."""
        self.endpoint = PageEndpoint(
            host, self.packets.send, name=name, source=name, blocked=blocked
        )
        self.packets.on_packet = self.endpoint.receive
        return self.endpoint

    def open(self, target: str | Path) -> QUrl:
        """Open a URL, or a local folder's ``index.html`` served under ``adsim://crm/``."""
        path = Path(target)
        if path.is_dir():
            self.schemes.root = path
            self.guard.origin = None
        else:
            self.guard.origin = origin_of(QUrl(str(target)))
        endpoint = self.endpoint
        url = page_url(target, widget_query(endpoint.host) if endpoint is not None else "")
        self.view.load(url)
        return url

    def allow_origins(self, origins: Iterable[str]) -> None:
        """Let requests to these origins through too (``parse_origin`` each first)."""
        self.guard.allowed = frozenset(parse_origin(origin) for origin in origins)

    def run_js(self, script: str, callback: Callable[[Any], Any]) -> None:
        """Run ``script`` in the page; ``callback(result)`` with its JSON-decoded value, on the
        GUI thread."""
        wrapped = f"JSON.stringify((function () {{ return ({script}); }})())"
        self.page.runJavaScript(
            wrapped, 0, lambda text: callback(json.loads(text) if text else None)
        )

    def close_page(self) -> None:
        """Fail what the page still owed and release it (the page before its profile, as
        QtWebEngine requires). Once: again, it does nothing."""
        if self._released:
            return
        self._released = True
        if self.endpoint is not None:
            self.endpoint.close()
            self.endpoint = None
        self.view.deleteLater()
        self.page.deleteLater()
        self.profile.deleteLater()

    def _release_at_quit(self) -> None:
        """The app quits with the page still open (the window's dock): released now, the page
        before its profile. Left to Python's exit, the profile (which has no parent) went
        first, and QtWebEngine said "Release of profile requested but WebEnginePage still not
        deleted. Expect troubles !" on every window with a CRM page that closed."""
        if self._released:
            return
        self.close_page()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def add_crm_page_dock(
    window: QMainWindow,
    host: Any,
    target: str | Path | None = None,
    *,
    name: str = "js:page",
    allow_origins: Iterable[str] = (),
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
    view.allow_origins(allow_origins)
    if target is not None:
        view.open(target)
    return view
