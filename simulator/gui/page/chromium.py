"""Chromium's process-wide set-up, read once, when the first page's profile is made: its flags
(``add_chromium_flags``; ``--no-sandbox`` when running as root) and the strict-CSP mode's tenant
server (``use_tenant_url``: Chromium's resolver maps the tenant's host to it).
"""

from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication
from PySide6.QtWebEngineWidgets import QWebEngineView

from simulator.gui.page.scheme import _shim_script
from simulator.web.tenant_server import TenantServer

__all__ = ["add_chromium_flags", "tenant_server", "use_tenant_url"]


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

_CHROMIUM_FLAGS = "QTWEBENGINE_CHROMIUM_FLAGS"


class _Process:
    """Process-wide state: Chromium reads its flags once, when the first profile is made."""

    tenant: TenantServer | None = None
    pages_created = False


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
