"""What the window starts with: the command line's choices over the saved settings.

Its own module so that both the launcher and the session can name it without importing each
other (the launcher builds the session; the session needs only the options).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["AgentOption", "WindowOptions", "agent_option", "page_options"]

_AGENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.-]*)(?:@(.+))?$")
_NAMED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.-]*)=(.+)$")


@dataclass(frozen=True)
class AgentOption:
    """``--agent NAME`` (a member of the tenant's teams) or ``--agent NAME@TEAM`` (a new agent
    of that team)."""

    name: str
    team: str | None = None


def agent_option(text: str) -> AgentOption:
    """Parse ``--agent NAME[@TEAM]``; ``ValueError`` saying what to write otherwise."""
    found = _AGENT.match(text.strip())
    if found is None:
        raise ValueError(
            f"{text!r} is not an agent: write NAME (a member of the tenant's teams) or "
            "NAME@TEAM (a new agent of a team)"
        )
    team = found.group(2)
    return AgentOption(found.group(1).lower(), team.strip() if team else None)


def page_options(values: list[str]) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """``--page URL|DIR`` (the tenant's agent's page) and ``--page NAME=URL|DIR`` (another
    agent's): ``(page, ((name, target), ...))``. A value that is an existing path is a path even
    with ``=`` in it. ``ValueError`` for two pages of one agent."""
    main: str | None = None
    named: dict[str, str] = {}
    for value in values:
        found = None if Path(value).exists() else _NAMED.match(value)
        if found is None:
            if main is not None:
                raise ValueError("one page for the tenant's agent; name the others: NAME=URL")
            main = value
            continue
        name = found.group(1).lower()
        if name in named:
            raise ValueError(f"two pages for {name!r}")
        named[name] = found.group(2)
    return main, tuple(named.items())


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
    isolation: str = "process"
    """Where handler plugins run: ``process`` (each in its own) or ``thread`` (in ours)."""
    theme: str | None = None
    login: bool = True
    page: str | None = None
    """A CRM page (URL or folder) to open in the "CRM page" dock (the tenant's agent's)."""
    pages: tuple[tuple[str, str], ...] = ()
    """The other agents' CRM pages (``--page NAME=URL|DIR``): ``(agent, target)``."""
    agents: list[AgentOption] = field(default_factory=list)
    """More agents of the contact center (``--agent``), each with its own desktop in the
    window behind the agent switcher."""
    tenant_url: str | None = None
    """Strict-CSP mode for ``page``: the tenant origin (``https://HOST``) served locally."""
    allow_origins: list[str] = field(default_factory=list)
    """More origins the page may reach (its API, a CDN)."""
