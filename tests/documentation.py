"""Where the documentation lives, for the tests that keep it honest: the README (the front page)
and the pages of the documentation site in ``docs/``, in the site's order."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"


def _nav(entries: list) -> list[str]:
    pages = []
    for entry in entries:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        pages += _nav(value) if isinstance(value, list) else [value]
    return pages


NAV = _nav(yaml.safe_load((ROOT / "mkdocs.yml").read_text("utf-8"))["nav"])
"""The site's pages, as paths relative to ``docs/``, in the navigation's order."""

PAGES = [README] + [DOCS / name for name in NAV]
"""Every documentation file: the README, then the site's pages."""


def page(name: str) -> Path:
    """One page of the site, ``docs/<name>``."""
    return DOCS / name


def text(path: Path) -> str:
    """A page's text."""
    return path.read_text("utf-8")


def blocks(language: str, paths: list[Path] | None = None) -> list[tuple[Path, str]]:
    """Every fenced code block of ``language`` (a regex alternative), with the file it is in."""
    found = []
    for path in PAGES if paths is None else paths:
        for source in re.findall(rf"```(?:{language})\n(.*?)```", text(path), re.S):
            found.append((path, source))
    return found


_FILE = re.compile(r"^# ([\w.-]+\.py)\n")


def file_samples() -> dict[str, str]:
    """The Python samples that are files other samples use (first line ``# NAME.py``).

    A file shown on several pages must be the same everywhere.
    """
    files: dict[str, str] = {}
    for path, source in blocks("python"):
        if match := _FILE.match(source):
            name = match.group(1)
            assert files.get(name, source) == source, f"{path}: {name} differs from another copy"
            files[name] = source
    return files
