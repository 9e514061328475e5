"""What a CRM page opens: an http(s) URL or a folder with an ``index.html``, checked before
anything starts (``page_problem``, ``options_problem``), and the URL it is opened at
(``page_url``, with ``widget_query`` for a Comm.Widget 2.0 run).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl

from simulator.gui.page.origins import parse_origin
from simulator.gui.page.scheme import HOST, SCHEME
from simulator.web.tenant_server import parse_tenant_url

__all__ = ["options_problem", "page_problem", "page_url", "widget_query"]


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
