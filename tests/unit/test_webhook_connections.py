"""The webhook's connections: kept alive across deliveries (plain and TLS), and still bounded.

Each delivery opened a new TCP connection (and with ``https://`` a new TLS handshake), because
the client kept none alive so that every socket was one the attempt's cutoff had seen connect.
A local server here counts the connections it accepts and answers each request as the test says.
"""

from __future__ import annotations

import contextlib
import re
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from simulator.contract import EventName
from simulator.handlers import WebhookError, WebhookHandler

WAIT = 10.0
EVENT = EventName.ON_SAVE_ACTIVITY_RECORD
OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"  # one write: the body comes with it

Answer = Callable[[socket.socket, threading.Event], bool]
"""Sends the answer to one request; False ends the connection."""


def ok(conn: socket.socket, stop: threading.Event) -> bool:
    conn.sendall(OK)
    return True


def close_unanswered(conn: socket.socket, stop: threading.Event) -> bool:
    """What a server does with a kept connection it times out as the next request arrives."""
    return False


def trickle_headers(conn: socket.socket, stop: threading.Event) -> bool:
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    while not stop.wait(0.02):  # a line before each read times out: never does
        conn.sendall(b"X-Slow: 1\r\n")
    return False


def body_never_ends(conn: socket.socket, stop: threading.Event) -> bool:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nfirst bytes")
    stop.wait(WAIT)
    return False


def body_too_long(conn: socket.socket, stop: threading.Event) -> bool:
    size = 1024 * 1024
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % size + b"x" * size)
    return True


class Endpoint:
    """A local HTTP/1.1 server (TLS with ``context``) keeping its connections alive: the n-th
    request it receives, over any connection, is answered by ``answers[n]`` (the last one
    repeats); ``accepted`` counts the TCP connections, ``bodies`` the requests' bodies."""

    def __init__(self, answers: list[Answer], context: ssl.SSLContext | None = None):
        self.answers = answers
        self.context = context
        self.accepted = 0
        self.bodies: list[bytes] = []
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self._start(self._accept)

    def _start(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                continue
            with self._lock:
                self.accepted += 1
            self._start(self._serve, conn)

    def _serve(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError), conn:
            conn.settimeout(WAIT)
            if self.context is None:
                self._answer(conn)
                return
            with self.context.wrap_socket(conn, server_side=True) as tls:
                self._answer(tls)

    def _answer(self, conn: socket.socket) -> None:
        data = b""
        while True:
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, data = data.partition(b"\r\n\r\n")
            found = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
            length = int(found.group(1)) if found else 0
            while len(data) < length:
                data += conn.recv(65536)
            with self._lock:
                index = len(self.bodies)
                self.bodies.append(data[:length])
            data = data[length:]
            answer = self.answers[min(index, len(self.answers) - 1)]
            if not answer(conn, self.stop):
                return

    def close(self) -> None:
        self.stop.set()
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(WAIT)
        self.listener.close()


@pytest.fixture
def endpoint() -> Iterator[Callable[..., Endpoint]]:
    made: list[Endpoint] = []

    def make(answers: list[Answer], context: ssl.SSLContext | None = None) -> Endpoint:
        made.append(Endpoint(answers, context))
        return made[-1]

    yield make
    for server in made:
        server.close()


@pytest.fixture
def tls(tmp_path, monkeypatch) -> ssl.SSLContext:
    """A server context with a certificate for ``localhost`` that the webhook's client trusts
    (through ``SSL_CERT_FILE``, as the docs tell users with their own CA)."""
    from simulator.web.tenant_server import _certificate

    cert, key, _fingerprint = _certificate("localhost")
    (tmp_path / "cert.pem").write_bytes(cert)
    (tmp_path / "key.pem").write_bytes(key)
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "cert.pem"))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    return context


def _webhook(server: Endpoint, **options: Any) -> WebhookHandler:
    scheme, host = ("https", "localhost") if server.context else ("http", "127.0.0.1")
    options = {"request_timeout": WAIT, "sleep": lambda s: None, **options}
    return WebhookHandler(f"{scheme}://{host}:{server.port}/hook", **options)


def _deliver_or_hold(webhook: WebhookHandler, record: dict) -> BaseException | dict:
    """The delivery's receipt or error, from a thread: a delivery still running after three
    times the longest wait is a failure of its own, not a hung test."""
    done: list[BaseException | dict] = []

    def deliver() -> None:
        try:
            done.append(webhook.deliver(EVENT, (record,)))
        except BaseException as exc:
            done.append(exc)

    thread = threading.Thread(target=deliver, daemon=True)
    thread.start()
    thread.join(WAIT * 3)
    assert not thread.is_alive(), "the delivery was still waiting"
    return done[0]


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_deliveries_share_one_kept_connection(endpoint, scheme, request):
    """Five deliveries, one TCP connection (and with https one TLS handshake): each opened its
    own, the previous answer's body left unread."""
    server = endpoint([ok], request.getfixturevalue("tls") if scheme == "https" else None)
    webhook = _webhook(server)
    try:
        receipts = [webhook.deliver(EVENT, ({"interactionId": str(n)},)) for n in range(5)]
    finally:
        webhook.close()
    assert receipts == [{"status": 200, "attempts": 1}] * 5
    assert server.bodies == [b'{"interactionId":"%d"}' % n for n in range(5)]
    assert server.accepted == 1


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_kept_connection_whose_answer_trickles_is_cut_off_at_the_budget(
    endpoint, scheme, request
):
    """The second delivery goes over the connection the first one opened, which the attempt's
    cutoff never saw connect: its trickled headers must still end it at the budget, and the
    connection is not used again."""
    context = request.getfixturevalue("tls") if scheme == "https" else None
    server = endpoint([ok, trickle_headers, ok], context)
    webhook = _webhook(server, attempts=1, budget=0.5)
    try:
        first = webhook.deliver(EVENT, ({"interactionId": "1"},))
        second = _deliver_or_hold(webhook, {"interactionId": "2"})
        accepted_by_then = server.accepted
        third = webhook.deliver(EVENT, ({"interactionId": "3"},))
    finally:
        webhook.close()
    assert first == third == {"status": 200, "attempts": 1}
    assert isinstance(second, WebhookError)
    assert "no complete answer within 0.5 s" in str(second)
    assert accepted_by_then == 1, "the trickled answer came over the kept connection"
    assert server.accepted == 2, "the connection cut off was dropped"


