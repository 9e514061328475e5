"""The look: light and dark palettes following the system, one style sheet, tinted SVG icons.

Icons are monochrome SVGs in ``resources/icons`` (package data) drawn with ``currentColor``; they
are tinted with the palette's text colour (or a fixed colour on coloured buttons) and re-tinted
when the scheme changes. A widget asks for an icon by name with ``set_icon``; ``retint`` repaints
them all. Should the resources be missing, Qt's standard icons stand in.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QStyle, QWidget

__all__ = [
    "ASSETS",
    "Colors",
    "apply_style_sheet",
    "apply_theme",
    "colors",
    "icon",
    "retint",
    "set_icon",
    "set_label_icon",
    "state_color",
    "system_scheme",
]

ASSETS = Path(__file__).resolve().with_name("resources")
"""The window's icons and style sheet, shipped in the package."""

_ICON_PROPERTY = "adsimIcon"
_ICON_COLOR_PROPERTY = "adsimIconColor"


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


def _palette(c: Colors) -> QPalette:
    palette = QPalette()
    role = QPalette.ColorRole
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        palette.setColor(group, role.Window, QColor(c.window))
        palette.setColor(group, role.WindowText, QColor(c.text))
        palette.setColor(group, role.Base, QColor(c.panel))
        palette.setColor(group, role.AlternateBase, QColor(c.alt))
        palette.setColor(group, role.Text, QColor(c.text))
        palette.setColor(group, role.Button, QColor(c.alt))
        palette.setColor(group, role.ButtonText, QColor(c.text))
        palette.setColor(group, role.Highlight, QColor(c.accent))
        palette.setColor(group, role.HighlightedText, QColor(c.on_accent))
        palette.setColor(group, role.ToolTipBase, QColor(c.panel))
        palette.setColor(group, role.ToolTipText, QColor(c.text))
        palette.setColor(group, role.PlaceholderText, QColor(c.muted))
        palette.setColor(group, role.Link, QColor(c.accent))
        palette.setColor(group, role.Mid, QColor(c.border))
        palette.setColor(group, role.Midlight, QColor(c.alt))
        palette.setColor(group, role.Dark, QColor(c.border))
        palette.setColor(group, role.Shadow, QColor(c.border))
        palette.setColor(group, role.Light, QColor(c.panel))
    disabled = QPalette.ColorGroup.Disabled
    for which in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(disabled, which, QColor(c.faint))
    palette.setColor(disabled, role.Base, QColor(c.alt))
    palette.setColor(disabled, role.Button, QColor(c.alt))
    palette.setColor(disabled, role.Window, QColor(c.window))
    palette.setColor(disabled, role.Highlight, QColor(c.border))
    return palette


def _style_sheet(c: Colors) -> str:
    path = ASSETS / "qss" / "window.qss"
    try:
        template = path.read_text(encoding="utf-8")
    except OSError:
        template = ""  # resources missing: the palette alone
    values = {field: getattr(c, field) for field in Colors.__dataclass_fields__}
    return string.Template(template).safe_substitute(values)


def apply_theme(app: QApplication, choice: str = "system", *, sheet: bool = True) -> Colors:
    """Apply ``light``, ``dark`` or the ``system`` scheme to ``app``; returns its colours.

    ``sheet=False`` sets the style and palette only: the launcher shows the window with them
    and applies the style sheet (a tenth of a second of polishing) on the next turn of the loop.
    """
    scheme = system_scheme() if choice == "system" else choice
    chosen = DARK if scheme == "dark" else LIGHT
    _InUse.colors = chosen
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    app.setPalette(_palette(chosen))
    if sheet:
        apply_style_sheet(app)
    for widget in app.topLevelWidgets():
        retint(widget)
    return chosen


def apply_style_sheet(app: QApplication) -> None:
    """Apply the style sheet of the colours in use."""
    app.setStyleSheet(_style_sheet(_InUse.colors))


@cache
def _svg(name: str) -> str | None:
    try:
        return (ASSETS / "icons" / f"{name}.svg").read_text(encoding="utf-8")
    except OSError:
        return None


