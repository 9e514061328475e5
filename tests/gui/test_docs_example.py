"""The automation contract's example (docs/window.md, ``# test_desktop.py``) runs as written:
``adsim_window`` with a handler, the virtual clock and a wait for handler delivery."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.documentation import file_samples

pytestmark = pytest.mark.gui


def test_the_window_pages_example_passes(tmp_path):
    samples = file_samples()
    for name in ("test_desktop.py", "crm_handler.py"):
        (tmp_path / name).write_text(samples[name], encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_desktop.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
