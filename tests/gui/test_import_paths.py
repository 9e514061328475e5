"""The window's documented import paths keep working wherever the code lives inside the package."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

pytestmark = pytest.mark.gui

DOCUMENTED = {
    "simulator.gui.bridge": ["SimBridge"],
    "simulator.gui.settings": ["WindowSettings"],
    "simulator.gui.window": ["MainWindow"],
    "simulator.gui.launch": ["WindowOptions", "run_window", "display_problem"],
    "simulator.gui.session": ["Session", "open_session"],
    "simulator.gui.testing": ["open_window"],
    "simulator.gui.automation": ["CONTROLS", "enabling_actions", "shortcuts", "markdown_table"],
}
WEB = {
    "simulator.gui.web_page": [
        "CrmPageView",
        "add_crm_page_dock",
        "use_tenant_url",
        "parse_origin",
        "options_problem",
    ],
    "simulator.gui.page_run": ["HeadlessPage", "PageSession", "drive"],
}


@pytest.mark.parametrize("module", sorted(DOCUMENTED))
def test_documented_names_import(module: str) -> None:
    loaded = importlib.import_module(module)
    for name in DOCUMENTED[module]:
        assert hasattr(loaded, name), f"{module}.{name}"


@pytest.mark.parametrize("module", sorted(WEB))
def test_documented_page_names_import(module: str) -> None:
    pytest.importorskip("PySide6.QtWebEngineWidgets", reason="needs agent-desktop-simulator[web]")
    loaded = importlib.import_module(module)
    for name in WEB[module]:
        assert hasattr(loaded, name), f"{module}.{name}"


def test_the_web_page_path_is_the_page_host() -> None:
    pytest.importorskip("PySide6.QtWebEngineWidgets", reason="needs agent-desktop-simulator[web]")
    from simulator.gui import web_page
    from simulator.gui.page import web_page as host

    # Not a copy: tenant_url state set through one path is seen through the other.
    assert web_page.use_tenant_url is host.use_tenant_url
    assert web_page.tenant_server is host.tenant_server


def test_python_m_automation_prints_the_table() -> None:
    from simulator.gui.automation import markdown_table

    done = subprocess.run(
        [sys.executable, "-m", "simulator.gui.automation"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == markdown_table()
