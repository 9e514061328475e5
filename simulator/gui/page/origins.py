"""Origins (``scheme://host[:port]``): the one a request goes to (``origin_of``), one given to
``--allow-origin`` (``parse_origin``), and what lets a blocked request through (``allow_hint``).
"""

from __future__ import annotations

from PySide6.QtCore import QUrl

__all__ = ["allow_hint", "origin_of", "parse_origin"]

_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def origin_of(url: QUrl) -> str:
    """``scheme://host[:port]`` of ``url``, the port only when it is not the scheme's default."""
    scheme = url.scheme().lower()
    port = url.port(_DEFAULT_PORTS.get(scheme, -1))
    suffix = "" if port in (-1, _DEFAULT_PORTS.get(scheme)) else f":{port}"
    host = url.host().lower()
    if ":" in host:  # IPv6: bracketed in an origin
        host = f"[{host}]"
    return f"{scheme}://{host}{suffix}"


def parse_origin(text: str) -> str:
    """An origin to allow (``https://api.example.com``, ``http://localhost:8000``), normalised;
    ``ValueError`` saying what is wrong."""
    url = QUrl(text.strip().rstrip("/"))
    if not url.isValid() or url.scheme().lower() not in _DEFAULT_PORTS or not url.host():
        raise ValueError(
            f"{text}: not an origin; pass scheme://host[:port], e.g. https://api.example.com"
        )
    if url.path() or url.hasQuery() or url.hasFragment() or url.userInfo():
        raise ValueError(f"{text}: an origin has no path, query or user; drop them")
    return origin_of(url)


def allow_hint(url: str) -> str:
    """What lets a blocked ``url`` through."""
    return f"(--allow-origin {origin_of(QUrl(url))} lets it through)"
