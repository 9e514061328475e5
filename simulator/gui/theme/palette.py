"""The two colour schemes (light and dark) and the colour of each agent or interaction state."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

__all__ = ["DARK", "LIGHT", "Colors", "colors", "state_color", "system_scheme"]


@dataclass(frozen=True, slots=True)
class Colors:
    """One scheme's colours (hex strings), used by the palette, the style sheet and painters."""

    scheme: str
    window: str
    panel: str
    alt: str
    sunken: str
    text: str
    muted: str
    faint: str
    """Disabled text and icons."""
    border: str
    accent: str
    accent_soft: str
    on_accent: str
    good: str
    bad: str
    warn: str
    hold: str
    wrap: str
    ivr: str


LIGHT = Colors(
    scheme="light",
    window="#eef1f5",
    panel="#ffffff",
    alt="#f6f8fa",
    sunken="#e6eaef",
    text="#1b1f24",
    muted="#5f6b7a",
    faint="#9ea7b3",
    border="#d0d7de",
    accent="#2563eb",
    accent_soft="#dbe7ff",
    on_accent="#ffffff",
    good="#15803d",
    bad="#dc2626",
    warn="#d97706",
    hold="#7c3aed",
    wrap="#64748b",
    ivr="#0891b2",
)

DARK = Colors(
    scheme="dark",
    window="#17181c",
    panel="#212329",
    alt="#272a31",
    sunken="#1b1d22",
    text="#e6e8eb",
    muted="#9aa4b2",
    faint="#5b626e",
    border="#363a43",
    accent="#4f8cff",
    accent_soft="#243556",
    on_accent="#ffffff",
    good="#22c55e",
    bad="#f05252",
    warn="#f59e0b",
    hold="#a78bfa",
    wrap="#94a3b8",
    ivr="#38bdf8",
)


class _InUse:
    """The scheme in use (one per process: the application has one palette)."""

    colors: Colors = LIGHT


def colors() -> Colors:
    """The colours in use now."""
    return _InUse.colors


def state_color(state: str, palette: Colors | None = None) -> str:
    """The colour of an interaction or agent state (badges, list, timeline)."""
    c = palette or _InUse.colors
    return {
        "delivery_pending": c.warn,
        "unknown": c.warn,
        "ringing": c.warn,
        "delivered": c.good,
        "ready": c.good,
        "hold": c.hold,
        "ivr": c.ivr,
        "IVR": c.ivr,
        "wrap_up": c.wrap,
        "wrap_up_hold": c.wrap,
        "after_call_work": c.wrap,
        "busy": c.accent,
        "not_ready": c.bad,
        "supervising": c.hold,
        "completed": c.muted,
        "logged_out": c.muted,
    }.get(state, c.muted)


def system_scheme() -> str:
    """``dark`` or ``light``: what the desktop asks for (light when it does not say)."""
    hints = QGuiApplication.styleHints()
    if hints.colorScheme() == Qt.ColorScheme.Dark:
        return "dark"
    return "light"
