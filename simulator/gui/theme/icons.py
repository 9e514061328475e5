"""Tinted SVG icons: monochrome shapes painted in the scheme's colours, re-tinted on a change.

Icons are monochrome SVGs in ``resources/icons`` (package data) drawn with ``currentColor``,
shipped also as rendered shapes (``simulator.gui.theme.shapes``); they are tinted with the
palette's text colour (or a fixed colour on coloured buttons) and re-tinted when the scheme
changes. A widget asks for an icon by name with ``set_icon``; ``retint`` repaints
them all. Should the resources be missing, Qt's standard icons stand in.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from simulator.gui.theme.palette import DARK, LIGHT, _InUse
from simulator.gui.theme.shapes import shape as shape_of

__all__ = ["icon", "retint", "set_icon", "set_label_icon"]

_ICON_PROPERTY = "adsimIcon"
_ICON_COLOR_PROPERTY = "adsimIconColor"


def _standard_icon(name: str) -> QIcon:
    """Qt's own icon standing in for ``name`` (the resources are missing). The table is built
    here, not at import: ``QStyle``'s enums cost a start ~7 ms and are needed only here."""
    from PySide6.QtWidgets import QStyle

    app = QApplication.instance()
    style = app.style() if isinstance(app, QApplication) else None
    if style is None:
        return QIcon()
    pixmap = QStyle.StandardPixmap
    standard = {
        "phone": pixmap.SP_DialogYesButton,
        "phone-off": pixmap.SP_DialogNoButton,
        "pause": pixmap.SP_MediaPause,
        "play": pixmap.SP_MediaPlay,
        "stop": pixmap.SP_MediaStop,
        "record": pixmap.SP_DialogApplyButton,
        "mic": pixmap.SP_MediaVolume,
        "mic-off": pixmap.SP_MediaVolumeMuted,
        "check": pixmap.SP_DialogApplyButton,
        "x": pixmap.SP_DialogCancelButton,
        "refresh": pixmap.SP_BrowserReload,
        "save": pixmap.SP_DialogSaveButton,
        "folder": pixmap.SP_DirOpenIcon,
        "transfer": pixmap.SP_ArrowRight,
        "send": pixmap.SP_ArrowForward,
    }
    return style.standardIcon(standard.get(name, pixmap.SP_FileIcon))


def icon(name: str, color: str | None = None) -> QIcon:
    """The named icon tinted ``color`` (the palette's text colour by default)."""
    return _icon(name, color, _InUse.colors.scheme)


def _tinted(shape: QPixmap, color: str) -> QPixmap:
    # The icons are one colour (currentColor): keep the shape's alpha, paint the colour in.
    # A rectangle without pen, not ``fillRect``: choosing among fillRect's overloads makes
    # PySide build ``QGradient``'s enums (~1.4 ms of the first paint); the pixels are the same.
    pixmap = QPixmap(shape)
    painter = QPainter(pixmap)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(color))
    painter.drawRect(pixmap.rect())
    painter.end()
    return pixmap


@cache
def _icon(name: str, color: str | None, scheme: str) -> QIcon:
    shape = shape_of(name)
    if shape is None:
        return _standard_icon(name)
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
