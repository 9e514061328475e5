"""Loading plugins: files, directories, entry points; load errors name file and line; reload."""

from __future__ import annotations

import os
import re
import sys
import textwrap
from pathlib import Path

import pytest

from simulator.contract import EventName
from simulator.data import InputFileError
from simulator.handlers import HandlerHost
from simulator.journal import Journal

WAIT = 10.0


@pytest.fixture
def host(sim):
    host = HandlerHost(sim, timeout=WAIT, journal=Journal.open(":memory:"))
    yield host
    host.close(timeout=WAIT)
    host.journal.close()


def _write(folder: Path, name: str, source: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(source).lstrip(), encoding="utf-8")
    return path


README_EXAMPLE = """
    saved = []

    def save_to_crm(activity):
        saved.append(activity.interaction_id)

    def register(ad_api):
        ad_api.on("ON_SAVE_ACTIVITY_RECORD", save_to_crm)
"""


def _readme_handler() -> str:
    page = Path(__file__).resolve().parents[2] / "docs" / "handlers.md"
    readme = page.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)
    return next(block for block in blocks if "def register(ad_api):" in block)


def test_the_readme_example_runs(sim, host, tmp_path, capsys):
    path = _write(tmp_path, "crm_handler.py", _readme_handler())
    [status] = host.load(path)
    assert (status.name, status.loaded, status.error, status.handler_count) == (
        "crm_handler",
        True,
        None,
        1,
    )
    from simulator.demo import run_demo_call

    recorder = run_demo_call(sim, after_step=host.settle)
    [outcome] = host.outcomes
    assert outcome.event_name == "ON_SAVE_ACTIVITY_RECORD"
    assert outcome.status == "ok"
    assert outcome.interaction_id == recorder.records()[0]["interactionId"]
    assert recorder.records()[0]["interactionId"] in capsys.readouterr().out


BROKEN = {
    "syntax.py": ("def register(ad_api):\n    ad_api.on(\n", 2, "syntax error"),
    "imports.py": (
        "import os\nimport no_such_module_for_adsim\n\ndef register(ad_api):\n    pass\n",
        2,
        "ModuleNotFoundError: No module named 'no_such_module_for_adsim'",
    ),
    "noregister.py": ("def setup(ad_api):\n    pass\n", 1, "no register(ad_api) function"),
    "raises.py": (
        "def register(ad_api):\n    ad_api.on('ON_LOGIN', print)\n"
        "    raise ValueError('bad config')\n",
        3,
        "ValueError: bad config",
    ),
    "misspelt.py": (
        "def save(a):\n    pass\n\ndef register(ad_api):\n"
        "    ad_api.on('ON_LOGIN', save)\n    ad_api.on('ON_SAVE_ACTIVTY_RECORD', save)\n",
        6,
        "unknown event 'ON_SAVE_ACTIVTY_RECORD'; did you mean 'ON_SAVE_ACTIVITY_RECORD'?",
    ),
    "toplevel.py": ("x = 1\ny = 1 / 0\n", 2, "ZeroDivisionError"),
    "asyncreg.py": ("async def register(ad_api):\n    pass\n", 1, "not a coroutine"),
}


def test_load_errors_name_file_and_line_and_the_other_plugins_still_load(sim, host, tmp_path):
    for name, (source, _, _) in BROKEN.items():
        (tmp_path / name).write_text(source, encoding="utf-8")
    _write(tmp_path, "zz_good.py", README_EXAMPLE)
    _write(tmp_path, "_private.py", "raise SystemExit('helpers starting with _ are skipped')")

    statuses = {status.name: status for status in host.load(tmp_path)}
    assert set(statuses) == {Path(n).stem for n in BROKEN} | {"zz_good"}
    for name, (_, line, message) in BROKEN.items():
        status = statuses[Path(name).stem]
        assert not status.loaded
        assert status.handler_count == 0
        assert status.error.startswith(f"{tmp_path / name}:{line}: "), status.error
        assert message in status.error
    assert statuses["zz_good"].loaded
    # A plugin that registered some handlers before failing keeps none of them.
    assert host.registry.count("misspelt") == 0
    assert host.registry.count("raises") == 0
    assert host.registry.count() == 1

    sim.login()
    assert host.settle(WAIT)
    assert host.outcomes == [], "nothing of the broken plugins runs"


def test_a_missing_or_non_python_path_is_bad_input(host, tmp_path):
    with pytest.raises(InputFileError, match="no such handler file"):
        host.load(tmp_path / "nope.py")
    text = tmp_path / "notes.txt"
    text.write_text("hi", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"\.py file"):
        host.load(text)


