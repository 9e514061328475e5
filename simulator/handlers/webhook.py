"""The built-in webhook handler: POST events' wire JSON to a URL, signed, with retries.

``--webhook URL`` posts each ``ON_SAVE_ACTIVITY_RECORD`` (``--webhook-events`` adds others). The
body is the callback's argument as wire JSON (the ``InteractionData`` for a saved activity; a JSON
array when the callback has several arguments or none). Headers: ``X-Adsim-Event`` (the event
name) and, with a secret, ``X-Adsim-Signature: sha256=<hex HMAC-SHA256 of the body>``. Connection
errors, 5xx and 429 are retried with exponential backoff; other 4xx are not, nor a redirect (3xx),
which is an error: the event was not delivered. With a ``budget``
(the command line gives 80% of the handler timeout) no attempt starts, and no request waits, past
it: the webhook reports its own error before the host would report a timeout, and nothing is
posted after the journal has the outcome, so the journal and the endpoint agree. It is loaded as a
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
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, urlsplit, urlunsplit

from pydantic import BaseModel

from simulator import __version__
from simulator.contract import EventName
from simulator.handlers.registry import event_name

if TYPE_CHECKING:
    import httpx

    from simulator.handlers.ad_api import AdApi

__all__ = ["SIGNATURE_HEADER", "WebhookError", "WebhookHandler", "sign"]

SIGNATURE_HEADER = "X-Adsim-Signature"
EVENT_HEADER = "X-Adsim-Event"
_RETRY_STATUS = {429}


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


def redact_url(url: str) -> str:
    """``url`` without a password in it (for messages and the plugin list)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    # What follows the userinfo as written: ``hostname`` drops an IPv6 literal's brackets.
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


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


class _Cutoff:
    """Ends an attempt at its time limit, whatever the server keeps sending: httpx's timeout
    bounds each read, not the whole answer, so a server that trickled its headers held the
    attempt (and the handler thread) for as long as it trickled. The attempt's sockets, seen
    through httpx's ``trace`` extension as they connect, are shut down when the time is up, which
    wakes the blocked read. A connection the pool reuses is not seen: the handler's own client
    keeps none alive."""

    _CONNECTED = ("connection.connect_tcp.complete", "connection.start_tls.complete")

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.fired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._cut)
        self._timer.daemon = True

    def __enter__(self) -> _Cutoff:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def trace(self, name: str, info: dict[str, Any]) -> None:
        """httpx's trace hook: note each socket the attempt connects (TLS: its wrapper too)."""
        if name not in self._CONNECTED:
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if isinstance(sock, socket.socket):
            with self._lock:
                self._sockets.append(sock)
                late = self.fired
            if late:
                self._shut(sock)

    def _cut(self) -> None:
        with self._lock:
            self.fired = True
            sockets = list(self._sockets)
        for sock in sockets:
            self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        # The plain socket's shutdown, even on an SSLSocket: its own unwraps the TLS object
        # under the reading thread's feet (a ValueError instead of an end of stream).
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


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
        import httpx

        try:  # what httpx refuses only when it sends (a control character) fails every record
            httpx.URL(url)
        except httpx.InvalidURL as exc:
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

    def body(self, args: tuple[Any, ...]) -> bytes:
        """The request body for a callback's arguments."""
        values = [_wire(a) for a in args]
        payload = values[0] if len(values) == 1 else values
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()

    def _http(self) -> httpx.Client:
        if self._client is None:
            import httpx

            # No connection kept alive: each attempt's socket is one ``_Cutoff`` can see.
            self._client = httpx.Client(
                timeout=self.request_timeout, limits=httpx.Limits(max_keepalive_connections=0)
            )
        return self._client

    def deliver(self, name: EventName, args: tuple[Any, ...]) -> dict[str, Any]:
        """POST one event; returns ``{status, attempts}`` or raises ``WebhookError``."""
        import httpx

        body = self.body(args)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": f"adsim/{__version__}",
            EVENT_HEADER: name.value,
        }
        if self._secret:
            headers[SIGNATURE_HEADER] = sign(self._secret, body)
        last = ""
        deadline = None if self.budget is None else time.monotonic() + self.budget
        for attempt in range(1, self.attempts + 1):
            wait = self.request_timeout
            if deadline is not None:
                wait = min(wait, max(deadline - time.monotonic(), 0.001))
            cutoff = _Cutoff(wait)
            try:
                # Streamed, and the body never read: httpx's timeout bounds each read, not the
                # whole, so a server that trickles its answer's body kept the delivery waiting
                # past the budget. The status line and headers say all the webhook needs; the
                # cutoff bounds the wait for those.
                with (
                    cutoff,
                    self._http().stream(
                        "POST",
                        self.url,
                        content=body,
                        headers=headers,
                        timeout=wait,
                        extensions={"trace": cutoff.trace},
                    ) as response,
                ):
                    code = response.status_code
                    where = response.headers.get("location")
            except httpx.HTTPError as exc:
                distrust = _untrusted_certificate(exc)
                if distrust is not None:
                    # The same certificate fails every attempt: said now, not after the backoff.
                    raise WebhookError(
                        f"{redact_url(self.url)}: its TLS certificate is not trusted ({distrust}); "
                        f"{name.value} was not delivered: give the endpoint a certificate this "
                        "machine trusts, or set SSL_CERT_FILE to the file of its CA"
                    ) from None
                last = (
                    f"no complete answer within {wait:.3g} s"
                    if cutoff.fired
                    else f"{type(exc).__name__}: {exc}"
                )
            else:
                if 300 <= code < 400:
                    # httpx does not follow redirects, and following one would not deliver
                    # either (301/302/303 turn the POST into a GET without the body): the
                    # endpoint has not got the event, which is no success.
                    to = f" to {redact_url(where)}" if where else ""
                    raise WebhookError(
                        f"{redact_url(self.url)} redirected {name.value}{to} with HTTP {code}; "
                        "it was not delivered: give --webhook the URL it redirects to"
                    )
                if code < 400:
                    return {"status": code, "attempts": attempt}
                if code < 500 and code not in _RETRY_STATUS:
                    raise WebhookError(
                        f"{redact_url(self.url)} refused {name.value} with HTTP {code}; "
                        "check the endpoint (client errors are not retried)"
                    )
                last = f"HTTP {code}"
            if attempt < self.attempts:
                pause = self.backoff * 2 ** (attempt - 1)
                if deadline is not None and time.monotonic() + pause >= deadline:
                    raise WebhookError(
                        f"{redact_url(self.url)} did not take {name.value} in {attempt} "
                        f"attempt(s) within {self.budget:g} s, the time the handler timeout "
                        f"leaves it; no more retries (last: {last})"
                    )
                self._sleep(pause)
        raise WebhookError(
            f"{redact_url(self.url)} did not take {name.value} after {self.attempts} attempts "
            f"(last: {last})"
        )

    def close(self) -> None:
        """Close the HTTP client this handler opened."""
        if self._client is not None and self._own_client:
            self._client.close()
            self._client = None
