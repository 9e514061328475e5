"""The built-in webhook handler against a local HTTP server: body, signature, retries."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import re
import socket
import threading
from pathlib import Path

import pytest
from werkzeug import Response

from simulator.cli import main
from simulator.contract import EventName
from simulator.demo import run_demo_call
from simulator.handlers import HandlerHost, WebhookError, WebhookHandler
from simulator.handlers.cli_options import redacted_argv
from simulator.journal import Journal

SECRET = "s3cr3t-do-not-log"
SCENARIO = str(Path(__file__).resolve().parents[2] / "fixtures" / "scenarios" / "chat.yaml")
WAIT = 10.0


@pytest.fixture
def journal(tmp_path):
    journal = Journal.open(tmp_path / "journal.sqlite3")
    yield journal
    journal.close()


def _run(sim, journal, webhook: WebhookHandler) -> tuple[HandlerHost, dict]:
    host = HandlerHost(sim, timeout=WAIT, journal=journal)
    host.secrets.add(SECRET)  # as build_host does for --webhook-secret and the URL's password
    host.secrets.add_url(webhook.url)
    host.add_plugin("webhook", webhook.register, webhook.source, close=webhook.close)
    recorder = run_demo_call(sim, after_step=host.settle)
    host.close()
    return host, recorder.records()[0]


def _request_head(conn: socket.socket) -> bytes:
    """What a test server has received once the request's headers have ended (perhaps more)."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += conn.recv(65536)
    return data


def test_each_saved_activity_is_posted_as_its_wire_json_and_signed(sim, journal, httpserver):
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    webhook = WebhookHandler(httpserver.url_for("/hook"), secret=SECRET)
    host, record = _run(sim, journal, webhook)

    [(request, _)] = httpserver.log
    body = request.get_data()
    assert json.loads(body) == record
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Adsim-Event"] == "ON_SAVE_ACTIVITY_RECORD"
    expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert request.headers["X-Adsim-Signature"] == f"sha256={expected}"
    [outcome] = host.outcomes
    assert (outcome.plugin, outcome.status, outcome.result) == (
        "webhook",
        "ok",
        {"status": 200, "attempts": 1},
    )
    assert journal.outcomes()[0].result == {"status": 200, "attempts": 1}


def test_an_event_of_several_arguments_posts_them_as_an_array_whatever_it_carries(
    sim, journal, httpserver
):
    # ON_AGENT_STATE_CHANGE (state, notReadyReason) posted "ready" and ["not_ready", "Lunch"]:
    # two shapes for one event, and a receiver written for the first broke on the second.
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    webhook = WebhookHandler(
        httpserver.url_for("/hook"),
        events=[EventName.ON_AGENT_STATE_CHANGE, EventName.ON_LOGIN, EventName.ON_LOGOUT],
    )
    host = HandlerHost(sim, timeout=WAIT, journal=journal)
    host.add_plugin("webhook", webhook.register, webhook.source, close=webhook.close)
    for step in (
        sim.login,
        lambda: sim.set_agent_state("ready"),
        lambda: sim.set_agent_state("not_ready", "Lunch"),
        sim.logout,
    ):
        step()
        assert host.settle(WAIT)
    host.close()
    posted = [
        (request.headers["X-Adsim-Event"], json.loads(request.get_data()))
        for request, _ in httpserver.log
    ]
    states = [body for event, body in posted if event == "ON_AGENT_STATE_CHANGE"]
    assert states and all(isinstance(body, list) for body in states), states
    assert ["ready"] in states and ["not_ready", "Lunch"] in states
    login = next(body for event, body in posted if event == "ON_LOGIN")
    assert isinstance(login, dict), "an event of one argument posts that argument"
    assert ("ON_LOGOUT", []) in posted


def test_failures_are_retried_with_exponential_backoff(sim, journal, httpserver):
    for _ in range(2):
        httpserver.expect_ordered_request("/hook").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/hook").respond_with_data("", status=204)
    slept: list[float] = []
    webhook = WebhookHandler(
        httpserver.url_for("/hook"), secret=SECRET, backoff=0.25, sleep=slept.append
    )
    host, _ = _run(sim, journal, webhook)
    assert slept == [0.25, 0.5]
    assert len(httpserver.log) == 3
    signatures = {request.headers["X-Adsim-Signature"] for request, _ in httpserver.log}
    assert len(signatures) == 1, "every attempt carries the same body and signature"
    assert host.outcomes[0].result == {"status": 204, "attempts": 3}


