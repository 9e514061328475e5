"""A run whose loaded handlers were never called says so: ``adsim run flow.yaml --handler
crm.py`` passed in CI while the flow never produced an event the integration takes, and the
summary did not mention the handlers at all."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]
CHAT = str(ROOT / "fixtures" / "scenarios" / "chat.yaml")
NOTE = (
    "  note: no handler was called: the handlers loaded take ON_SAVE_ACTIVITY_RECORD, and no "
    "such event came in this run"
)


def _files(tmp_path: Path) -> tuple[str, str]:
    handler = tmp_path / "crm.py"
    handler.write_text(
        "def register(ad_api):\n    ad_api.on('ON_SAVE_ACTIVITY_RECORD', lambda a: None)\n",
        encoding="utf-8",
    )
    flow = tmp_path / "break.yaml"
    flow.write_text(
        "name: a break\nsteps:\n  - set_state: {state: not_ready, reason: Lunch}\n  - wait: 5s\n",
        encoding="utf-8",
    )
    return str(handler), str(flow)


def test_a_run_whose_handlers_never_ran_says_so(tmp_path, capsys):
    handler, flow = _files(tmp_path)
    assert main(["run", flow, "--handler", handler, "--journal", ":memory:"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("PASS  a break")
    assert NOTE in lines


def test_no_note_when_a_handler_ran_or_none_was_loaded(tmp_path, capsys):
    handler, flow = _files(tmp_path)
    assert main(["run", CHAT, "--handler", handler, "--journal", ":memory:"]) == 0
    assert "note: no handler was called" not in capsys.readouterr().out
    assert main(["run", flow, "--journal", ":memory:"]) == 0
    assert "note:" not in capsys.readouterr().out


def test_load_mode_says_which_events_never_came(tmp_path, capsys):
    handler, flow = _files(tmp_path)
    argv = ["run", flow, "--handler", handler, "--journal", ":memory:", "--repeat", "3"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    # It said "load handlers with --handler" to a run that had loaded one.
    assert (
        "      no handler calls (the handlers loaded take ON_SAVE_ACTIVITY_RECORD, and none came)"
        in out.splitlines()
    )


def _colleague(tmp_path: Path) -> tuple[str, str]:
    """A handler for ON_SAVE_ACTIVITY_RECORD, and a flow of two agents that saves no record."""
    handler, _flow = _files(tmp_path)
    flow = tmp_path / "two.yaml"
    flow.write_text(
        "name: two on a break\nagents: [omar]\n"
        "steps:\n  - set_state: {state: not_ready, reason: Lunch}\n  - wait: 5s\n",
        encoding="utf-8",
    )
    return handler, str(flow)


def test_a_run_of_several_agents_whose_handlers_never_ran_says_so(tmp_path, capsys):
    # With agents: (a host per desktop) the note was never written.
    handler, flow = _colleague(tmp_path)
    assert main(["run", flow, "--handler", handler, "--journal", ":memory:"]) == 0
    assert NOTE in capsys.readouterr().out.splitlines()


def test_load_mode_of_several_agents_says_which_events_never_came(tmp_path, capsys):
    # It said "load handlers with --handler" to a series that had loaded them.
    handler, flow = _colleague(tmp_path)
    argv = ["run", flow, "--handler", handler, "--journal", ":memory:", "--repeat", "2"]
    assert main(argv) == 0
    assert (
        "      no handler calls (the handlers loaded take ON_SAVE_ACTIVITY_RECORD, and none came)"
        in capsys.readouterr().out.splitlines()
    )


def _module(tmp_path: Path, event: str) -> str:
    module = tmp_path / "crm.mjs"
    module.write_text(
        f"export function register(adApi) {{\n  adApi.on('{event}', () => {{}});\n}}\n",
        encoding="utf-8",
    )
    return str(module)


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_a_node_module_whose_handlers_never_ran_says_so(tmp_path, capsys):
    """A Node module is sent every event (its message logger sees them all), so each was an
    outcome and the note never came for ``--js-handler``, though its handler never ran."""
    _handler, flow = _files(tmp_path)
    module = _module(tmp_path, "ON_SAVE_ACTIVITY_RECORD")
    assert main(["run", flow, "--js-handler", module, "--journal", ":memory:"]) == 0
    assert NOTE in capsys.readouterr().out.splitlines()
    assert main(["run", CHAT, "--js-handler", module, "--journal", ":memory:"]) == 0
    assert "note: no handler was called" not in capsys.readouterr().out


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_a_node_module_that_removed_its_handler_has_none_called(tmp_path, capsys):
    """``remove`` of the module's last handler of an event still left that event's calls
    counted as the handler's (each ``__on__`` set it handled, whatever it said): the note did
    not come, though none of the integration's handlers ran."""
    module = tmp_path / "crm.mjs"
    module.write_text(
        "export function register(adApi) {\n"
        "  const save = () => {};\n"
        "  adApi.on('ON_SAVE_ACTIVITY_RECORD', save);\n"
        "  adApi.remove('ON_SAVE_ACTIVITY_RECORD', save);\n"
        "  adApi.on('ON_SCREEN_RECORDING_STATE_CHANGE', () => {});\n"
        "}\n",
        encoding="utf-8",
    )
    assert main(["run", CHAT, "--js-handler", str(module), "--journal", ":memory:"]) == 0
    out = capsys.readouterr().out
    assert "note: no handler was called" in out, out


