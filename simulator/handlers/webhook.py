"""The built-in webhook handler: POST events' wire JSON to a URL, signed, with retries.

``--webhook URL`` posts each ``ON_SAVE_ACTIVITY_RECORD`` (``--webhook-events`` adds others). The
body is the callback's argument as wire JSON (the ``InteractionData`` for a saved activity; a JSON
array when the callback has several arguments or none). Headers: ``X-Adsim-Event`` (the event
name), ``X-Adsim-Delivery`` (an id of the delivery, the same in each of its attempts, so that a
receiver can drop a retry it has already taken) and, with a secret, ``X-Adsim-Signature:
sha256=<hex HMAC-SHA256 of the body>``. Connection
errors, 5xx and 429 are retried with exponential backoff; other 4xx are not, nor a redirect (3xx),
which is an error: the event was not delivered. With a ``budget``
(the command line gives 80% of the handler timeout) no attempt starts, and no request waits, past
it: the webhook reports its own error before the host would report a timeout, and nothing is
posted after the journal has the outcome, so the journal and the endpoint agree. The connection
to the endpoint is kept alive between deliveries, within those bounds. It is loaded as a
plugin like any other, so its outcomes are journaled like any handler's. The secret is kept on
this object only: never in its ``repr``, the plugin's source, the journal or the logs.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, urlsplit

from pydantic import BaseModel

from simulator import __version__, interrupts
from simulator.contract import EventName
from simulator.handlers.registry import event_name
from simulator.handlers.secrets import redact_url
from simulator.handlers.webhook_cutoff import Cutoff

if TYPE_CHECKING:
    import httpx

    from simulator.handlers.ad_api import AdApi

__all__ = [
    "DELIVERY_HEADER",
    "EVENT_HEADER",
    "SIGNATURE_HEADER",
    "WebhookError",
    "WebhookHandler",
    "sign",
]

SIGNATURE_HEADER = "X-Adsim-Signature"
EVENT_HEADER = "X-Adsim-Event"
DELIVERY_HEADER = "X-Adsim-Delivery"
"""A UUID for each delivery, sent unchanged with each of its attempts (retries, a request sent
again on a new connection): a receiver that has it already can drop the copy."""
_RETRY_STATUS = {429}
_BAD_LOCATION = "Invalid URL in location header"
"""httpx's message for a redirect whose ``Location`` it cannot read (httpx 0.28)."""


class WebhookError(Exception):
    """The endpoint refused the delivery, or did not take it after every attempt."""


def sign(secret: str, body: bytes) -> str:
    """The signature header value: ``sha256=`` and the hex HMAC-SHA256 of ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _wire(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return value


def _port_ok(parts: SplitResult) -> bool:
    """The URL's port is absent or a TCP port (``urlsplit`` raises for 99999, allows 0)."""
    try:
        return parts.port is None or 0 < parts.port < 65536
    except ValueError:
        return False


def _untrusted_certificate(exc: BaseException) -> str | None:
    """The reason when ``exc`` (or what caused it) is a failed check of the server's
    certificate (self-signed, expired, another host's); None for any other failure."""
    import ssl

    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, ssl.SSLCertVerificationError):
            return cause.verify_message or str(cause)
        cause = cause.__cause__ or cause.__context__
    return None


