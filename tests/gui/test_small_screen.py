"""A screen smaller than a laptop's (1024x700): the window fits it, what does not fit scrolls
or ends in "…"."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gui.screens import open_on_screen

pytestmark = pytest.mark.gui

TENANT_SHOWN = """
from PySide6.QtWidgets import QWidget
tenant = window.findChild(QWidget, "tenantLabel")
print(tenant.text() + "|" + tenant.toolTip())
"""


def test_on_a_1024x700_screen_the_window_fits_it(tmp_path: Path) -> None:
    """The window opened 1107 px wide on a 1024 px screen: the agent bar asked for the tenant's
    name, seed and adApi version whole (236 px), and the directory's State column, the customer
    side's Email button and the status bar's clock were past the screen's right edge. The
    tenant's label ends in "…" where the bar has no room (whole in its tooltip)."""
    result = open_on_screen(tmp_path, 1024, 700, TENANT_SHOWN)
    assert result.returncode == 0, result.stderr
    opened, tenant = result.stdout.splitlines()[-2:]
    width, height, _least = map(int, opened.split())
    assert width <= 1024 and height <= 700, result.stdout
    text, tooltip = tenant.split("|")
    assert "seed 1" in text and tooltip == text, result.stdout
