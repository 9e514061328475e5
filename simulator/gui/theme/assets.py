"""Where the window's shipped resources (icons, style sheet) are."""

from __future__ import annotations

from pathlib import Path

__all__ = ["ASSETS"]

ASSETS = Path(__file__).resolve().with_name("resources")
"""The window's icons and style sheet, shipped in the package (``theme/resources``)."""