_STANDARD = {
    "phone": QStyle.StandardPixmap.SP_DialogYesButton,
    "phone-off": QStyle.StandardPixmap.SP_DialogNoButton,
    "pause": QStyle.StandardPixmap.SP_MediaPause,
    "play": QStyle.StandardPixmap.SP_MediaPlay,
    "stop": QStyle.StandardPixmap.SP_MediaStop,
    "record": QStyle.StandardPixmap.SP_DialogApplyButton,
    "mic": QStyle.StandardPixmap.SP_MediaVolume,
    "mic-off": QStyle.StandardPixmap.SP_MediaVolumeMuted,
    "check": QStyle.StandardPixmap.SP_DialogApplyButton,
    "x": QStyle.StandardPixmap.SP_DialogCancelButton,
    "refresh": QStyle.StandardPixmap.SP_BrowserReload,
    "save": QStyle.StandardPixmap.SP_DialogSaveButton,
    "folder": QStyle.StandardPixmap.SP_DirOpenIcon,
    "transfer": QStyle.StandardPixmap.SP_ArrowRight,
    "send": QStyle.StandardPixmap.SP_ArrowForward,
}


def icon(name: str, color: str | None = None) -> QIcon:
    """The named icon tinted ``color`` (the palette's text colour by default)."""
    return _icon(name, color, _InUse.colors.scheme)


@cache
def _shape(name: str) -> QPixmap | None:
    """The icon's shape, rendered once (64 px: 32 px at 2x); colours are painted into it."""
    svg = _svg(name)
    if svg is None:
        return None
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    side = 64
    shape = QPixmap(QSize(side, side))
    shape.fill(Qt.GlobalColor.transparent)
    painter = QPainter(shape)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, side, side))
    painter.end()
    return shape


def _tinted(shape: QPixmap, color: str) -> QPixmap:
    # The icons are one colour (currentColor): keep the shape's alpha, paint the colour in.
    pixmap = QPixmap(shape)
    painter = QPainter(pixmap)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.fillRect(pixmap.rect(), QColor(color))
    painter.end()
    return pixmap


@cache
def _icon(name: str, color: str | None, scheme: str) -> QIcon:
    shape = _shape(name)
    if shape is None:
        app = QApplication.instance()
        style = app.style() if isinstance(app, QApplication) else None
        standard = _STANDARD.get(name, QStyle.StandardPixmap.SP_FileIcon)
        return style.standardIcon(standard) if style is not None else QIcon()
    in_use = DARK if scheme == "dark" else LIGHT
    result = QIcon()
    result.addPixmap(_tinted(shape, color or in_use.text), QIcon.Mode.Normal)
    result.addPixmap(_tinted(shape, in_use.faint), QIcon.Mode.Disabled)
    return result


def set_icon(button: QAbstractButton, name: str, color: str | None = None) -> None:
    """Give ``button`` the named icon and remember it so ``retint`` can repaint it."""
    button.setProperty(_ICON_PROPERTY, name)
    button.setProperty(_ICON_COLOR_PROPERTY, color or "")
    button.setIcon(icon(name, _resolve(color)))


def set_label_icon(label: QLabel, name: str, size: int, color: str | None = None) -> None:
    """Show the named icon on ``label`` and remember it so ``retint`` can repaint it."""
    label.setProperty(_ICON_PROPERTY, name)
    label.setProperty(_ICON_COLOR_PROPERTY, color or "")
    label.setProperty("adsimIconSize", size)
    label.setPixmap(icon(name, _resolve(color)).pixmap(QSize(size, size)))


def _resolve(color: str | None) -> str | None:
    """A colour name of ``Colors`` (``on_accent``, ``good`` ...) or a literal, or None."""
    if not color:
        return None
    return getattr(_InUse.colors, color, color)


def retint(root: QWidget) -> None:
    """Re-tint every icon set with ``set_icon`` under ``root`` (after a scheme change)."""
    for button in root.findChildren(QAbstractButton):
        name = button.property(_ICON_PROPERTY)
        if name:
            color = button.property(_ICON_COLOR_PROPERTY) or None
            button.setIcon(icon(str(name), _resolve(color)))
    for label in root.findChildren(QLabel):
        name = label.property(_ICON_PROPERTY)
        if name:
            color = label.property(_ICON_COLOR_PROPERTY) or None
            size = int(label.property("adsimIconSize") or 24)
            label.setPixmap(icon(str(name), _resolve(color)).pixmap(QSize(size, size)))
