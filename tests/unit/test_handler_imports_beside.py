"""A plugin file imports the modules beside it (``from _common import TAG``, ``from crm_client
import Client``), as ``python crm_handler.py`` would: docs/handlers.md promised that a folder's
shared code can live in ``_common.py``, and importing it failed with ``ModuleNotFoundError``."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest

from simulator.contract import EventName
from simulator.handlers import HandlerHost

WAIT = 10.0


def _write(folder: Path, name: str, source: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(source).lstrip(), encoding="utf-8")
    return path


@pytest.fixture
def restore_path():
    """Each test appends its folders to ``sys.path``: gone again after it."""
    before = list(sys.path)
    modules = set(sys.modules)
    yield
    sys.path[:] = before
    for name in set(sys.modules) - modules:
        ours = ("adsim_beside_", "_adsim_beside_", "crm_client", "_common", "adsim_handlers.")
        if name.startswith(ours):
            sys.modules.pop(name, None)


def _importing(folder: Path, module: str) -> Path:
    """A plugin in ``folder`` that imports ``module``."""
    return _write(
        folder,
        "save.py",
        f"""
        import {module}

        def register(ad_api):
            ad_api.on("ON_LOGIN", lambda state: "ok")
        """,
    )


def _reload_keeps(sim, plugin: Path, module: object) -> None:
    """Load ``plugin`` in this process and reload it: ``module`` (or the module of that name
    the plugin imported) stays the one imported."""
    import importlib

    host = HandlerHost(sim, timeout=WAIT, isolation="thread")
    try:
        [status] = host.load(plugin)
        assert status.loaded, status.error
        if isinstance(module, str):
            module = importlib.import_module(module)
        host.reload()
        assert sys.modules[module.__name__] is module
    finally:
        host.close(timeout=WAIT)


def _login_results(sim, host) -> list[object]:
    sim.login()
    assert host.settle(WAIT)
    return [o.result for o in host.outcomes if o.event_name == EventName.ON_LOGIN.value]


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_a_folder_plugin_imports_its_common_module(sim, tmp_path, isolation, restore_path):
    folder = tmp_path / "handlers"
    _write(folder, "_common.py", 'TAG = "from _common"\n')
    _write(
        folder,
        "save.py",
        """
        from _common import TAG

        def register(ad_api):
            ad_api.on("ON_LOGIN", lambda state: TAG)
        """,
    )
    host = HandlerHost(sim, timeout=WAIT, isolation=isolation)
    try:
        [status] = host.load(folder)
        assert status.loaded, status.error
        assert _login_results(sim, host) == ["from _common"]
    finally:
        host.close(timeout=WAIT)


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_a_plugin_file_imports_a_module_beside_it(sim, tmp_path, isolation, restore_path):
    folder = tmp_path / "project"
    _write(folder, "crm_client.py", "def name():\n    return 'crm client'\n")
    plugin = _write(
        folder,
        "crm_handler.py",
        """
        import crm_client

        def register(ad_api):
            ad_api.on("ON_LOGIN", lambda state: crm_client.name())
        """,
    )
    host = HandlerHost(sim, timeout=WAIT, isolation=isolation)
    try:
        [status] = host.load(plugin)
        assert status.loaded, status.error
        assert _login_results(sim, host) == ["crm client"]
    finally:
        host.close(timeout=WAIT)


def test_a_module_named_like_the_standard_librarys_does_not_hide_it(sim, tmp_path, restore_path):
    """The folder is appended to ``sys.path``, not put first: a ``json.py`` beside a plugin is
    not what ``import json`` finds, in the plugin or in adsim."""
    folder = tmp_path / "shadow"
    _write(folder, "json.py", "raise RuntimeError('the json.py beside the plugin was imported')\n")
    plugin = _write(
        folder,
        "save.py",
        """
        import json

        def register(ad_api):
            ad_api.on("ON_LOGIN", lambda state: json.dumps({"a": 1}))
        """,
    )
    host = HandlerHost(sim, timeout=WAIT, isolation="thread")
    try:
        [status] = host.load(plugin)
        assert status.loaded, status.error
        assert _login_results(sim, host) == ['{"a": 1}']
        assert str(folder) in sys.path
        assert sys.path.index(str(folder)) > 0
        assert json.dumps([1]) == "[1]"
    finally:
        host.close(timeout=WAIT)


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_reload_reads_the_module_beside_again(sim, tmp_path, isolation, restore_path):
    """A module beside the plugin stays imported (in adsim's process, or in the plugin's):
    ``reload`` must read an edit to it, as it reads an edit to the plugin file."""
    folder = tmp_path / "edited"
    common = _write(folder, "_adsim_beside_common.py", 'TAG = "v1"\n')
    _write(
        folder,
        "save.py",
        """
        import _adsim_beside_common as common

        def register(ad_api):
            ad_api.on("ON_LOGIN", lambda state: common.TAG)
        """,
    )
    host = HandlerHost(sim, timeout=WAIT, isolation=isolation)
    try:
        host.load(folder)
        assert _login_results(sim, host) == ["v1"]
        common.write_text('TAG = "v2"\n', encoding="utf-8")
        statuses = host.reload()
        assert [(s.name, s.loaded, s.error) for s in statuses] == [("save", True, None)]
        sim.logout()
        assert _login_results(sim, host) == ["v1", "v2"]
    finally:
        host.close(timeout=WAIT)


def test_reload_leaves_the_modules_imported_before_the_plugin(sim, tmp_path, restore_path):
    """A plugin beside modules already imported (adsim's own package, for a plugin at a clone's
    root) must not make ``reload`` drop them: only what the plugins' imports brought in is
    forgotten (two copies of ``simulator.*`` would break every ``isinstance``)."""
    import importlib

    folder = tmp_path / "beside_earlier"
    _write(folder, "adsim_beside_earlier.py", "OBJECT = object()\n")
    sys.path.append(str(folder))
    earlier = importlib.import_module("adsim_beside_earlier")
    _reload_keeps(sim, _importing(folder, "adsim_beside_earlier"), earlier)


def _two_folders(tmp_path: Path) -> tuple[Path, Path]:
    for tag in ("A", "B"):
        folder = tmp_path / f"crm{tag}"
        _write(folder, "_common.py", f'TAG = "{tag}"\n')
        _write(
            folder,
            "save.py",
            """
            from _common import TAG

            def register(ad_api):
                ad_api.on("ON_LOGIN", lambda state: TAG)
            """,
        )
    return tmp_path / "crmA", tmp_path / "crmB"


def test_two_folders_with_a_module_of_one_name_in_one_process_are_refused(
    sim, tmp_path, restore_path
):
    """Plugin B silently got plugin A's ``_common`` (one module per name in a process)."""
    first, second = _two_folders(tmp_path)
    host = HandlerHost(sim, timeout=WAIT, isolation="thread")
    try:
        [loaded] = host.load(first)
        [refused] = host.load(second)
        assert loaded.loaded, loaded.error
        assert not refused.loaded
        assert refused.error.startswith(
            f"{second / 'save.py'}:1: its folder's module '_common' ({second / '_common.py'}) "
            f"has the name of {first / '_common.py'}, which a plugin loaded before imported"
        )
        assert "--handler-isolation process" in refused.error
        assert _login_results(sim, host) == ["A"]
    finally:
        host.close(timeout=WAIT)