def test_each_delivery_has_an_id_its_retries_repeat_so_a_receiver_can_drop_copies(httpserver):
    """A receiver that took a record whose answer was lost got it again on the retry, with
    nothing to tell it from a new record of the same content."""
    httpserver.expect_ordered_request("/hook").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/hook").respond_with_data("", status=204)
    httpserver.expect_ordered_request("/hook").respond_with_data("", status=204)
    webhook = WebhookHandler(httpserver.url_for("/hook"), sleep=lambda _: None)
    try:
        record = ({"interactionId": "x"},)
        assert webhook.deliver(EventName.ON_SAVE_ACTIVITY_RECORD, record)["attempts"] == 2
        assert webhook.deliver(EventName.ON_SAVE_ACTIVITY_RECORD, record)["attempts"] == 1
    finally:
        webhook.close()
    ids = [request.headers.get("X-Adsim-Delivery") for request, _ in httpserver.log]
    assert ids[0] and ids[0] == ids[1], "the retry carries its delivery's id"
    assert ids[2] and ids[2] != ids[0], "the next delivery, same body, has its own"


def test_giving_up_is_an_error_outcome_journaled_like_any_handler(sim, journal, httpserver):
    httpserver.expect_request("/hook").respond_with_data("down", status=500)
    slept: list[float] = []
    webhook = WebhookHandler(
        httpserver.url_for("/hook"), secret=SECRET, attempts=3, backoff=1, sleep=slept.append
    )
    host, _ = _run(sim, journal, webhook)
    assert slept == [1, 2]
    [failure] = host.failures
    assert failure.status == "error"
    assert "WebhookError" in failure.error
    assert "after 3 attempts (last: HTTP 500)" in failure.error
    assert journal.outcomes()[0].status == "error"


def test_a_client_error_is_not_retried(sim, journal, httpserver):
    httpserver.expect_request("/hook").respond_with_response(Response("no", status=401))
    slept: list[float] = []
    webhook = WebhookHandler(httpserver.url_for("/hook"), sleep=slept.append)
    with pytest.raises(WebhookError, match="HTTP 401"):
        webhook.deliver(EventName.ON_SAVE_ACTIVITY_RECORD, ({"interactionId": "x"},))
    assert slept == []
    assert len(httpserver.log) == 1
    assert "X-Adsim-Signature" not in httpserver.log[0][0].headers
    webhook.close()


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_an_error_not_a_delivery(sim, journal, httpserver, status):
    """An endpoint that answers a redirect has not got the record: the outcome was ``ok``
    (``{"status": 302}``) and the run passed while nothing reached the CRM."""
    moved = httpserver.url_for("/moved")
    httpserver.expect_request("/hook", method="POST").respond_with_response(
        Response("", status=status, headers={"Location": moved})
    )
    slept: list[float] = []
    webhook = WebhookHandler(httpserver.url_for("/hook"), sleep=slept.append)
    host, _record = _run(sim, journal, webhook)
    [outcome] = host.outcomes
    assert outcome.status == "error"
    assert f"redirected ON_SAVE_ACTIVITY_RECORD to {moved} with HTTP {status}" in outcome.error
    assert "not delivered" in outcome.error
    assert slept == []  # the same answer again: not retried
    assert [entry[0].path for entry in httpserver.log] == ["/hook"]
    assert journal.outcomes()[0].status == "error"


@pytest.mark.parametrize("location", ["{url}", "/hook", "hook"])
def test_a_redirect_to_itself_is_said_so_not_to_give_webhook_the_same_url(httpserver, location):
    """It said to "give --webhook the URL it redirects to": the one it was given already (and a
    relative Location was named as a bare path, no URL to give)."""
    url = httpserver.url_for("/hook")
    httpserver.expect_request("/hook", method="POST").respond_with_response(
        Response("", status=307, headers={"Location": location.format(url=url)})
    )
    webhook = WebhookHandler(url)
    try:
        with pytest.raises(WebhookError) as info:
            webhook.deliver(EventName.ON_SAVE_ACTIVITY_RECORD, ({"interactionId": "x"},))
    finally:
        webhook.close()
    said = str(info.value)
    assert f"{url} redirected ON_SAVE_ACTIVITY_RECORD to itself with HTTP 307" in said
    assert "give --webhook" not in said


