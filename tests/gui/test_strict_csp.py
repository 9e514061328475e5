"""Strict-CSP mode: a page whose Content-Security-Policy pins the tenant loads the shim from the
tenant's own ``https://`` URL, served locally with a certificate accepted for that host only.

Chromium reads its flags (the resolver rule that points the tenant's host at the local server)
once per process, so each case runs ``strict_csp_probe.py`` in a process of its own and reads
the one JSON line it prints.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets", reason="needs agent-desktop-simulator[web]")

from PySide6.QtCore import QCoreApplication, QEvent

# Imported at collection, before any QApplication exists: it registers the adsim:// scheme.
from simulator.gui.page import web_page

ROOT = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("strict_csp_probe.py")

pytestmark = pytest.mark.gui


def _probe(mode: str, where: str) -> dict[str, Any]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ADSIM_JOURNAL": ":memory:"}
    flags = env.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--no-sandbox" not in flags:
        env["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} --no-sandbox".strip()
    result = subprocess.run(
        [sys.executable, str(PROBE), mode, where],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    assert result.returncode == 0 and lines, result.stdout[-2000:] + result.stderr[-4000:]
    return json.loads(lines[0].removeprefix("RESULT "))


def _played(report: dict[str, Any]) -> None:
    """The handshake was done and every activity record reached the page."""
    assert report["loaded"] is True
    assert report["shim"] is True, report["log"]
    assert report["ready"] is True, report["log"]
    assert report["passed"] is True
    assert report["expected"]
    assert report["saved"] == report["expected"]
    assert report["shown"] == report["expected"]


def test_strict_mode_serves_the_shim_at_the_tenant_url() -> None:
    report = _probe("strict", "folder")
    _played(report)
    # The tenant's origin is served (its certificate accepted); any other origin stays blocked.
    assert report["tenant_page"] is True
    assert report["tenant_title"] == "Agent Desktop (simulated)"
    assert report["other_page"] is False
    assert report["blocked"] == ["https://example.com/"]
    assert not any(line.startswith("certificate refused") for line in report["log"])
    assert "already on for https://tenant.adsim.test" in report["again"]


def test_strict_mode_serves_a_crossorigin_script_to_an_http_page() -> None:
    _played(_probe("strict", "url-crossorigin"))


def test_default_mode_redirect_passes_the_csp() -> None:
    """Without strict mode the same page still gets its shim: the redirect to ``adsim://``
    passes ``script-src`` because that scheme is registered as bypassing CSP. The tenant's
    widget path is redirected to the placeholder too; any other origin stays blocked."""
    report = _probe("default", "folder")
    _played(report)
    assert report["tenant_page"] is True
    assert report["tenant_title"] == "Agent Desktop (simulated)"
    assert report["other_page"] is False
    assert "https://example.com/" in report["blocked"]
    assert "before the first CRM page" in report["again"]


def test_default_mode_fails_a_crossorigin_script_on_an_http_page() -> None:
    """What strict mode is for: a CORS-mode script load redirected to ``adsim://`` answers for
    the wrong origin, so the page never gets its adApi."""
    report = _probe("default", "url-crossorigin")
    assert report["loaded"] is True
    assert report["shim"] is False
    assert report["ready"] is False
    assert any("blocked by CORS policy" in line for line in report["log"]), report["log"]


def test_a_bad_tenant_url_is_one_line_and_exit_2(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path))
    page = ROOT / "fixtures" / "strict_csp_page"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "simulator",
            "--page",
            str(page),
            "--tenant-url",
            "https://a.test/x",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("adsim: --tenant-url: https://a.test/x: not a tenant URL")
    assert result.stderr.count("\n") == 1


def test_strict_mode_cannot_start_once_a_page_exists(qtbot: Any) -> None:
    view = web_page.CrmPageView()
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS")
    try:
        with pytest.raises(RuntimeError, match="before the first CRM page is created"):
            web_page.use_tenant_url("https://tenant.adsim.test")
        assert web_page.tenant_server() is None
        assert os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS") == flags
        assert view.tenant is None and view.guard.tenant_host is None
    finally:
        view.close_page()
        view.deleteLater()
        # QtWebEngine wants each page gone before its profile.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
