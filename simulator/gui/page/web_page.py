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

Needs the optional extra ``agent-desktop-simulator[web]`` (PySide6-Addons). Import this module
before the QApplication exists: it registers the ``adsim`` scheme, which Qt only accepts then.
"""

from __future__ import annotations

import json
import mimetypes
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QCryptographicHash,
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
    QWebEngineCertificateError,
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

from simulator.gui.long_lines import clipped
from simulator.web import PageEndpoint, shim_path
from simulator.web.tenant_server import (
    SHIM_PATHS,
    WIDGET_FOLDERS,
    TenantServer,
    parse_tenant_url,
    tenant_resource,
)


def add_chromium_flags(*flags: str) -> None:
    """Append ``flags`` to ``$QTWEBENGINE_CHROMIUM_FLAGS``, each unless one of that name is
    there already (the user's own wins). Chromium reads them once, at its first page."""
    current = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "").split()
    names = {flag.split("=", 1)[0] for flag in current}
    current += [flag for flag in flags if flag.split("=", 1)[0] not in names]
    os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = " ".join(current)


if hasattr(os, "geteuid") and os.geteuid() == 0:
    # Chromium refuses to start its sandbox as root.
    add_chromium_flags("--no-sandbox")


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

SCHEME = b"adsim"
HOST = "crm"
_LOG_LINES = 5000
"""Lines the CRM page tab keeps (docs/javascript.md says so): a page open all day logs on."""
_CHROMIUM_FLAGS = "QTWEBENGINE_CHROMIUM_FLAGS"


class _Process:
    """Process-wide state: Chromium reads its flags once, when the first profile is made."""

    tenant: TenantServer | None = None
    pages_created = False


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


_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def origin_of(url: QUrl) -> str:
    """``scheme://host[:port]`` of ``url``, the port only when it is not the scheme's default."""
    scheme = url.scheme().lower()
    port = url.port(_DEFAULT_PORTS.get(scheme, -1))
    suffix = "" if port in (-1, _DEFAULT_PORTS.get(scheme)) else f":{port}"
    host = url.host().lower()
    if ":" in host:  # IPv6: bracketed in an origin
        host = f"[{host}]"
    return f"{scheme}://{host}{suffix}"


def parse_origin(text: str) -> str:
    """An origin to allow (``https://api.example.com``, ``http://localhost:8000``), normalised;
    ``ValueError`` saying what is wrong."""
    url = QUrl(text.strip().rstrip("/"))
    if not url.isValid() or url.scheme().lower() not in _DEFAULT_PORTS or not url.host():
        raise ValueError(
            f"{text}: not an origin; pass scheme://host[:port], e.g. https://api.example.com"
        )
    if url.path() or url.hasQuery() or url.hasFragment() or url.userInfo():
        raise ValueError(f"{text}: an origin has no path, query or user; drop them")
    return origin_of(url)


def allow_hint(url: str) -> str:
    """What lets a blocked ``url`` through."""
    return f"(--allow-origin {origin_of(QUrl(url))} lets it through)"


def page_problem(target: str) -> str | None:
    """Why ``target`` cannot be opened as a CRM page (what to do), or None: it must be an
    http(s) URL or a folder with an ``index.html``."""
    if "://" in target:
        scheme = target.split("://", 1)[0].lower()
        if scheme not in ("http", "https"):
            return "only http:// and https:// pages (or a folder) can be opened"
        return None
    path = Path(target)
    if not path.is_dir():
        return "not a URL nor a folder; pass http://... or a folder with index.html"
    if not (path / "index.html").is_file():
        return "the folder has no index.html; the page opens at adsim://crm/index.html"
    return None


def options_problem(
    target: str, tenant_url: str | None = None, allow_origins: Iterable[str] = ()
) -> tuple[str, str] | None:
    """The first thing wrong with a page's options, as ``(what, why)`` (``what`` is the target
    or the option's flag), or None. Starts nothing: check before ``use_tenant_url``."""
    problem = page_problem(target)
    if problem is not None:
        return target, problem
    if tenant_url is not None:
        try:
            parse_tenant_url(tenant_url)
        except ValueError as exc:
            return "--tenant-url", str(exc)
    for origin in allow_origins:
        try:
            parse_origin(origin)
        except ValueError as exc:
            return "--allow-origin", str(exc)
    return None


def page_url(target: str | Path, query: str = "") -> QUrl:
    """The URL a target opens at: a folder's ``index.html`` under ``adsim://crm/`` (with
    ``?query`` when given), or the URL as it is."""
    path = Path(target)
    if path.is_dir():
        return QUrl(f"{SCHEME.decode()}://{HOST}/index.html" + (f"?{query}" if query else ""))
    return QUrl(str(target))


def widget_query(host: Any) -> str:
    """What a folder's page is opened with for ``host``'s run: ``version=2.0`` when its adApi
    version is served by the Comm.Widget 2.0 (2026), as a tenant's page would be asked to load
    the 2.0 adapter (the example page's switch); nothing otherwise."""
    version = getattr(getattr(host, "sim", None), "api_version", None)
    return "version=2.0" if getattr(version, "widget", "1.0") == "2.0" else ""


def _qwebchannel_js() -> bytes:
    source = QFile(":/qtwebchannel/qwebchannel.js")
    if not source.open(QFile.OpenModeFlag.ReadOnly):
        return b""
    try:
        return bytes(source.readAll().data())
    finally:
        source.close()


def _shim_script() -> bytes:
    """What the page gets as ``api.js``: ``qwebchannel.js``, then the shim."""
    return _qwebchannel_js() + b"\n" + shim_path().read_bytes()


