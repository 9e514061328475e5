"""Applying a scheme: Fusion, a ``QPalette`` from the scheme's colours and the one style sheet."""

from __future__ import annotations

import string

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from simulator.gui.theme.assets import ASSETS
from simulator.gui.theme.icons import retint
from simulator.gui.theme.palette import DARK, LIGHT, Colors, _InUse, system_scheme

__all__ = ["FUSION_ARGS", "apply_style_sheet", "apply_theme"]

FUSION_ARGS = ["-style", "Fusion"]
"""Arguments that make a new ``QApplication`` use Fusion from the start."""


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


def apply_theme(
    app: QApplication, choice: str = "system", *, sheet: bool = True, restyle: bool = True
) -> Colors:
    """Apply ``light``, ``dark`` or the ``system`` scheme to ``app``; returns its colours.

    ``sheet=False`` sets the style and palette only: the launcher builds the window first and
    applies the style sheet before showing it (widgets polished as they are made cost more).
    ``restyle=False``: ``app`` was made with Fusion (``FUSION_ARGS``), so it is not asked for its
    style (any ``QStyle`` in Python builds that class's enums: ~7 ms of the window's start).
    """
    scheme = system_scheme() if choice == "system" else choice
    chosen = DARK if scheme == "dark" else LIGHT
    _InUse.colors = chosen
    if restyle and app.style().name().lower() != "fusion":
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
