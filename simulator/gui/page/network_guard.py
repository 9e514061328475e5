"""``NetworkGuard``: the one way out of a CRM page; every request but the page's own origin, the
``adsim://`` scheme and the origins let through is blocked, and the tenant's shim paths are
redirected to the local shim.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtWebEngineCore import QWebEngineUrlRequestInfo, QWebEngineUrlRequestInterceptor

from simulator.gui.page.origins import origin_of
from simulator.gui.page.scheme import HOST, SCHEME
from simulator.web.tenant_server import SHIM_PATHS, WIDGET_FOLDERS

__all__ = ["NetworkGuard"]


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