def test_two_folders_with_a_module_of_one_name_in_processes_each_get_theirs(
    sim, tmp_path, restore_path
):
    first, second = _two_folders(tmp_path)
    host = HandlerHost(sim, timeout=WAIT, isolation="process")
    try:
        assert all(status.loaded for status in [*host.load(first), *host.load(second)])
        assert sorted(_login_results(sim, host)) == ["A", "B"]
    finally:
        host.close(timeout=WAIT)


def test_reload_leaves_a_package_installed_below_the_plugins_folder(sim, tmp_path, restore_path):
    """A plugin at a project's root, its ``.venv`` beside it: a reload made a second copy of
    every package the plugin imported from there (``isinstance`` and ``except`` broke)."""

    project = tmp_path / "project"
    site = project / ".venv" / "lib" / "site-packages"
    _write(site / "adsim_beside_pkg", "__init__.py", "class Thing:\n    pass\n")
    sys.path.append(str(site))  # as the venv's site-packages is
    plugin = _importing(project, "adsim_beside_pkg")
    _reload_keeps(sim, plugin, "adsim_beside_pkg")


def test_adding_a_plugin_whose_file_is_loaded_gives_that_plugins_status(sim, tmp_path):
    """``add_plugin`` for a file already loaded (once serves both) was an ``IndexError``."""
    plugin = _write(tmp_path / "once", "save.py", "def register(ad_api):\n    pass\n")
    host = HandlerHost(sim, timeout=WAIT, isolation="thread")
    try:
        [loaded] = host.load(plugin)
        again = host.add_plugin("save", lambda api: None, source=str(plugin), file=str(plugin))
        assert again == loaded
        assert len(host.plugins) == 1
    finally:
        host.close(timeout=WAIT)


def test_a_tenant_that_is_not_a_path_is_refused():
    """``load_tenant(5)`` opened file descriptor 5 (pytest's capture file) and closed it."""
    from simulator.data import load_tenant

    with pytest.raises(TypeError, match="a tenant is a file's path, not int 5"):
        load_tenant(5)  # type: ignore[arg-type]