def test_a_kept_connection_the_server_closed_is_no_failed_attempt(endpoint):
    """A server closes a kept connection as the next request arrives (its idle timeout): the
    request goes again at once on a new connection, no backoff, no attempt spent. The receipt
    counts both requests: it said ``attempts: 1`` while the endpoint had the record twice."""
    server = endpoint([ok, close_unanswered, ok])
    slept: list[float] = []
    webhook = _webhook(server, sleep=slept.append, attempts=1)
    try:
        receipts = [webhook.deliver(EVENT, ({"interactionId": n},)) for n in "12"]
    finally:
        webhook.close()
    assert receipts == [{"status": 200, "attempts": 1}, {"status": 200, "attempts": 2}]
    assert slept == []
    assert server.bodies == [b'{"interactionId":"1"}', *[b'{"interactionId":"2"}'] * 2]
    assert server.accepted == 2


def test_a_new_connection_closed_unanswered_is_a_failed_attempt(endpoint):
    """Only a kept connection gets the free retry: a server that closes every new connection
    unanswered fails each attempt, with its backoff."""
    server = endpoint([close_unanswered])
    slept: list[float] = []
    webhook = _webhook(server, attempts=2, sleep=slept.append)
    try:
        with pytest.raises(WebhookError, match="after 2 attempts"):
            webhook.deliver(EVENT, ({"interactionId": "1"},))
    finally:
        webhook.close()
    assert slept == [0.5]
    assert len(server.bodies) == server.accepted == 2


@pytest.mark.parametrize("answer", [body_never_ends, body_too_long])
def test_a_body_not_read_to_its_end_costs_the_connection_not_the_delivery(endpoint, answer):
    """The body is read only so that the connection can be kept: one that does not come, or
    goes on past 64 KiB, leaves the status as the answer and the connection dropped."""
    server = endpoint([answer, ok])
    webhook = _webhook(server, attempts=1, budget=WAIT)
    try:
        first = _deliver_or_hold(webhook, {"interactionId": "1"})
        second = webhook.deliver(EVENT, ({"interactionId": "2"},))
    finally:
        webhook.close()
    assert first == second == {"status": 200, "attempts": 1}
    assert server.accepted == 2


def test_one_timer_thread_per_handler_ended_by_close(endpoint):
    """A ``threading.Timer`` per attempt cost more than a kept-alive request: one thread keeps
    the handler's time, and ``close`` ends it."""
    server = endpoint([ok])
    before = set(threading.enumerate())
    webhook = _webhook(server)
    try:
        for n in range(5):
            webhook.deliver(EVENT, ({"interactionId": str(n)},))
        started = [t for t in threading.enumerate() if t not in before]
        timers = [t for t in started if t.name == "adsim-webhook-cutoff"]
    finally:
        webhook.close()
    assert len(timers) == 1
    assert not timers[0].is_alive()


def busy(conn: socket.socket, stop: threading.Event) -> bool:
    conn.sendall(b"HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n")
    return True


def test_deliveries_of_one_handler_never_overlap(endpoint):
    """The cutoff keeps one clock per handler: a delivery that starts while an earlier one is
    still running (a host that gave up on a call leaves it running) waits for it, within its
    budget, and says so if it cannot."""
    server = endpoint([busy])
    backing_off = threading.Event()
    release = threading.Event()

    def sleep(seconds: float) -> None:  # the first delivery's backoff, held by the test
        backing_off.set()
        release.wait(WAIT)

    webhook = _webhook(server, attempts=2, budget=0.5, backoff=0.01, sleep=sleep)

    def first() -> None:
        with contextlib.suppress(WebhookError):  # its second attempt comes after its budget
            webhook.deliver(EVENT, ({},))

    held = threading.Thread(target=first, daemon=True)
    held.start()
    try:
        assert backing_off.wait(WAIT)
        with pytest.raises(WebhookError) as caught:
            webhook.deliver(EVENT, ({"interactionId": "2"},))
    finally:
        release.set()
        held.join(WAIT)
        webhook.close()
    assert str(caught.value).endswith(
        "an earlier delivery was still running after 0.5 s; ON_SAVE_ACTIVITY_RECORD was not "
        "delivered"
    )
    assert set(server.bodies) == {b"{}"}, "only the first delivery's attempts reached the server"