def test_a_relative_redirect_names_the_url_to_give(httpserver):
    httpserver.expect_request("/hook", method="POST").respond_with_response(
        Response("", status=308, headers={"Location": "/v2/hook?token=t0k3n-abcdef"})
    )
    webhook = WebhookHandler(httpserver.url_for("/hook"))
    try:
        with pytest.raises(WebhookError) as info:
            webhook.deliver(EventName.ON_SAVE_ACTIVITY_RECORD, ({"interactionId": "x"},))
    finally:
        webhook.close()
    moved = httpserver.url_for("/v2/hook") + "?token=***"
    assert f"redirected ON_SAVE_ACTIVITY_RECORD to {moved} with HTTP 308" in str(info.value)


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        # httpx reads the Location even when it follows none: the POST went out four times.
        (
            b"HTTP/1.1 302 Found\r\nLocation: http://[::1/moved\r\nContent-Length: 0\r\n\r\n",
            "redirected ON_SAVE_ACTIVITY_RECORD to a Location that is no URL",
        ),
        # Said "redirected", and to give --webhook "the URL it redirects to", which it names not.
        (
            b"HTTP/1.1 304 Not Modified\r\n\r\n",
            "answered ON_SAVE_ACTIVITY_RECORD with HTTP 304 and no Location",
        ),
        (
            b"HTTP/1.1 300 Multiple Choices\r\nContent-Length: 0\r\n\r\n",
            "answered ON_SAVE_ACTIVITY_RECORD with HTTP 300 and no Location",
        ),
    ],
)
def test_a_redirect_to_nowhere_is_said_once_not_retried(answer, said):
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(WAIT)
    requests: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while True:
            with contextlib.suppress(OSError):
                conn, _ = listener.accept()
                with conn:
                    if stop.is_set():  # the test's own connection, made to end the wait
                        return
                    conn.settimeout(WAIT)
                    requests.append(_request_head(conn))
                    conn.sendall(answer)

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    port = listener.getsockname()[1]
    slept: list[float] = []
    webhook = WebhookHandler(f"http://127.0.0.1:{port}/hook", sleep=slept.append)
    try:
        with pytest.raises(WebhookError) as info:
            webhook.deliver(EventName.ON_SAVE_ACTIVITY_RECORD, ({"interactionId": "x"},))
    finally:
        webhook.close()
        stop.set()
        socket.create_connection(("127.0.0.1", port), timeout=WAIT).close()
        server.join(WAIT)
        listener.close()
    assert said in str(info.value)
    assert "not delivered" in str(info.value)
    assert slept == []
    assert len(requests) == 1


