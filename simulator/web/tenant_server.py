"""What a Bright Pattern tenant serves a CRM page, at the tenant's own ``https://`` origin.

A CRM page loads ``https://<tenant>/agent/communicator/adapters/api.js`` and often pins it with
a Content-Security-Policy (``script-src https://acme.brightpattern.com``), so the shim has to
answer at that very URL, not behind a redirect to another scheme. ``TenantServer`` is a local
HTTPS server on ``127.0.0.1`` with a certificate made at start for the tenant's host; the window
points Chromium's resolver for that host at it and accepts that one certificate (see
``simulator.gui.web_page.use_tenant_url``). ``tenant_resource`` is what both it and the window's
``adsim://`` scheme answer: the shim at the vendor's script paths, the widget placeholder under
the widget's folders, nothing else.

No Qt: the server runs on a daemon thread and is tested with a plain HTTP client.
"""

from __future__ import annotations

import datetime
import ipaddress
import itertools
import re
import ssl
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from simulator.web.node import shim_path

__all__ = [
    "SHIM_PATHS",
    "WIDGET_FOLDERS",
    "WIDGET_PAGE",
    "TenantServer",
    "accept_certificate",
    "parse_tenant_url",
    "tenant_resource",
]

SHIM_PATHS = ("/agent/communicator/adapters/api.js", "/agent/crmembedded/adapters/api.js")
"""Where a tenant serves ``api.js``: Comm.Widget 1.0, then 2.0."""
WIDGET_FOLDERS = ("/agent/communicator/", "/agent/crmembedded/")
"""Where the vendor's widget lives; the simulator answers a placeholder page there."""
WIDGET_PAGE = (
    b"<!doctype html><meta charset='utf-8'><title>Agent Desktop (simulated)</title>"
    b"<body style='font:13px system-ui;margin:8px;color:#555'>The simulated agent desktop runs "
    b"in the simulator window.</body>"
)
"""The placeholder the shim's iframe shows where the vendor's widget would be."""

_CERT_DAYS = 30  # Chromium refuses certificates valid for more than 398 days
_HANDSHAKE_S = 10.0
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def tenant_resource(path: str, shim: bytes) -> tuple[str, bytes] | None:
    """``(content type, body)`` a tenant answers at ``path`` for the simulator, or None."""
    if path in SHIM_PATHS:
        return "text/javascript", shim
    if path.startswith(WIDGET_FOLDERS):
        return "text/html", WIDGET_PAGE
    return None


def parse_tenant_url(url: str) -> str:
    """The host of a tenant URL ``https://HOST[:443][/]``; ``ValueError`` saying what is wrong."""

    def bad(why: str) -> ValueError:
        return ValueError(
            f"{url}: not a tenant URL ({why}); pass the tenant's origin, "
            "e.g. https://acme.brightpattern.com"
        )

    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:
        raise bad(str(exc)) from None
    try:
        port = parts.port
    except ValueError:
        raise bad("the port is not a number from 1 to 65535") from None
    if parts.scheme != "https":
        raise bad("it must start with https://")
    if parts.username is not None or parts.password is not None:
        raise bad("no user name or password")
    if port not in (None, 443):
        raise bad("the tenant is served on port 443")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise bad("no path, query or fragment")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise bad("no host")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        raise bad("a host name, not an IP address")
    if not all(_LABEL.match(label) for label in host.split(".")) or len(host) > 253:
        raise bad("the host is not a DNS name")
    return host


def accept_certificate(
    tenant_host: str, fingerprint: str, error_host: str, presented: str | None
) -> bool:
    """Whether a certificate error is ours to accept: for the tenant's host only, and only for
    the certificate the tenant server presents (its SHA-256 ``fingerprint``, hex)."""
    if not error_host or not presented:
        return False
    return (
        error_host.rstrip(".").lower() == tenant_host.lower()
        and presented.replace(":", "").lower() == fingerprint.lower()
    )


def _certificate(host: str) -> tuple[bytes, bytes, str]:
    """A fresh self-signed server certificate for ``host``: (PEM certificate, PEM key, SHA-256
    of the DER certificate in hex)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=_CERT_DAYS))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    return (
        certificate.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        certificate.fingerprint(hashes.SHA256()).hex(),
    )


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def _answer(self, *, with_body: bool) -> None:
        found = tenant_resource(urlsplit(self.path).path, self.server.shim)
        status, kind, body = (200, *found) if found else (404, "text/plain", b"not found\n")
        self.send_response(status)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        # A page may load the script with crossorigin="anonymous".
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the window logs what the page loads."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, shim: bytes, context: ssl.SSLContext, host: str):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.shim = shim
        self.host = host
        self._connections = itertools.count(1)
        # The handshake runs on the connection's own thread, not in accept().
        self.socket = context.wrap_socket(
            self.socket, server_side=True, do_handshake_on_connect=False
        )

    def process_request(self, request: Any, client_address: Any) -> None:
        """Each connection on a daemon thread of its own, named ``adsim-...`` as every thread
        adsim starts: a thread of another name is taken for a plugin's, and a page's connection
        still open at the end of a run was said to be a thread a plugin left running
        (``simulator.handlers.leftover_threads``). As ``ThreadingMixIn``'s, which names none
        (a daemon is not waited for at ``server_close``)."""
        threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name=f"adsim-tenant-{self.host}-{next(self._connections)}",
            daemon=True,
        ).start()

    def finish_request(self, request: Any, client_address: Any) -> None:
        request.settimeout(_HANDSHAKE_S)
        request.do_handshake()
        request.settimeout(None)
        super().finish_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up or refused the certificate is not an error of ours."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class TenantServer:
    """A local HTTPS stand-in for ``tenant_url``: the shim at the vendor's script paths, the
    widget placeholder under the widget's folders, 404 for anything else.

    Listens on ``127.0.0.1`` (``.port``) from construction until ``close()``, with a self-signed
    certificate made for ``.host`` (``.certificate_pem``; ``.fingerprint``: SHA-256 of its DER,
    lowercase hex); ``.url`` is ``https://HOST``. ``shim`` is the script's body (default: the
    bare shim, without the window's ``qwebchannel.js``). ``ValueError`` for a URL that is not
    ``https://HOST``.
    """

    def __init__(self, tenant_url: str, *, shim: bytes | None = None):
        self.host = parse_tenant_url(tenant_url)
        self.url = f"https://{self.host}"
        certificate, key, self.fingerprint = _certificate(self.host)
        self.certificate_pem = certificate
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.set_alpn_protocols(["http/1.1"])
        with tempfile.TemporaryDirectory(prefix="adsim-tenant-") as folder:
            # ssl loads a key only from a file: a private folder, gone once it is read.
            cert_file, key_file = Path(folder, "cert.pem"), Path(folder, "key.pem")
            cert_file.write_bytes(certificate)
            key_file.write_bytes(key)
            context.load_cert_chain(cert_file, key_file)
        self._server = _Server(
            shim_path().read_bytes() if shim is None else shim, context, self.host
        )
        self.port: int = self._server.server_address[1]
        self._closed = False
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # how long close() may wait
            name=f"adsim-tenant-{self.host}",
            daemon=True,
        )
        self._thread.start()

    def accepts(self, error_host: str, presented: str | None) -> bool:
        """Whether a certificate error for ``error_host`` presenting ``presented`` is ours."""
        return accept_certificate(self.host, self.fingerprint, error_host, presented)

    def close(self) -> None:
        """Stop serving and free the port (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def __enter__(self) -> TenantServer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"TenantServer({self.url!r} at 127.0.0.1:{self.port})"
