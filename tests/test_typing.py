"""The type checker is part of the build: ``mypy`` (configured in pyproject.toml) reports no error
in the whole package; it checks the contract, the engine, the handlers and the journal strictly,
the rest with mypy's default rules."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.documentation import ROOT

pytestmark = pytest.mark.slow

STRICT = {
    "contract": "simulator/contract/events.py",
    "engine": "simulator/engine/clock.py",
    "handlers": "simulator/handlers/outcome.py",
    "journal": "simulator/journal/store.py",
    "handlers.host": "simulator/handlers/host/delivery.py",
    "handlers.ad_api": "simulator/handlers/ad_api/core.py",
}
DEFAULT = {
    "cli": "simulator/cli.py",
    "data": "simulator/data/customers.py",
    "gui": "simulator/gui/enabling.py",
    "scenarios": "simulator/scenarios/runner.py",
    "testing": "simulator/testing/harness.py",
    "web": "simulator/web/endpoint.py",
}


def _mypy(*args: str) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("mypy", reason="the dev extra installs mypy")
    return subprocess.run(
        [sys.executable, "-m", "mypy", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={k: v for k, v in os.environ.items() if k != "MYPYPATH"},
    )


def test_mypy_reports_no_error():
    result = _mypy()
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert "Success: no issues found" in result.stdout


def test_the_integration_packages_are_checked_strictly(tmp_path):
    """An unannotated function added to one module of each package is an error there."""
    shadows = []
    for package, module in STRICT.items():
        probe = tmp_path / f"{package}.py"
        source = (ROOT / module).read_text("utf-8")
        probe.write_text(source + "\n\ndef _untyped_probe(value):\n    return value\n", "utf-8")
        shadows += ["--shadow-file", module, str(probe)]
    result = _mypy(*shadows)
    for module in STRICT.values():
        assert f"{module}:" in result.stdout and "no-untyped-def" in result.stdout, (
            f"{module} is not checked strictly:\n{result.stdout[-3000:]}"
        )


def test_the_other_packages_are_checked_with_the_default_rules(tmp_path):
    """A wrong type added to one module of each other package is an error there; an
    unannotated function is not (mypy's default rules, not strict)."""
    shadows = []
    for package, module in DEFAULT.items():
        probe = tmp_path / f"{package}.py"
        source = (ROOT / module).read_text("utf-8")
        probe.write_text(
            source + '\n\ndef _untyped_probe(value):\n    return value\n\n_PROBE: int = "text"\n',
            "utf-8",
        )
        shadows += ["--shadow-file", module, str(probe)]
    result = _mypy(*shadows)
    for module in DEFAULT.values():
        lines = [line for line in result.stdout.splitlines() if line.startswith(f"{module}:")]
        assert any("[assignment]" in line for line in lines), (
            f"{module} is not checked:\n{result.stdout[-3000:]}"
        )
        assert not any("no-untyped-def" in line for line in lines), (
            f"{module} is checked strictly, not with the default rules:\n{result.stdout[-3000:]}"
        )