def use_tenant_url(url: str) -> TenantServer:
    """Strict-CSP mode for every CRM page created afterwards: ``https://HOST/...`` (``url`` is
    ``https://HOST``) is answered by a local ``TenantServer`` (the shim at the vendor's script
    paths), whose certificate those pages accept for HOST only; the pages may reach that origin,
    and nothing else beyond what the default mode allows.

    Call once, before the first page or profile exists (Chromium reads its flags once per
    process): ``RuntimeError`` otherwise; ``ValueError`` for a URL that is not ``https://HOST``.
    The server runs until the process ends (or ``.close()``)."""
    if _Process.tenant is not None:
        raise RuntimeError(
            f"strict-CSP mode is already on for {_Process.tenant.url}: one tenant per process"
        )
    if _Process.pages_created or _web_engine_widgets():
        raise RuntimeError(
            "use_tenant_url() must be called before the first CRM page is created: Chromium "
            "reads its flags once per process"
        )
    server = TenantServer(url, shim=_shim_script())
    # Quoted: Qt splits the variable on spaces, and the rule has two. A rule the user set
    # already wins (and then maps the tenant's host wherever they said).
    add_chromium_flags(f'--host-resolver-rules="MAP {server.host} 127.0.0.1:{server.port}"')
    _Process.tenant = server
    return server


def tenant_server() -> TenantServer | None:
    """The strict-CSP mode's tenant server, or None in the default mode."""
    return _Process.tenant


def _web_engine_widgets() -> bool:
    app = QCoreApplication.instance()
    widgets = getattr(app, "allWidgets", None)
    return widgets is not None and any(isinstance(w, QWebEngineView) for w in widgets())


def _certificate_fingerprint(error: QWebEngineCertificateError) -> str | None:
    chain = error.certificateChain()
    if not chain:
        return None
    return bytes(chain[0].digest(QCryptographicHash.Algorithm.Sha256).toHex().data()).decode()


class ShimSchemeHandler(QWebEngineUrlSchemeHandler):
    """Serves ``adsim://crm/``: the shim at the tenant's path, the widget placeholder, and the
    files of one folder (nothing outside it)."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.root: Path | None = None
        self._shim = _shim_script()

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        """Answer one request."""
        path = job.requestUrl().path() or "/"
        found = tenant_resource(path, self._shim)
        if found is not None:
            self._reply(job, found[0].encode(), found[1])
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
    tenant's ``api.js`` and widget frame (``/agent/communicator/...``) are redirected to the shim
    and the placeholder. In strict-CSP mode (``tenant_host`` set) the
    tenant's ``https://`` origin goes through, to the local tenant server."""

    blocked = Signal(str)

    def __init__(self, parent: QObject | None = None, *, tenant_host: str | None = None):
        super().__init__(parent)
        self.origin: str | None = None
        self.tenant_host = tenant_host
        self.allowed: frozenset[str] = frozenset()
        """More origins let through (``--allow-origin``: the page's API, its CDN ...)."""

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        """Allow, redirect or block one request (on QtWebEngine's IO thread)."""
        url = info.requestUrl()
        scheme = url.scheme()
        if scheme in (SCHEME.decode(), "data", "blob", "qrc", "about"):
            return
        if (
            self.tenant_host is not None
            and scheme == "https"
            and url.host().lower() == self.tenant_host
            and url.port(443) == 443
        ):
            return
        if url.path() in SHIM_PATHS or url.path().startswith(WIDGET_FOLDERS):
            # The shim, and the widget frame it mounts, whichever host the page names.
            info.redirect(QUrl(f"{SCHEME.decode()}://{HOST}{url.path()}"))
            return
        origin = origin_of(url)
        if origin == self.origin or origin in self.allowed:
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
    """A page whose console lines are signalled; ``headless``: its dialogs are dismissed."""

    console = Signal(str)
    headless = False
    """Dismiss ``alert``/``confirm``/``prompt`` at once, each said as a console line: headless
    (``adsim run --page``) Qt's dialog waited for a click nobody could give, and adsim hung
    for ever, deaf to Ctrl-C and SIGTERM (they quit Qt's loop, not the dialog's)."""

    def _dismissed(self, kind: str, message: str, answer: str) -> None:
        shown = message if len(message) <= 200 else message[:200] + "..."
        self.console.emit(
            f"{kind}({json.dumps(shown, ensure_ascii=False)}) dismissed, the page got {answer}: "
            "headless, nobody answers a dialog"
        )

    def javaScriptAlert(self, origin: QUrl | str, message: str) -> None:
        """Headless: said and dismissed; else Qt's dialog."""
        if not self.headless:
            super().javaScriptAlert(origin, message)
            return
        self._dismissed("alert", message, "nothing")

    def javaScriptConfirm(self, origin: QUrl | str, message: str) -> bool:
        """Headless: said and answered ``false`` (Cancel); else Qt's dialog."""
        if not self.headless:
            return super().javaScriptConfirm(origin, message)
        self._dismissed("confirm", message, "false")
        return False

    def javaScriptPrompt(self, origin: QUrl | str, message: str, default: str) -> tuple[bool, str]:
        """Headless: said and answered ``null`` (Cancel); else Qt's dialog."""
        if not self.headless:
            return super().javaScriptPrompt(origin, message, default)
        self._dismissed("prompt", message, "null")
        return False, ""

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
        QtWebEngine requires)."""
        if self.endpoint is not None:
            self.endpoint.close()
            self.endpoint = None
        self.view.deleteLater()
        self.page.deleteLater()
        self.profile.deleteLater()


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
