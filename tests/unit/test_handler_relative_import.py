"""A ``--handler`` file inside a package that imports relative to it (``from . import crm``)
cannot load (it runs as a module of its own): the line says what to write instead. Python's own
error named a package nobody wrote (``No module named 'adsim_handlers.crm'``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from simulator.data import load_tenant
from simulator.engine import Simulator
from simulator.handlers import HandlerHost, plugins


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """src/pkg/ holding crm.py and __init__.py; the working directory is tmp_path."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))  # the plugin's folder is appended
    folder = tmp_path / "src" / "pkg"
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text("", encoding="utf-8")
    (folder / "crm.py").write_text("TAG = 'crm'\n", encoding="utf-8")
    return folder


def _error(path: Path, isolation: str) -> str | None:
    host = HandlerHost(Simulator(load_tenant(), seed=7), timeout=60.0, isolation=isolation)
    try:
        [status] = host.load(Path(os.path.relpath(path)))
        return status.error
    finally:
        host.close()


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_a_relative_import_in_a_package_says_what_to_write(package: Path, isolation: str) -> None:
    plugin = package / "mod.py"
    plugin.write_text("\nfrom .crm import TAG\n\ndef register(ad_api):\n    pass\n", "utf-8")
    assert _error(plugin, isolation) == (
        f"{Path('src/pkg/mod.py')}:2: from .crm import TAG: a handler file runs as a module of "
        "its own, not as pkg.mod, so it cannot import relative to its package; write from "
        "pkg.crm import TAG (with src on PYTHONPATH, or the package installed), or declare "
        "pkg.mod as an entry point of the installed package (group "
        "agent_desktop_simulator.handlers)"
    )


def test_from_dot_import_names_the_package(package: Path) -> None:
    plugin = package / "mod.py"
    plugin.write_text("from . import crm\n\ndef register(ad_api):\n    pass\n", "utf-8")
    error = _error(plugin, "thread")
    assert error is not None
    assert "from . import crm: " in error
    assert "write from pkg import crm (with src on PYTHONPATH" in error


def test_outside_a_package_it_says_to_import_the_module_beside_it(package: Path) -> None:
    plugin = package.parent / "flat.py"  # src/ is no package
    plugin.write_text("from .crm import TAG\n\ndef register(ad_api):\n    pass\n", "utf-8")
    error = _error(plugin, "thread")
    assert error is not None
    assert error.endswith(
        "from .crm import TAG: a handler file runs as a module of its own, in no package, so "
        "it cannot import relative to one; import the module beside it as a script does "
        "(from crm import TAG)"
    ), error


def test_a_relative_import_the_plugin_catches_is_its_own(package: Path) -> None:
    # A name no other test's plugin folder has: one module of a name per process (``_clash``).
    (package / "crm.py").rename(package / "relcrm_4c1e.py")
    plugin = package / "mod.py"
    plugin.write_text(
        "try:\n    from . import relcrm_4c1e\nexcept ImportError:\n    import relcrm_4c1e\n\n"
        "def register(ad_api):\n    assert relcrm_4c1e.TAG == 'crm'\n",
        "utf-8",
    )
    try:
        assert _error(plugin, "thread") is None
    finally:
        sys.modules.pop("relcrm_4c1e", None)
        plugins._BESIDE.pop("relcrm_4c1e", None)
