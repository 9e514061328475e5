"""The ``adsim://`` scheme: registered with QtWebEngine (only possible before the QApplication
exists: importing this module does it then), and served by ``ShimSchemeHandler`` (the shim at the
tenant's path behind ``qwebchannel.js``, the widget placeholder, and one folder's files).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QFile, QObject
from PySide6.QtWebEngineCore import (
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from simulator.web import shim_path
from simulator.web.tenant_server import tenant_resource

__all__ = ["HOST", "SCHEME", "ShimSchemeHandler", "register_scheme"]

SCHEME = b"adsim"
HOST = "crm"


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
