"""``adsim run --page``: the CRM page a run attaches to (a Qt-side driver opens it), the other
agents' pages (``--page NAME=URL``), and screenshots (``--page-screenshots``)."""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from simulator.data import InputFileError
from simulator.scenarios.loader import ScenarioFile
from simulator.scenarios.runner import ScenarioRunner

__all__ = ["PageDriver", "PageOptions", "PageSessionLike"]


class PageSessionLike(Protocol):
    """A CRM page the runs attach to (``simulator.gui.page_run.PageSession``)."""

    cancelled: threading.Event
    """Set on Ctrl-C: stop at the next step, print nothing more."""

    def attach(self, host: Any) -> Any:
        """Make the page a plugin of ``host``, (re)load it, return once it is connected."""

    def detach(self) -> None:
        """Stop sending the page events; fail what it still owes."""

    def screenshot(self, path: str | Path) -> bool:
        """Save the page as a PNG (False when it could not be written)."""


def _other_pages(page: PageSessionLike | None) -> dict[str, PageSessionLike]:
    """The pages of the other agents (``--page NAME=URL``) that came with ``page``."""
    return dict(getattr(page, "others", None) or {})


@dataclass(frozen=True)
class PageOptions:
    """``--page`` and the options that go with it."""

    target: str
    tenant_url: str | None = None
    allow_origins: tuple[str, ...] = ()
    timeout: float | None = None
    """Seconds the page has to construct its AdApi (None: the driver's default)."""
    agents: tuple[tuple[str, str], ...] = ()
    """The other agents' pages (``--page NAME=URL|DIR``): ``(name, target)``, each a plugin
    ``js:page`` of that agent's handler host."""


PageDriver = Callable[[PageOptions, Callable[[PageSessionLike], int]], int]
"""``driver(options, work)``: opens the page and runs ``work(session)`` beside it; returns the
exit code."""


_PAGE_ONLY = (
    ("--page-screenshots", "page_screenshots"),
    ("--page-timeout", "page_timeout"),
    ("--tenant-url", "tenant_url"),
    ("--allow-origin", "allow_origins"),
)
"""The options that only mean something with ``--page``: (flag, argparse dest)."""


def _screenshot_folder(folder: Path) -> None:
    """Create ``--page-screenshots`` before any run, so a bad folder costs no run."""
    if folder.exists() and not folder.is_dir():  # "cannot create it: File exists" said less
        raise InputFileError(str(folder), None, "is a file: give a folder for the screenshots")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputFileError(str(folder), None, f"cannot create it: {exc.strerror}") from None
    if not os.access(folder, os.W_OK):
        raise InputFileError(str(folder), None, "cannot write here; pick another folder")


def _screenshot_paths(folder: Path | None, sources: list[ScenarioFile]) -> list[Path | None]:
    """``folder/<scenario>.png`` for each source (``<scenario>-2.png`` ... when two scenarios
    share a name); Nones without a folder."""
    if folder is None:
        return [None] * len(sources)
    taken: list[Path | None] = []
    for source in sources:
        stem = Path(source.path).stem
        path, n = folder / f"{stem}.png", 2
        while path in taken:
            path, n = folder / f"{stem}-{n}.png", n + 1
        taken.append(path)
    return taken


def _screenshot(page: PageSessionLike, path: Path) -> None:
    if not page.screenshot(path):
        # Not bad input: the folder was checked before the runs. Say so and go on.
        print(f"adsim: {path}: the page's screenshot could not be written", file=sys.stderr)


_PAGE_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.-]*)=(.+)$")


def _page_targets(values: list[str] | str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """``--page URL|DIR`` (the tenant's agent) and ``--page NAME=URL|DIR`` (another agent of
    the scenarios); a value that is an existing path is a path even with an ``=`` in it."""
    main_page: str | None = None
    agents: dict[str, str] = {}
    for value in [values] if isinstance(values, str) else values:
        named = None if Path(value).exists() else _PAGE_NAME.match(value)
        if named is None:
            if main_page is not None:
                raise InputFileError(
                    "--page", None, "one page for the tenant's agent; name the others: NAME=URL"
                )
            main_page = value
            continue
        name, page = named.group(1).lower(), named.group(2)
        if name in agents:
            raise InputFileError(f"--page {name}=...", None, f"two pages for {name!r}")
        agents[name] = page
    if main_page is None:
        raise InputFileError(
            "--page", None, "give the tenant's agent's page too (--page URL|DIR without NAME=)"
        )
    return main_page, tuple(agents.items())


def _check_page_agents(sources: list[ScenarioFile], names: list[str]) -> None:
    """Every ``--page NAME=`` names an agent of every scenario, checked before any run."""
    for source in sources:
        if not names:
            return
        desks = ScenarioRunner(source).sim.center.desktops[1:]
        agents = [desk.name for desk in desks]
        for name in names:
            if name not in agents:
                listed = ", ".join(agents) or "none"
                raise InputFileError(
                    f"--page {name}=...",
                    None,
                    f"{source.path} has no agent {name!r} under agents: "
                    f"(its other agents: {listed})",
                )