def test_an_answer_whose_body_never_ends_is_taken_from_its_status_line():
    """A server that answers 200 and then trickles its body (or never ends it): httpx's timeout
    bounds each read, not the whole, so reading that body kept the delivery waiting past the
    budget the docs promise (then the host reported a timeout). The status is the answer."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(WAIT)
    release = threading.Event()
    got: list[bytes] = []

    def serve() -> None:
        with contextlib.suppress(OSError):
            conn, _ = listener.accept()
            with conn:
                conn.settimeout(WAIT)
                data = _request_head(conn)
                head, _, rest = data.partition(b"\r\n\r\n")
                length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
                while len(rest) < length:
                    rest += conn.recv(65536)
                got.append(rest)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nfirst bytes")
                release.wait(WAIT)  # the rest never comes while the webhook is delivering

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    port = listener.getsockname()[1]
    webhook = WebhookHandler(
        f"http://127.0.0.1:{port}/hook", attempts=1, request_timeout=WAIT, sleep=lambda s: None
    )
    try:
        answer = webhook.deliver(EventName.ON_SAVE_ACTIVITY_RECORD, ({"interactionId": "x"},))
    finally:
        release.set()
        webhook.close()
        server.join(WAIT)
        listener.close()
    assert answer == {"status": 200, "attempts": 1}
    assert got == [b'{"interactionId":"x"}']


@pytest.mark.parametrize(("attempts", "said"), [(2, "after 2 attempts"), (1, "after 1 attempt (")])
def test_an_unreachable_endpoint_is_retried_then_reported(httpserver, attempts, said):
    url = httpserver.url_for("/hook")
    httpserver.stop()
    slept: list[float] = []
    webhook = WebhookHandler(url, attempts=attempts, sleep=slept.append, request_timeout=2)
    try:
        with pytest.raises(WebhookError, match=re.escape(said)):
            webhook.deliver(EventName.ON_LOGOUT, ())
    finally:
        webhook.close()
        httpserver.start()
    assert slept == [0.5] * (attempts - 1)


def test_other_events_can_be_posted(sim, journal, httpserver):
    httpserver.expect_request("/hook").respond_with_data("ok")
    webhook = WebhookHandler(
        httpserver.url_for("/hook"),
        events=["ON_AGENT_STATE_CHANGE", "ON_SAVE_ACTIVITY_RECORD"],
    )
    _run(sim, journal, webhook)
    posted = [(r.headers["X-Adsim-Event"], json.loads(r.get_data())) for r, _ in httpserver.log]
    assert posted[0] == ("ON_AGENT_STATE_CHANGE", ["not_ready"])
    saved = [body for event, body in posted if event == "ON_SAVE_ACTIVITY_RECORD"]
    assert len(saved) == 1
    assert saved[0]["state"] == "completed"
    assert {event for event, _ in posted} == {"ON_AGENT_STATE_CHANGE", "ON_SAVE_ACTIVITY_RECORD"}


def test_the_secret_is_never_in_the_journal_repr_or_source(sim, journal, httpserver, tmp_path):
    httpserver.expect_request("/hook").respond_with_data("down", status=500)
    url = httpserver.url_for("/hook").replace("http://", f"http://user:{SECRET}@")
    webhook = WebhookHandler(url, secret=SECRET, attempts=1)
    assert SECRET not in repr(webhook)
    assert SECRET not in webhook.source
    host, _ = _run(sim, journal, webhook)
    assert host.failures, "the failure message names the URL"
    assert all(SECRET not in (o.error or "") for o in host.outcomes)
    assert all(SECRET not in p.source for p in host.plugins)
    journal.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert SECRET.encode() not in raw
    assert redacted_argv(["--webhook-secret", SECRET, f"--webhook-secret={SECRET}"]) == [
        "--webhook-secret",
        "***",
        "--webhook-secret=***",
    ]


def test_bad_urls_and_events_are_refused():
    with pytest.raises(ValueError, match="http"):
        WebhookHandler("ftp://example.com/x")
    with pytest.raises(ValueError, match="http") as info:
        WebhookHandler("ftp://user:hunter2-secret@example.com/x")
    assert "hunter2" not in str(info.value)
    with pytest.raises(ValueError, match="did you mean"):
        WebhookHandler("http://example.com/x", events=["ON_SAVE_ACTIVITY"])


@pytest.mark.parametrize(
    ("url", "line"),
    [
        ("http://", "a webhook URL names a host (https://HOST/PATH), got 'http://'"),
        ("https:///hook", "a webhook URL names a host (https://HOST/PATH), got 'https:///hook'"),
        ("http://u:hunter2@/hook", "a webhook URL names a host (https://HOST/PATH), got"),
        ("http://127.0.0.1:99999/hook", "the port of webhook URL '127.0.0.1' is not a number"),
        ("http://u:hunter2@host:0/hook", "the port of webhook URL 'host' is not a number"),
        # Every attempt failed to resolve it (3.6 s for the default four), after the run: exit 1.
        ("https://crm.exa mple.com/hook", "a webhook URL's host has no spaces, got 'https://crm"),
        ("https://u:hunter2@crm example.com/", "a webhook URL's host has no spaces, got"),
        # httpx refused it at each delivery, after the run: an error outcome per record, exit 1.
        (
            "http://u:hunter2@host/a\x01b",
            "webhook URL 'http://u:***@host/a\\x01b' cannot be sent to: Invalid non-printable",
        ),
        # A link-local address's zone (RFC 6874): every attempt failed to resolve it, exit 1.
        (
            "http://[fe80::1%25eth0]:8080/hook",
            "webhook URL 'http://[fe80::1%25eth0]:8080/hook' writes its IPv6 zone as %25eth0, "
            "which adsim's HTTP client cannot send to; write it unencoded: [fe80::1%eth0]",
        ),
        ("http://u:hunter2@[fe80::1%25lo]/", "webhook URL 'http://u:***@[fe80::1%25lo]/' writes"),
        # A zone that names no interface here: every attempt failed the same way, after the run.
        (
            "http://[fe80::1%adsim-no-such0]/hook",
            "webhook URL 'http://[fe80::1%adsim-no-such0]/hook' names the IPv6 zone "
            "%adsim-no-such0, which this machine cannot send to: a zone names a network "
            "interface (`ip link` lists them) and goes with a link-local address (fe80::...)",
        ),
        ("http://[::1%lo]:8080/hook", "webhook URL 'http://[::1%lo]:8080/hook' names the IPv6 "),
        # An IDNA name that is no name: an error outcome per record, after the run.
        (
            "http://xn--a.example/hook",
            "webhook URL 'http://xn--a.example/hook' cannot be sent to: Codepoint U+0080",
        ),
    ],
)
def test_a_url_no_request_can_reach_is_bad_input_before_the_run(tmp_path, capsys, url, line):
    """``--webhook http://`` or a port past 65535: the whole run went by, then every retry
    failed and the run exited 1, the endpoint blamed; it is a typo in the command line."""
    argv = ["run", SCENARIO, "--journal", ":memory:", "--webhook", url]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"adsim: --webhook: {line}")
    assert len(err.splitlines()) == 1
    assert "hunter2" not in err


def test_a_link_local_address_with_its_zone_unencoded_is_taken():
    """``[fe80::1%lo]`` (a zone written as the resolver takes it) is sent to: only the encoded
    ``%25lo`` and a zone no request can use are refused."""
    hook = WebhookHandler("http://[fe80::1%lo]:8080/hook")
    assert hook.url == "http://[fe80::1%lo]:8080/hook"


def test_retries_end_before_the_handler_timeout_so_journal_and_server_agree(
    tmp_path, httpserver, capsys
):
    from simulator.cli import main

    httpserver.expect_request("/hook", method="POST").respond_with_data("busy", status=503)
    path = tmp_path / "journal.sqlite3"
    hook = ["--webhook", httpserver.url_for("/hook"), "--webhook-attempts", "4"]
    timing = ["--webhook-backoff", "0.5", "--handler-timeout", "3"]
    code = main(["demo", "--journal", str(path), "--no-entry-points", *hook, *timing])
    assert code == 1
    # Attempts at 0, 0.5 and 1.5 s; the 4th (at 3.5 s) would outlive the 3 s handler timeout.
    with Journal.open(path) as journal:
        [outcome] = journal.outcomes()
    assert outcome.status == "error", "the webhook gave up itself: no timeout was journaled"
    assert "in 3 attempt(s) within 2.4 s" in outcome.error
    assert len(httpserver.log) == 3, "the server received exactly the attempts journaled"
    assert "webhook" in capsys.readouterr().err


def test_the_webhook_never_answers_an_event_that_takes_an_answer(tenant, journal, httpserver):
    """From adApi 2026 ``ON_SAVE_ACTIVITY_RECORD`` takes an answer (its record info): the
    webhook's receipt ``{"status": 200, "attempts": 1}`` was taken for it, reported ``junk``,
    and every ``--api-version 2026`` run with ``--webhook`` failed. It posts; it never answers."""
    from simulator.engine import Simulator
    from simulator.engine.settings import settings_for

    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    sim = Simulator(tenant, seed=7, settings=settings_for("2026"))
    host, record = _run(sim, journal, WebhookHandler(httpserver.url_for("/hook")))
    assert [(o.status, o.event_name) for o in host.outcomes] == [("ok", "ON_SAVE_ACTIVITY_RECORD")]
    assert json.loads(httpserver.log[0][0].get_data()) == record
    [saved] = [e for e in journal.events() if e.name == "ON_SAVE_ACTIVITY_RECORD"]
    assert saved.answer is None  # the desktop's own default, not the webhook's receipt


def test_transfer_data_is_never_the_webhooks_receipt(tmp_path, httpserver):
    """``--webhook-events ON_REQUEST_TRANSFER_DATA``: the transfer carried
    ``{"status": 200, "attempts": 1}`` as its data, as if the integration had answered it."""
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    scenario = Path(SCENARIO).parent / "transfer_data_round_trip.yaml"
    journal = tmp_path / "j.sqlite3"
    argv = ["run", str(scenario), "--journal", str(journal), "--no-entry-points"]
    argv += ["--webhook", httpserver.url_for("/hook"), "--webhook-events"]
    assert main([*argv, "ON_REQUEST_TRANSFER_DATA,ON_REQUEST_TRANSFER_DATA"]) == 0
    with Journal.open(journal, writing=False) as read:
        asked = [e for e in read.events() if e.name == "ON_REQUEST_TRANSFER_DATA"]
        outcomes = read.outcomes()
    assert asked
    assert all(e.answer is None for e in asked)
    assert len(httpserver.log) == len(asked) == len(outcomes)  # each event posted once
    assert {o.status for o in outcomes} == {"ok"}


def test_a_certificate_the_client_does_not_trust_is_said_once_not_retried(tmp_path):
    """A self-signed or expired certificate fails the same way on every attempt: retrying it
    only made the run wait through the backoff before saying so."""
    import ssl

    from simulator.web.tenant_server import _certificate

    cert, key, _fingerprint = _certificate("localhost")
    (tmp_path / "cert.pem").write_bytes(cert)
    (tmp_path / "key.pem").write_bytes(key)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    stop = threading.Event()

    def serve() -> None:  # handshakes (which fail on the client's side) until stopped
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with contextlib.suppress(OSError, ssl.SSLError):
                conn.settimeout(WAIT)
                context.wrap_socket(conn, server_side=True).close()
            conn.close()

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    slept: list[float] = []
    webhook = WebhookHandler(
        f"https://localhost:{port}/hook", attempts=3, sleep=slept.append, request_timeout=WAIT
    )
    try:
        with pytest.raises(WebhookError) as caught:
            webhook.deliver(EventName.ON_LOGOUT, ())
    finally:
        stop.set()
        webhook.close()
        server.join(WAIT)
        listener.close()
    assert slept == [], "not retried"
    message = str(caught.value)
    assert message.startswith(f"https://localhost:{port}/hook: its TLS certificate is not trusted")
    assert "SSL_CERT_FILE" in message and "\n" not in message


def _trickling_server(stop: threading.Event) -> tuple[socket.socket, threading.Thread]:
    """A server that takes the request, then sends header lines one by one and never ends them."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(WAIT)

    def serve() -> None:
        with contextlib.suppress(OSError):
            conn, _ = listener.accept()
            with conn:
                conn.settimeout(WAIT)
                _request_head(conn)
                conn.sendall(b"HTTP/1.1 200 OK\r\n")
                while not stop.wait(0.02):  # a line before each read times out: never does
                    conn.sendall(b"X-Slow: 1\r\n")

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    return listener, server