def test_reload_reads_the_plugins_again_from_disk(sim, host, tmp_path):
    plugin = _write(
        tmp_path,
        "versioned.py",
        """
        def register(ad_api):
            ad_api.on("ON_LOGIN", lambda state: "v1")
        """,
    )
    host.load(tmp_path)
    sim.login()
    assert host.settle(WAIT)
    assert host.outcomes[-1].result == "v1"

    plugin.write_text(
        textwrap.dedent(
            """
            def register(ad_api):
                ad_api.on("ON_LOGIN", lambda state: "v2")
                ad_api.on("ON_LOGOUT", lambda: "bye")
            """
        ),
        encoding="utf-8",
    )
    _write(tmp_path, "added.py", "def register(ad_api):\n    ad_api.on('ON_LOGOUT', print)\n")
    statuses = host.reload()
    assert [(s.name, s.handler_count) for s in statuses] == [("added", 1), ("versioned", 2)]
    sim.logout()
    sim.login()
    assert host.settle(WAIT)
    assert [o.result for o in host.outcomes[1:]] == [None, "bye", "v2"]

    plugin.write_text("def register(ad_api):\n    ad_api.on('ON_LOGN', print)\n", "utf-8")
    statuses = {s.name: s for s in host.reload()}
    assert statuses["versioned"].error.startswith(f"{plugin}:2: unknown event 'ON_LOGN'")
    assert statuses["added"].loaded


def test_plugins_close_hook_runs_on_reload_and_close(sim, tmp_path):
    marker = tmp_path / "closed.txt"
    _write(
        tmp_path,
        "closing.py",
        f"""
        def register(ad_api):
            pass

        def close():
            with open({str(marker)!r}, "a") as out:
                out.write("x")
        """,
    )
    host = HandlerHost(sim, timeout=WAIT)
    host.load(tmp_path)
    host.reload()
    host.close()
    assert marker.read_text() == "xx"


DIST_INFO = """
Metadata-Version: 2.1
Name: adsim-sample-plugins
Version: 1.0
"""


@pytest.fixture
def installed_plugins(tmp_path, monkeypatch):
    """A fake installed distribution declaring entry points (superqt's fixture pattern)."""
    site = tmp_path / "site"
    dist = site / "adsim_sample_plugins-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(DIST_INFO.lstrip(), encoding="utf-8")
    (dist / "entry_points.txt").write_text(
        "[agent_desktop_simulator.handlers]\n"
        "as_module = adsim_sample_crm\n"
        "as_function = adsim_sample_crm:register_logins\n"
        "broken = adsim_sample_broken\n",
        encoding="utf-8",
    )
    _write(
        site,
        "adsim_sample_crm.py",
        """
        def save(activity):
            return "saved"

        def register(ad_api):
            ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)

        def register_logins(ad_api):
            ad_api.on("ON_LOGIN", lambda state: state.username)
        """,
    )
    _write(site, "adsim_sample_broken.py", "import os\nraise ImportError('needs a CRM SDK')\n")
    monkeypatch.syspath_prepend(str(site))
    yield site
    for name in ("adsim_sample_crm", "adsim_sample_broken"):
        sys.modules.pop(name, None)


def test_installed_entry_points_are_loaded(sim, host, installed_plugins):
    statuses = {s.name: s for s in host.load_entry_points()}
    assert statuses["as_module"].loaded
    assert statuses["as_module"].handler_count == 1
    assert statuses["as_function"].loaded
    assert statuses["as_function"].source == (
        "adsim-sample-plugins (entry point as_function = adsim_sample_crm:register_logins)"
    )
    broken = statuses["broken"]
    assert not broken.loaded
    assert broken.error.startswith(f"{installed_plugins / 'adsim_sample_broken.py'}:2: ")
    assert "ImportError: needs a CRM SDK" in broken.error

    from simulator.demo import run_demo_call

    run_demo_call(sim, after_step=host.settle)
    results = {(o.plugin, o.event_name): o.result for o in host.outcomes}
    assert results == {
        ("as_function", "ON_LOGIN"): sim.tenant.agent.login_id,
        ("as_module", "ON_SAVE_ACTIVITY_RECORD"): "saved",
    }


def test_an_installed_plugin_that_did_not_load_names_its_package(installed_plugins, capsys):
    """Nobody named it on the command line, and it fails every run: the line says which
    installed package it comes from and how to run without it."""
    from simulator.cli import main

    scenario = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios" / "chat.yaml"
    assert main(["run", str(scenario), "--journal", ":memory:"]) == 1
    err = capsys.readouterr().err
    hint = (
        "ImportError: needs a CRM SDK while importing it; it is the plugin 'broken' of the "
        "installed package adsim-sample-plugins (--no-entry-points runs without installed "
        "plugins)"
    )
    assert f"adsim:   not loaded: {installed_plugins / 'adsim_sample_broken.py'}:2: {hint}" in (
        err.splitlines()
    ), err
    assert main(["run", str(scenario), "--journal", ":memory:", "--no-entry-points"]) == 0


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_an_entry_point_whose_module_is_missing_names_its_package(tmp_path, sim, isolation):
    # In a plugin's process the entry point is rebuilt without its distribution: the line
    # said "(?)" where thread isolation said the package.
    dist = tmp_path / "acme_crm_adsim-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-crm-adsim\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[adsim_test_missing]\ncrm = adsim_sample_not_there\n", encoding="utf-8"
    )
    host = HandlerHost(sim, timeout=WAIT, isolation=isolation)
    sys.path.insert(0, str(tmp_path))
    try:
        [status] = host.load_entry_points("adsim_test_missing")
    finally:
        sys.path.remove(str(tmp_path))
        host.close(timeout=WAIT)
    # No file, so no line: the entry point is named (it said "(acme-crm-adsim):1:").
    assert status.error == (
        "acme-crm-adsim (entry point crm = adsim_sample_not_there): ModuleNotFoundError: No "
        "module named 'adsim_sample_not_there' while importing it"
    )


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_an_entry_point_whose_value_is_malformed_is_a_plugin_not_loaded(tmp_path, sim, isolation):
    # `acme-crm.handler` (the distribution's name, with its hyphen) is no module reference:
    # importlib's EntryPoint.module raised AttributeError, a traceback from every adsim command.
    dist = tmp_path / "acme_crm_adsim-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-crm-adsim\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[adsim_test_malformed]\ncrm = acme-crm.handler\n", encoding="utf-8"
    )
    host = HandlerHost(sim, timeout=WAIT, isolation=isolation)
    sys.path.insert(0, str(tmp_path))
    try:
        [status] = host.load_entry_points("adsim_test_malformed")
    finally:
        sys.path.remove(str(tmp_path))
        host.close(timeout=WAIT)
    assert not status.loaded
    assert status.error == (
        "acme-crm-adsim (entry point crm = acme-crm.handler): 'acme-crm.handler' names no "
        "module: an entry point's value is a module's dotted name (acme_crm.handler), or "
        "module:function (acme_crm.handler:register)"
    )