_NOT_TLS = frozenset({"WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "PACKET_LENGTH_TOO_LONG"})
"""OpenSSL's reasons when what came back to the client's hello is no TLS record: a plain-HTTP
server's answer (``HTTP/1.1 400 ...`` read as a record header)."""


def _not_tls(exc: BaseException) -> str | None:
    """The reason when ``exc`` (or what caused it) is a handshake that met a server speaking
    no TLS (an ``https://`` URL for a plain-HTTP endpoint); None for any other failure."""
    import ssl

    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, ssl.SSLError) and getattr(cause, "reason", None) in _NOT_TLS:
            return str(cause)
        cause = cause.__cause__ or cause.__context__
    return None


_DRAIN_SECONDS = 0.1
"""How long the answer's body may take once its headers are in: it is read only so that the
connection can carry the next delivery (the status line is the answer); a body slower than this,
or longer than ``_DRAIN_BYTES``, costs the connection, never the delivery."""
_DRAIN_BYTES = 64 * 1024
_DRAIN_READ = 0.001
"""The longest one read of that body waits (see ``_drain``)."""


def _drain(response: httpx.Response) -> None:
    """Read what is left of the answer's body if it is already here, up to ``_DRAIN_BYTES``: a
    body read to its end gives the connection back to the pool; one cut short (too long, not
    here yet) closes the connection with the response. Neither changes the answer."""
    import httpx

    # A server that writes its headers and its body apart, without TCP_NODELAY (Python's
    # http.server, werkzeug), holds the body until this client acknowledges the headers, which
    # Linux delays up to 40 ms: they are acknowledged at once (TCP_QUICKACK), and each read of the
    # body waits at most ``_DRAIN_READ``, as a new connection costs less than 40 ms. (httpcore
    # reads the timeout from the request's extensions at each read; were that to change, the
    # cutoff, brought forward to ``_DRAIN_SECONDS``, still ends the wait.)
    timeouts = response.request.extensions.get("timeout")
    if isinstance(timeouts, dict):
        response.request.extensions["timeout"] = {**timeouts, "read": _DRAIN_READ}
    stream = response.extensions.get("network_stream")
    sock = stream.get_extra_info("socket") if stream is not None else None
    if isinstance(sock, socket.socket) and hasattr(socket, "TCP_QUICKACK"):
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
    read = 0
    with contextlib.suppress(httpx.HTTPError):
        for chunk in response.iter_raw():
            read += len(chunk)
            if read > _DRAIN_BYTES:
                break


def _check_zone(shown: str, address: str, zone: str) -> None:
    """An IPv6 address's zone (``[fe80::1%eth0]``) that no request could use: RFC 6874's
    ``%25eth0`` (httpx hands it to the resolver as written, and every attempt failed with "Name
    or service not known", after the run), an interface this machine does not have, or a zone
    on an address that takes none (``[::1%lo]``): each failed every attempt the same way."""
    if zone.startswith("25") and len(zone) > 2:
        raise ValueError(
            f"webhook URL {shown!r} writes its IPv6 zone as %{zone}, which adsim's HTTP client "
            f"cannot send to; write it unencoded: [{address}%{zone[2:]}]"
        )
    import socket

    try:  # a numeric address: no name server is asked
        socket.getaddrinfo(f"{address}%{zone}", None, flags=socket.AI_NUMERICHOST)
    except OSError:
        raise ValueError(
            f"webhook URL {shown!r} names the IPv6 zone %{zone}, which this machine cannot send "
            "to: a zone names a network interface (`ip link` lists them) and goes with a "
            "link-local address (fe80::...)"
        ) from None


class WebhookHandler:
    """POSTs the chosen events to ``url``; ``register`` it like a plugin."""

    def __init__(
        self,
        url: str,
        *,
        secret: str | None = None,
        events: Iterable[EventName | str] = (EventName.ON_SAVE_ACTIVITY_RECORD,),
        attempts: int = 4,
        backoff: float = 0.5,
        request_timeout: float = 10.0,
        sleep: Callable[[float], Any] = time.sleep,
        client: httpx.Client | None = None,
        budget: float | None = None,
    ):
        parts = urlsplit(url)
        shown = redact_url(url) if _port_ok(parts) else "..."  # never a password in a message
        if parts.scheme not in ("http", "https"):
            raise ValueError(f"a webhook URL starts with http:// or https://, got {shown!r}")
        # Refused here rather than after the whole run and every retry (exit 1, blamed on the
        # webhook's endpoint): a URL with no host, or a port no server can have.
        if not parts.hostname:
            raise ValueError(f"a webhook URL names a host (https://HOST/PATH), got {shown!r}")
        if not _port_ok(parts):
            raise ValueError(
                f"the port of webhook URL {parts.hostname!r} is not a number from 1 to 65535"
            )
        if any(char.isspace() for char in parts.hostname):  # no name server ever answers it
            raise ValueError(f"a webhook URL's host has no spaces, got {shown!r}")
        zone = parts.hostname.partition("%")[2]
        if zone and parts.netloc.rpartition("@")[2].startswith("["):
            _check_zone(shown, parts.hostname.partition("%")[0], zone)
        import httpx

        try:  # what httpx refuses only when it sends (a control character) fails every record
            # ``host`` decodes an IDNA name: ``xn--a.example`` failed each delivery, not the URL.
            httpx.URL(url).host  # noqa: B018
        except (httpx.InvalidURL, UnicodeError) as exc:
            raise ValueError(f"webhook URL {shown!r} cannot be sent to: {exc}") from None
        if attempts < 1:
            raise ValueError("a webhook needs at least one attempt")
        if budget is not None and not budget > 0:
            raise ValueError("a webhook's time budget must be positive")
        self.budget = budget
        """Seconds one delivery may take, retries included (None: unbounded)."""
        self.url = url
        # Each once: ``ON_SAVE_ACTIVITY_RECORD,ON_SAVE_ACTIVITY_RECORD`` posted every record twice.
        self.events = tuple(dict.fromkeys(event_name(e) for e in events))
        self.attempts = attempts
        self.backoff = backoff
        self.request_timeout = request_timeout
        self._secret = secret or None
        self._sleep = sleep
        self._client = client
        self._own_client = client is None
        self._cutoff = Cutoff(_stop_bound)
        self._one_at_a_time = threading.Lock()
        self._one_argument: dict[EventName, bool] = {}
        """Per event (``register``): whether its callback takes one argument, posted as it is;
        the arguments of one that takes several (or none) are posted as an array."""
        self._resent = 0
        """Requests of the current delivery sent again, at once, on a new connection after a
        kept one closed with no answer once they had gone out (no attempt spent, but the
        endpoint may have each): its receipt's ``attempts`` counts them."""

    def __repr__(self) -> str:
        signed = ", signed" if self._secret else ""
        return f"<WebhookHandler {redact_url(self.url)} {','.join(self.events)}{signed}>"

    @property
    def source(self) -> str:
        """What the plugin list shows: the URL without any password."""
        return f"webhook {redact_url(self.url)}"

    def register(self, ad_api: AdApi) -> None:
        """Subscribe a poster for each configured event."""
        from simulator.contract.versions import events_for

        specs = events_for(ad_api.api_version)
        for name in self.events:
            spec = specs.get(name)
            if spec is not None:
                self._one_argument[name] = len(spec.arguments) == 1
            ad_api.on(name, self._poster(name, answers=spec is not None and spec.needs_response))

    def _poster(self, name: EventName, *, answers: bool) -> Callable[..., dict[str, Any] | None]:
        def post(*args: Any) -> dict[str, Any] | None:
            receipt = self.deliver(name, args)
            # The webhook only posts: where the event takes an answer (ON_REQUEST_TRANSFER_DATA,
            # ON_SAVE_ACTIVITY_RECORD from 2026) its receipt was taken for the integration's
            # answer: transfer data {"status": 200, ...}, or "junk" and a failed run.
            return None if answers else receipt

        post.__qualname__ = f"webhook[{name.value}]"
        return post

    def body(self, args: tuple[Any, ...], name: EventName | None = None) -> bytes:
        """The request body for a callback's arguments: the argument of an event that takes one,
        else an array of those it carries (one shape per event: ON_AGENT_STATE_CHANGE posted
        ``"ready"`` and ``["not_ready", "Lunch"]``)."""
        values = [_wire(a) for a in args]
        one = name is None or self._one_argument.get(name, True)
        payload = values[0] if one and len(values) == 1 else values
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()

    def _http(self) -> httpx.Client:
        if self._client is None:
            import httpx

            # Connections kept alive (one suffices: deliveries run one at a time); each socket
            # it connects is one ``Cutoff`` sees, however many attempts it then carries.
            self._client = httpx.Client(
                timeout=self.request_timeout, limits=httpx.Limits(max_keepalive_connections=1)
            )
        return self._client

    def _exchange(
        self, body: bytes, headers: dict[str, str], wait: float
    ) -> tuple[int, str | None]:
        """One attempt: the answer's status and ``Location``, within ``wait`` seconds whatever
        the server does; raises ``httpx.HTTPError`` (``self._cutoff.fired`` when out of time)."""
        import httpx

        until = time.monotonic() + wait
        try:
            return self._post(body, headers, until)
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            # A kept-alive connection the server closed as this request went out: no answer
            # came, and the request goes again at once on a new connection, no attempt spent.
            # A new connection that fails so is a failed attempt.
            cutoff = self._cutoff
            if cutoff.connected or cutoff.fired or time.monotonic() >= until:
                raise
            if not isinstance(exc, httpx.WriteError):
                # Closed once the request had gone out: the endpoint may have it (a server that
                # died handling it), and now gets it again; the receipt counts both.
                self._resent += 1
        return self._post(body, headers, until)

    def _post(self, body: bytes, headers: dict[str, str], until: float) -> tuple[int, str | None]:
        cutoff = self._cutoff
        cutoff.arm(until)
        try:
            with self._http().stream(
                "POST",
                self.url,
                content=body,
                headers=headers,
                timeout=max(until - time.monotonic(), 0.001),
                extensions={"trace": cutoff.trace},
            ) as response:
                # The status line and headers say all the webhook needs; the body is read
                # (briefly, a little) only so that the connection can carry the next one.
                cutoff.shorten(time.monotonic() + _DRAIN_SECONDS)
                _drain(response)
                return response.status_code, response.headers.get("location")
        finally:
            cutoff.disarm()

    def _redirected(self, name: EventName, code: int, where: str) -> str:
        """Why a redirect to ``where`` (a ``Location``, perhaps relative) is no delivery, and
        what to do: to give ``--webhook`` the URL it redirects to, unless that is this one (it
        said so of an endpoint redirecting to itself, or named a bare path)."""
        import httpx

        shown = redact_url(self.url)
        try:
            target = httpx.URL(self.url).join(where)
        except (httpx.InvalidURL, UnicodeError):  # httpx read it already: not expected
            target = None
        if target == httpx.URL(self.url):
            return (
                f"{shown} redirected {name.value} to itself with HTTP {code} (Location "
                f"{redact_url(where)}); it was not delivered: the endpoint answers a POST with a "
                "redirect to the same URL (a login, a proxy's rule?): check the endpoint"
            )
        to = redact_url(str(target)) if target is not None else redact_url(where)
        return (
            f"{shown} redirected {name.value} to {to} with HTTP {code}; it was not delivered: "
            "give --webhook the URL it redirects to"
        )

    def deliver(self, name: EventName, args: tuple[Any, ...]) -> dict[str, Any]:
        """POST one event; returns ``{status, attempts}`` or raises ``WebhookError``."""

        body = self.body(args, name)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": f"adsim/{__version__}",
            EVENT_HEADER: name.value,
            # Random, not drawn from the seed: a seeded run made again must not look to the
            # receiver like a retry of the first one.
            DELIVERY_HEADER: str(uuid.uuid4()),
        }
        if self._secret:
            headers[SIGNATURE_HEADER] = sign(self._secret, body)
        deadline = None if self.budget is None else time.monotonic() + self.budget
        # One delivery at a time: the cutoff keeps one clock for the handler's connections. An
        # earlier one still running (a host that gave up on a call leaves it running) is waited
        # for, within the budget.
        if not self._one_at_a_time.acquire(timeout=-1 if self.budget is None else self.budget):
            raise WebhookError(
                f"{redact_url(self.url)}: an earlier delivery was still running after "
                f"{self.budget:g} s; {name.value} was not delivered"
            )
        try:
            return self._deliver(name, body, headers, deadline)
        finally:
            self._one_at_a_time.release()

    def _deliver(
        self, name: EventName, body: bytes, headers: dict[str, str], deadline: float | None
    ) -> dict[str, Any]:
        import httpx

        last = ""
        self._resent = 0
        for attempt in range(1, self.attempts + 1):
            wait = self.request_timeout
            if deadline is not None:
                wait = min(wait, max(deadline - time.monotonic(), 0.001))
            stop_end = _stop_bound()
            if stop_end is not None:  # a stop came: what is left of its grace, as a plugin's
                if time.monotonic() >= stop_end:
                    raise WebhookError(self._stopped(name, attempt - 1, last))
                wait = min(wait, max(stop_end - time.monotonic(), 0.001))
            try:
                code, where = self._exchange(body, headers, wait)
            except httpx.HTTPError as exc:
                if isinstance(exc, httpx.RemoteProtocolError) and _BAD_LOCATION in str(exc):
                    # httpx reads a redirect's Location even when it follows none: a redirect
                    # whose Location is no URL was retried as a broken answer, each a new POST.
                    raise WebhookError(
                        f"{redact_url(self.url)} redirected {name.value} to a Location that is "
                        f"no URL ({exc}); it was not delivered: check the endpoint"
                    ) from None
                distrust = _untrusted_certificate(exc)
                if distrust is not None:
                    # The same certificate fails every attempt: said now, not after the backoff.
                    raise WebhookError(
                        f"{redact_url(self.url)}: its TLS certificate is not trusted ({distrust}); "
                        f"{name.value} was not delivered: give the endpoint a certificate this "
                        "machine trusts, or set SSL_CERT_FILE to the file of its CA"
                    ) from None
                plain = _not_tls(exc)
                if plain is not None and self.url.lower().startswith("https://"):
                    # The same server answers every attempt in plain HTTP: said now, not retried.
                    shown = redact_url(self.url)
                    raise WebhookError(
                        f"{shown}: the server there does not speak TLS ({plain}); {name.value} "
                        f"was not delivered: use http://{shown[len('https://') :]} if it serves "
                        "plain HTTP"
                    ) from None
                last = (
                    f"no complete answer within {wait:.3g} s"
                    if self._cutoff.fired
                    else f"{type(exc).__name__}: {exc}"
                )
                if self._cutoff.fired and _stop_bound() is not None:
                    last = "no complete answer when the stop's grace ran out"
            else:
                if 300 <= code < 400:
                    # httpx does not follow redirects, and following one would not deliver
                    # either (301/302/303 turn the POST into a GET without the body): the
                    # endpoint has not got the event, which is no success.
                    if not where:  # 304 Not Modified, or a redirect that names no place
                        raise WebhookError(
                            f"{redact_url(self.url)} answered {name.value} with HTTP {code} and "
                            "no Location; it was not delivered: check the endpoint"
                        )
                    raise WebhookError(self._redirected(name, code, where))
                if code < 400:
                    return {"status": code, "attempts": attempt + self._resent}
                if code < 500 and code not in _RETRY_STATUS:
                    raise WebhookError(
                        f"{redact_url(self.url)} refused {name.value} with HTTP {code}; "
                        "check the endpoint (client errors are not retried)"
                    )
                last = f"HTTP {code}"
            if attempt < self.attempts:
                pause = self.backoff * 2 ** (attempt - 1)
                stop_end = _stop_bound()
                if stop_end is not None and time.monotonic() + pause >= stop_end:
                    raise WebhookError(self._stopped(name, attempt, last))
                if deadline is not None and time.monotonic() + pause >= deadline:
                    raise WebhookError(
                        f"{redact_url(self.url)} did not take {name.value} in "
                        f"{attempt + self._resent} attempt(s) within {self.budget:g} s, the time "
                        f"the handler timeout leaves it; no more retries (last: {last})"
                    )
                self._sleep(pause)
        sent = self.attempts + self._resent
        raise WebhookError(
            f"{redact_url(self.url)} did not take {name.value} after {sent} "
            f"attempt{'s' if sent > 1 else ''} (last: {last})"
        )

    def _stopped(self, name: EventName, attempt: int, last: str) -> str:
        sent = attempt + self._resent
        return (
            f"{redact_url(self.url)} did not take {name.value} before adsim stopped (Ctrl-C, "
            f"SIGTERM): {sent} attempt(s) within {interrupts.STOP_GRACE:g} s of the stop, as a "
            f"plugin's process gets; no more retries (last: {last or 'none'})"
        )

    def close(self) -> None:
        """Close the HTTP client this handler opened (and its connections), end its cutoff
        thread."""
        if self._client is not None and self._own_client:
            self._client.close()
            self._client = None
        self._cutoff.close()


def _stop_bound() -> float | None:
    """When a stop under way (Ctrl-C, SIGTERM: ``simulator.interrupts``) ends a delivery:
    ``STOP_GRACE`` after it came, as a handler in a plugin's process; None with no stop. A
    delivery waited for its whole budget (16 s of the default handler timeout) after the stop:
    past ``docker stop``'s 10 s, whose SIGKILL left no summary and the run ``unfinished``."""
    stopped = interrupts.stop_started()
    return None if stopped is None else stopped + interrupts.STOP_GRACE