@pytest.mark.parametrize("budgeted", [True, False])
def test_an_answer_whose_headers_never_end_does_not_hold_the_delivery(budgeted):
    """httpx's timeout bounds each read: a server that trickled its status line's headers held
    the delivery (and the handler thread, every later event behind it) for as long as it
    trickled, past the budget the docs promise. An attempt now ends at the budget, or without
    one at the request timeout, whatever the server keeps sending."""
    stop = threading.Event()
    listener, server = _trickling_server(stop)
    port = listener.getsockname()[1]
    webhook = WebhookHandler(
        f"http://127.0.0.1:{port}/hook",
        attempts=1,
        request_timeout=0.5 if not budgeted else WAIT,
        budget=0.5 if budgeted else None,
        sleep=lambda s: None,
    )
    caught: list[BaseException] = []

    def deliver() -> None:
        try:
            webhook.deliver(EventName.ON_SAVE_ACTIVITY_RECORD, ({"interactionId": "x"},))
        except BaseException as exc:
            caught.append(exc)

    delivering = threading.Thread(target=deliver, daemon=True)
    delivering.start()
    delivering.join(WAIT * 3)
    held = delivering.is_alive()
    stop.set()
    delivering.join(WAIT)
    server.join(WAIT)
    webhook.close()
    listener.close()
    assert not held, "the delivery was still waiting for the headers"
    [error] = caught
    assert isinstance(error, WebhookError)
    assert "did not take ON_SAVE_ACTIVITY_RECORD" in str(error)
    assert "no complete answer within 0.5 s" in str(error)


def test_a_password_in_an_ipv6_webhook_url_is_hidden_and_the_brackets_kept():
    webhook = WebhookHandler("http://crm:hunter22@[::1]:8080/hook")
    assert webhook.source == "webhook http://crm:***@[::1]:8080/hook"
    assert "hunter22" not in repr(webhook) and "[::1]:8080" in repr(webhook)