def test_reload_picks_up_edited_entry_point_modules(sim, host, installed_plugins):
    host.load_entry_points()
    (installed_plugins / "adsim_sample_crm.py").write_text(
        "def register(ad_api):\n    ad_api.on('ON_LOGIN', lambda s: 'edited')\n"
        "def register_logins(ad_api):\n    pass\n",
        encoding="utf-8",
    )
    host.reload()
    sim.login()
    assert host.settle(WAIT)
    assert [(o.plugin, o.result) for o in host.outcomes] == [("as_module", "edited")]


@pytest.mark.skipif(sys.platform != "linux", reason="file names that are not UTF-8: Linux")
@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_a_handler_file_whose_name_is_not_utf8_loads(tmp_path, sim, isolation):
    # Python keeps such a name's bytes as surrogates; encoding it for the module's name raised
    # UnicodeEncodeError (a traceback in thread isolation, a plugin not loaded in a process).
    name = os.fsdecode(b"caf\xe9.py")
    path = _write(tmp_path, name, 'def register(ad_api):\n    ad_api.on("ON_LOGIN", print)\n')
    host = HandlerHost(sim, timeout=WAIT, isolation=isolation)
    try:
        [status] = host.load(path)
        assert status.loaded, status.error
        assert [r.plugin for r in host.registry.handlers(EventName.ON_LOGIN)] == [status.name]
    finally:
        host.close(timeout=WAIT)


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_what_a_plugin_file_defines_can_be_pickled(tmp_path, sim, isolation):
    # A ProcessPoolExecutor (fork) or a pickle cache of the plugin's own function or class said
    # "PicklingError: ... import of module 'adsim_handlers.crm_1a2b3c4d' failed": its package
    # was in no sys.modules, as it is for a script's own functions.
    path = _write(
        tmp_path,
        "crm.py",
        """
        import pickle

        class Upload:
            def __init__(self, record):
                self.record = record

        def upload(item):
            return item.record

        def on_login(state):
            again = pickle.loads(pickle.dumps((upload, Upload("x"))))
            return [again[0] is upload, again[0](again[1])]

        def register(ad_api):
            ad_api.on("ON_LOGIN", on_login)
        """,
    )
    host = HandlerHost(sim, timeout=WAIT, isolation=isolation)
    try:
        [status] = host.load(path)
        assert status.loaded, status.error
        sim.login()
        assert host.settle(WAIT)
        [outcome] = host.outcomes
        assert (outcome.status, outcome.error, outcome.result) == ("ok", None, [True, "x"])
    finally:
        host.close(timeout=WAIT)


def test_a_handler_file_that_is_not_utf8_is_named_at_its_byte(tmp_path, host):
    # Python's own words were "invalid or missing encoding declaration" (line 1) or a position.
    path = tmp_path / "latin.py"
    path.write_bytes(b'y = 1\nx = "caf\xe9"\ndef register(ad_api):\n    pass\n')
    [status] = host.load(path)
    assert not status.loaded
    assert status.error == (
        f"{path}:2:9: not UTF-8 (byte 0xe9); save the file as UTF-8, or name its encoding on "
        "its first line (# -*- coding: latin-1 -*-)"
    )
    declared = tmp_path / "declared.py"
    declared.write_bytes(b"# -*- coding: latin-1 -*-\n" + path.read_bytes())
    [status] = host.load(declared)
    assert status.loaded, status.error


def test_a_symbolic_link_to_nothing_is_named_as_such(tmp_path, host):
    (tmp_path / "a.py").symlink_to(tmp_path / "b.py")
    (tmp_path / "b.py").symlink_to(tmp_path / "a.py")
    with pytest.raises(InputFileError, match="is a symbolic link to nothing"):
        host.load(tmp_path / "a.py")
