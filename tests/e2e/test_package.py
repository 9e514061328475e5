"""The package as a user gets it: the wheel built from the source tree, installed without extras
(its dependencies resolved by pip, as for any user) into a fresh virtual environment, runs
``adsim demo``, ``adsim run`` on a fixture scenario and the pytest plugin, far from this tree.

pip's cache is shared with the developer's, so after the first run nothing is downloaded.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import venv
from pathlib import Path

import pytest

import simulator
from tests.documentation import ROOT

pytestmark = pytest.mark.slow


def _run(argv: list[str | Path], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    clean.update(ADSIM_JOURNAL=":memory:", PIP_DISABLE_PIP_VERSION_CHECK="1", **env)
    result = subprocess.run(
        [str(part) for part in argv],
        cwd=cwd,
        env=clean,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"{argv}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and the wheel, built from a copy of the tree as a release would be."""
    if not (ROOT / ".git").exists():
        pytest.skip("builds from a git checkout (the release's files are the tracked ones)")
    source = tmp_path_factory.mktemp("source")
    # The tree's files (committed or not, less what git ignores): the build leaves nothing here.
    listed = _run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], ROOT)
    for name in filter(None, listed.stdout.split("\0")):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("dist")
    result = _run([sys.executable, "-m", "build", "--outdir", out, source], cwd=source)
    (out / "build.log").write_text(result.stdout + result.stderr, "utf-8")
    return out


# Said on every build: nothing matched a MANIFEST.in exclusion; the build does not byte-compile.
_BENIGN = (
    "warning: no previously-included files",
    "warning: build_py: byte-compiling",
    "warning: install_lib: byte-compiling",
)

_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.sqlite3")


@pytest.fixture(scope="module")
def fresh(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment with the wheel installed, no extras; its ``bin``."""
    home = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=True).create(home)
    bin_dir = home / "bin"
    [wheel] = dist.glob("*.whl")
    _run([bin_dir / "python", "-m", "pip", "install", "--quiet", wheel], cwd=home)
    return bin_dir


def test_the_sdist_carries_the_fixtures_the_documentation_uses(dist):
    [sdist] = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for name in ("LICENSE", "CHANGELOG.md", "fixtures/scenarios/chat.yaml", "docs/index.md"):
        assert name in names, name
    assert not [name for name in names if "__pycache__" in name]
    assert "dev/HELPERS.md" not in names  # the team's internal note


def test_setuptools_does_not_warn_about_the_metadata(dist):
    log = (dist / "build.log").read_text("utf-8")
    assert "Successfully built" in log
    warnings = [
        line
        for line in log.splitlines()
        if re.search(r"warn|deprecat", line, re.I) and not line.startswith(_BENIGN)
    ]
    assert warnings == []


def test_the_wheel_installs_without_extras_and_without_qt(fresh, tmp_path):
    script = (
        "import importlib.metadata as m, importlib.util as u, simulator;"
        "print(simulator.__file__);"
        "print(m.version('agent-desktop-simulator'));"
        "print(u.find_spec('PySide6') is None);"
        "print(m.metadata('agent-desktop-simulator')['License-Expression'])"
    )
    where, version, no_qt, license_ = _run(
        [fresh / "python", "-c", script], cwd=tmp_path
    ).stdout.split()
    assert Path(where).is_relative_to(fresh.parent), where
    assert version == simulator.__version__
    assert no_qt == "True"
    assert license_ == "MIT"
    assert _run([fresh / "adsim", "--version"], cwd=tmp_path).stdout.split() == [
        "adsim",
        simulator.__version__,
    ]


def test_adsim_demo_and_run_work_from_the_wheel(fresh, tmp_path):
    demo = _run([fresh / "adsim", "demo"], cwd=tmp_path)
    assert json.loads(demo.stdout)["disposition"]
    scenario = ROOT / "fixtures" / "scenarios" / "consult_transfer.yaml"
    run = _run([fresh / "adsim", "run", scenario], cwd=tmp_path)
    assert "Consult transfer" in run.stdout, run.stdout  # exit 0: every expectation held


def test_the_pytest_plugin_works_from_the_wheel(fresh, tmp_path):
    """The example integration's own suite, as its developers would run it."""
    _run(
        [fresh / "python", "-m", "pip", "install", "--quiet", "pytest", "pytest-httpserver"],
        cwd=tmp_path,
    )
    shutil.copytree(ROOT / "fixtures", tmp_path / "fixtures", ignore=_IGNORE)
    example = tmp_path / "fixtures" / "example_integration"  # its tests use ../scenarios
    result = _run([fresh / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=example)
    assert "4 passed" in result.stdout
