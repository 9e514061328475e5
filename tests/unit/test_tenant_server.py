"""The local stand-in for a tenant's web server (strict-CSP mode), over real TLS, no Qt."""

from __future__ import annotations

import hashlib
import socket
import ssl
import threading

import httpx
import pytest
from cryptography import x509

from simulator.cli import main
from simulator.web import shim_path
from simulator.web.tenant_server import (
    SHIM_PATHS,
    WIDGET_PAGE,
    TenantServer,
    accept_certificate,
    parse_tenant_url,
    tenant_resource,
)

HOST = "tenant.adsim.test"
SHIM = b"window.shim = 1;"


@pytest.fixture
def server():
    with TenantServer(f"https://{HOST}", shim=SHIM) as running:
        yield running


def _client(server: TenantServer) -> httpx.Client:
    """A client that trusts only this server's certificate, and checks it names the tenant."""
    pinned = ssl.create_default_context(cadata=server.certificate_pem.decode())
    return httpx.Client(verify=pinned, base_url=f"https://127.0.0.1:{server.port}")


def _get(server: TenantServer, path: str, method: str = "GET") -> httpx.Response:
    with _client(server) as client:
        return client.request(
            method, path, headers={"Host": HOST}, extensions={"sni_hostname": HOST}
        )


@pytest.mark.parametrize("path", SHIM_PATHS)
def test_the_shim_is_served_at_the_vendor_paths_over_tls(server, path):
    response = _get(server, path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.content == SHIM
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("path", ["/agent/communicator/", "/agent/crmembedded/no-ui/?x=1"])
def test_the_widget_placeholder_is_served_under_the_widget_folders(server, path):
    response = _get(server, path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.content == WIDGET_PAGE


@pytest.mark.parametrize(
    "path", ["/", "/index.html", "/agent/", "/agent/communicator", "/api.js", "/../etc/passwd"]
)
def test_everything_else_is_not_found(server, path):
    assert _get(server, path).status_code == 404


def test_head_has_no_body(server):
    response = _get(server, SHIM_PATHS[0], method="HEAD")
    assert response.status_code == 200
    assert response.headers["content-length"] == str(len(SHIM))
    assert response.content == b""


def test_the_certificate_names_the_tenant_and_its_fingerprint_is_published(server):
    der = ssl.PEM_cert_to_DER_cert(ssl.get_server_certificate(("127.0.0.1", server.port)))
    assert hashlib.sha256(der).hexdigest() == server.fingerprint
    certificate = x509.load_der_x509_certificate(der)
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == [HOST]
    assert (server.host, server.url) == (HOST, f"https://{HOST}")


def test_the_certificate_is_for_the_tenant_host_only(server):
    with _client(server) as client, pytest.raises(httpx.ConnectError):
        client.get("/", extensions={"sni_hostname": "other.adsim.test"})


def test_each_server_has_its_own_certificate():
    with TenantServer(f"https://{HOST}") as one, TenantServer(f"https://{HOST}") as two:
        assert one.fingerprint != two.fingerprint
        assert one.port != two.port
        # Without ``shim``: the bare shim (the window puts qwebchannel.js in front).
        assert _get(one, SHIM_PATHS[1]).content == shim_path().read_bytes()


def test_close_frees_the_port_and_is_idempotent():
    server = TenantServer(f"https://{HOST}/")
    port = server.port
    server.close()
    server.close()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"https://127.0.0.1:{port}/", verify=False)


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://acme.brightpattern.com", "acme.brightpattern.com"),
        ("https://Acme.BrightPattern.com:443/", "acme.brightpattern.com"),
        (" https://tenant.adsim.test. ", "tenant.adsim.test"),
    ],
)
def test_a_tenant_url_is_an_https_origin(url, host):
    assert parse_tenant_url(url) == host


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://acme.example.com", "https://"),
        ("acme.example.com", "https://"),
        ("https://acme.example.com:8443", "port 443"),
        ("https://acme.example.com:x", "port"),
        ("https://acme.example.com/agent/", "no path"),
        ("https://acme.example.com/?tenant=1", "no path"),
        ("https://user:secret@acme.example.com", "no user name"),
        ("https://", "no host"),
        ("https://127.0.0.1", "not an IP address"),
        ("https://[::1]", "not an IP address"),
        ("https://acme_crm.example.com", "not a DNS name"),
    ],
)
def test_a_bad_tenant_url_says_what_to_pass(url, why):
    with pytest.raises(ValueError, match="not a tenant URL") as raised:
        TenantServer(url)
    message = str(raised.value)
    assert message.startswith(f"{url}: ")
    assert why in message
    assert "e.g. https://acme.brightpattern.com" in message


def test_tenant_resource_is_what_both_servers_answer():
    assert tenant_resource(SHIM_PATHS[0], SHIM) == ("text/javascript", SHIM)
    assert tenant_resource("/agent/crmembedded/", SHIM) == ("text/html", WIDGET_PAGE)
    assert tenant_resource("/index.html", SHIM) is None


FINGERPRINT = "ab" * 32


@pytest.mark.parametrize(
    ("error_host", "presented", "accepted"),
    [
        (HOST, FINGERPRINT, True),
        (HOST.upper() + ".", FINGERPRINT.upper(), True),  # case, trailing dot
        (HOST, ":".join(["AB"] * 32), True),  # the colon-separated form
        ("other.adsim.test", FINGERPRINT, False),  # our certificate, for another host
        (f"evil.{HOST}", FINGERPRINT, False),
        (HOST, "cd" * 32, False),  # the tenant's host, some other certificate
        (HOST, None, False),  # no certificate presented
        (HOST, "", False),
        ("", FINGERPRINT, False),
    ],
)
def test_a_certificate_error_is_accepted_for_our_host_and_certificate_only(
    error_host, presented, accepted
):
    assert accept_certificate(HOST, FINGERPRINT, error_host, presented) is accepted


def test_the_server_accepts_only_its_own_certificate(server):
    assert server.accepts(HOST, server.fingerprint)
    assert not server.accepts(HOST, "00" * 32)
    assert not server.accepts("acme.brightpattern.com", server.fingerprint)


def test_the_window_needs_a_page_for_a_tenant_url(capsys):
    assert main(["--tenant-url", f"https://{HOST}"]) == 2
    err = capsys.readouterr().err
    assert err == "adsim: --tenant-url: needs --page URL|DIR (the page to serve)\n"


def test_a_connection_left_open_is_not_taken_for_a_plugins_thread():
    """A page's connection still open at the end of a run (HTTP/1.1 keeps it) is served by a
    thread of adsim's own, which the run's count of a plugin's leftover threads leaves out."""
    from simulator.handlers import leftover_threads

    before = leftover_threads.snapshot()
    with TenantServer(f"https://{HOST}", shim=SHIM) as running:
        pinned = ssl.create_default_context(cadata=running.certificate_pem.decode())
        with (
            socket.create_connection(("127.0.0.1", running.port), timeout=30) as raw,
            pinned.wrap_socket(raw, server_hostname=HOST) as connection,
        ):
            connection.sendall(f"HEAD {SHIM_PATHS[0]} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
            assert connection.recv(4096).startswith(b"HTTP/1.1 200")  # its thread is running
            serving = [t for t in threading.enumerate() if t not in before]
            assert len(serving) == 2  # the server's and the connection's
            assert all(thread.name.startswith("adsim-tenant-") for thread in serving)
            assert leftover_threads.left_running(before, 0.0) == []
