"""The example integration's own test suite runs green, with the plugin as a user gets it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "example_integration"


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_example_integration_tests_pass(isolation):
    """In both isolations: with ``process``, the handler's process starts when the ``adsim``
    fixture is set up, and saw no ``ACME_CRM_URL`` when the test's ``crm`` fixture set it
    later (three of its four tests failed); the example's conftest sets ``crm`` up first."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            f"adsim_handler_isolation={isolation}",
        ],
        cwd=EXAMPLE,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "4 passed" in result.stdout
