"""Keeping the webhook's secrets out of what adsim stores and prints.

The secret (``--webhook-secret``, ``$ADSIM_WEBHOOK_SECRET``), a password in the webhook URL and
the values of its query string (``?token=...``: where receivers put their keys, under names no
list could cover: ``code``, ``sig``, ``token``, ``apikey`` ...) are never stored in any form: the
run's ``meta`` in the journal keeps the command line with the secret option's value, a URL's
password and its query values left out (``redacted_argv``) and records only that a secret was
given. Nothing else is scrubbed: events, answers and packets are journaled exactly,
so an attached-data value or a service that happens to spell the secret stays as it is. What a
plugin writes itself (an outcome's error and traceback, a load error) is masked by ``SecretMask``
before the host keeps, journals, prints or shows it; a secret shorter than ``MIN_SECRET_LENGTH``
is refused, since masking it would rewrite ordinary words. A JS page's console lines and errors
are plugin text too (``SecretMask.packet``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from simulator.handlers.outcome import HandlerOutcome

__all__ = [
    "MASK",
    "MIN_SECRET_LENGTH",
    "SECRET_OPTION",
    "SecretMask",
    "redact_url",
    "redacted_argv",
    "secret_problem",
]

MASK = "***"
MIN_SECRET_LENGTH = 8
SECRET_OPTION = "--webhook-secret"
# argparse would take any unambiguous prefix of the option (``--webhook-s``) unless the parser
# says allow_abbrev=False; the command line stored in the journal leaves those values out too.
_SHORTEST_PREFIX = "--webhook-s"
_TEXT_PACKETS = frozenset({"__log__", "__error__"})
"""JS packets whose params are the page's own text (console lines, a load error)."""


def secret_problem(secret: str) -> str | None:
    """Why ``secret`` cannot be used (None when it can)."""
    if len(secret) < MIN_SECRET_LENGTH:
        return (
            f"a webhook secret has at least {MIN_SECRET_LENGTH} characters (a shorter one "
            "cannot be masked in messages without rewriting ordinary words); use a longer one"
        )
    return None


def _masked_query(query: str) -> str:
    """``query`` with each value replaced by ``***``, its names kept (``token=***&user=***``); an
    item with no ``=`` is a value (``?abc123`` is ``?***``)."""
    items = []
    for item in query.split("&"):
        name, equals, value = item.partition("=")
        if equals:
            items.append(f"{name}={MASK}" if value else item)
        else:
            items.append(MASK if item else item)
    return "&".join(items)


def redact_url(url: str) -> str:
    """``url`` with the password of its userinfo and each value of its query string replaced by
    ``***`` (``https://bob:***@crm.example/hook?token=***``); text that is no URL with a host (a
    file path with a ``?`` in it) as it is."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return url
    if not (parts.scheme and parts.netloc):
        return url
    query = _masked_query(parts.query) if parts.query else parts.query
    if password is None and query == parts.query:
        return url
    netloc = parts.netloc
    if password is not None:
        host = netloc.rpartition("@")[2]
        netloc = f"{parts.username or ''}:{MASK}@{host}"
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def _is_secret_option(name: str) -> bool:
    return len(name) >= len(_SHORTEST_PREFIX) and SECRET_OPTION.startswith(name)


def redacted_argv(argv: Sequence[str]) -> list[str]:
    """``argv`` as it may be stored: the secret option's value replaced by ``***`` in every
    spelling (``--webhook-secret X``, ``--webhook-secret=X``, an abbreviation), and the password
    and query values of any URL left out (``redact_url``)."""
    out: list[str] = []
    hide_next = False
    for arg in argv:
        if hide_next:
            out.append(MASK)
            hide_next = False
            continue
        name, equals, _value = arg.partition("=")
        if _is_secret_option(name):
            if equals:
                out.append(f"{name}={MASK}")
            else:
                out.append(arg)
                hide_next = True
        elif equals and name.startswith("--"):
            out.append(f"{name}={redact_url(_value)}")
        else:
            out.append(redact_url(arg))
    return out


class SecretMask:
    """Replaces the known secrets in a plugin's text by ``***``."""

    def __init__(self) -> None:
        self._pairs: tuple[tuple[str, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self._pairs)

    def add(self, secret: str | None) -> None:
        """Mask ``secret`` from now on (empty: nothing to mask)."""
        if secret:
            self._add(secret, MASK)

    def add_url(self, url: str | None) -> None:
        """Mask the password of ``url``'s userinfo and the values of its query string (each as
        ``name=value`` too, and alone when it is long enough not to rewrite other words: a short
        password as ``:password@``)."""
        try:
            parts = urlsplit(url) if url else None
            password = parts.password if parts else None
        except ValueError:
            return
        if parts is None:
            return
        if password:
            if len(password) >= MIN_SECRET_LENGTH:
                self._add(password, MASK)
            self._add(f":{password}@", f":{MASK}@")
        for item in parts.query.split("&") if parts.query else ():
            name, equals, value = item.partition("=")
            value = value if equals else name
            if not value:
                continue
            for form in {value, unquote_plus(value)}:  # as typed, and as a message may quote it
                if len(form) >= MIN_SECRET_LENGTH:
                    self._add(form, MASK)
            if equals:
                self._add(item, f"{name}={MASK}")

    def _add(self, secret: str, replacement: str) -> None:
        # Longest first: a secret that contains another is masked whole.
        pairs = {*self._pairs, (secret, replacement)}
        # Ties by text, not by set order: masking must not depend on hash randomisation.
        self._pairs = tuple(sorted(pairs, key=lambda pair: (-len(pair[0]), pair)))

    def text(self, value: str | None) -> str | None:
        """``value`` with every secret masked."""
        if value is None or not self._pairs:
            return value
        for secret, replacement in self._pairs:
            if secret in value:
                value = value.replace(secret, replacement)
        return value

    def packet(self, packet: dict[str, Any]) -> dict[str, Any]:
        """A JS packet with the page's own text masked: the params of its console lines
        (``__log__``) and load errors (``__error__``), and any packet's ``error``; data packets
        (events, requests, answers) are returned as they are."""
        if not self._pairs:
            return packet
        kind = packet.get("type")
        masked = packet
        if kind in _TEXT_PACKETS and isinstance(packet.get("params"), list):
            params = [self.text(p) if isinstance(p, str) else p for p in packet["params"]]
            if params != packet["params"]:
                masked = {**packet, "params": params}
        error = packet.get("error")
        if isinstance(error, str) and self.text(error) != error:
            masked = {**masked, "error": self.text(error)}
        return masked

    def outcome(self, outcome: HandlerOutcome) -> HandlerOutcome:
        """``outcome`` with its error and traceback masked (its result is data: untouched)."""
        if not self._pairs:
            return outcome
        error, trace = self.text(outcome.error), self.text(outcome.traceback)
        if error == outcome.error and trace == outcome.traceback:
            return outcome
        return dataclasses.replace(outcome, error=error, traceback=trace)
