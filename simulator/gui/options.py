"""What the window starts with: the command line's choices over the saved settings.

Its own module so that both the launcher and the session can name it without importing each
other (the launcher builds the session; the session needs only the options).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["WindowOptions"]


@dataclass
class WindowOptions:
    """What the window starts with (command line over saved settings)."""

    tenant: Path | None = None
    seed: int | None = None
    api_version: str | None = None
    """The adApi version to simulate (``--api-version``; 5.19 when None)."""
    handlers: list[str] = field(default_factory=list)
    scenario: Path | None = None
    journal: str | None = None
    theme: str | None = None
    login: bool = True
    page: str | None = None
    """A CRM page (URL or folder) to open in the "CRM page" dock."""
    tenant_url: str | None = None
    """Strict-CSP mode for ``page``: the tenant origin (``https://HOST``) served locally."""
    allow_origins: list[str] = field(default_factory=list)
    """More origins the page may reach (its API, a CDN)."""
