"""``adsim --api-version`` reaches the window's simulation: a handler of a 2026-only event loads
there, and not in the default 5.19."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui

PLUGIN = """
from pathlib import Path

def register(ad_api):
    ad_api.on("ON_SUMMARY_GENERATION_COMPLETED", lambda result: None)
    Path({marker!r}).write_text("loaded", encoding="utf-8")
"""


@pytest.mark.parametrize(("version", "loads"), [("2026", True), (None, False)])
def test_the_window_runs_the_asked_version(tmp_path: Path, version: str | None, loads: bool):
    marker = tmp_path / "loaded.txt"
    plugin = tmp_path / "summary.py"
    plugin.write_text(PLUGIN.format(marker=str(marker)), encoding="utf-8")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env.update(
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path),
        XDG_DATA_HOME=str(tmp_path),
        QT_QPA_PLATFORM="offscreen",
        ADSIM_REPORT_STARTUP="1",
    )
    args = ["--handler", str(plugin), "--journal", str(tmp_path / "journal.sqlite")]
    if version is not None:
        args = ["--api-version", version, *args]
    result = subprocess.run(
        [sys.executable, "-m", "simulator", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )
    assert marker.exists() is loads, result.stderr