SILENT = "plugin quiet subscribed to no event: its register() called ad_api.on() for none, so "
SILENT += "adsim never called it"


def _quiet(tmp_path: Path) -> str:
    """A plugin whose ``register()`` subscribes to nothing (an ``on()`` behind a setting)."""
    quiet = tmp_path / "quiet.py"
    quiet.write_text(
        "import os\n\n\ndef register(ad_api):\n"
        "    if os.environ.get('CRM_ENABLED'):\n"
        "        ad_api.on('ON_SAVE_ACTIVITY_RECORD', lambda a: None)\n",
        encoding="utf-8",
    )
    return str(quiet)


@pytest.mark.parametrize("beside", [False, True], ids=["alone", "beside-a-plugin-called"])
def test_a_plugin_that_subscribed_to_no_event_is_said(tmp_path, capsys, beside):
    """It passed saying nothing, alone or beside a plugin whose handlers ran; load mode said
    "load handlers with --handler" to a run that had loaded one."""
    handler, _flow = _files(tmp_path)
    argv = ["run", CHAT, "--handler", _quiet(tmp_path), "--journal", ":memory:"]
    argv += ["--handler", handler] if beside else []
    assert main(argv) == 0
    assert f"  note: {SILENT}" in capsys.readouterr().out.splitlines()
    assert main([*argv, "--repeat", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    if beside:
        assert f"      note: {SILENT}" in lines, lines
    else:
        assert f"      no handler calls ({SILENT})" in lines, lines


def test_no_such_note_for_a_plugin_that_subscribed(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CRM_ENABLED", "1")
    argv = ["run", CHAT, "--handler", _quiet(tmp_path), "--journal", ":memory:"]
    assert main(argv) == 0
    assert "subscribed to no event" not in capsys.readouterr().out


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_a_node_module_that_subscribed_to_no_event_is_said(tmp_path, capsys):
    """A Node module is given a forwarder of every event (its message logger sees them all), so
    its handler count was never 0 and a module whose ``register`` subscribed to nothing passed
    saying nothing of it."""
    module = tmp_path / "quiet.mjs"
    module.write_text(
        "export function register(adApi) {\n"
        "  if (process.env.CRM_ENABLED) adApi.on('ON_SAVE_ACTIVITY_RECORD', () => {});\n"
        "}\n",
        encoding="utf-8",
    )
    argv = ["run", CHAT, "--js-handler", str(module), "--journal", ":memory:"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert (
        "  note: plugin js:quiet.mjs subscribed to no event: its register() called adApi.on() for "
        "none, "
        "so adsim never called it"
    ) in out.splitlines(), out
