"""JS handler modules headless: ``adsim run SCENARIO --js-handler FILE.mjs`` under real Node."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from simulator.cli import main
from simulator.data import load_tenant
from simulator.engine import Simulator
from simulator.handlers import HandlerHost
from simulator.journal import Journal
from simulator.web import NodeHandler, find_node

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "fixtures" / "scenarios"
JS = ROOT / "fixtures" / "js_handlers"
needs_node = pytest.mark.skipif(find_node() is None, reason="node is not installed (Node 18+)")


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@needs_node
def test_example_handler_runs_a_scenario(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "crm.jsonl"
    events = tmp_path / "events.jsonl"
    monkeypatch.setenv("ADSIM_CRM_LOG", str(log))
    code = main(
        [
            "run",
            str(SCENARIOS / "blind_transfer.yaml"),
            "--js-handler",
            str(JS / "crm_logger.mjs"),
            "--events-out",
            str(events),
            "--journal",
            ":memory:",
        ]
    )
    assert code == 0, capsys.readouterr().err
    entries = _lines(log)
    packets = [e for e in entries if e["kind"] == "packet"]
    assert [p["type"] for p in packets[:3]] == ["hello", "hi", "ready"]
    saved = [e["record"] for e in entries if e["kind"] == "activity"]
    emitted = [e["args"][0] for e in _lines(events) if e["event"] == "ON_SAVE_ACTIVITY_RECORD"]
    assert saved == emitted and saved
    answer = next(p for p in packets if p["type"] == "ON_REQUEST_TRANSFER_DATA_RESPONSE")
    assert answer["params"]["caseId"].startswith("CASE-")
    calls = [e for e in entries if e["kind"] == "call"]
    assert calls and calls[0]["result"] == {"status": "success", "data": None}


@needs_node
def test_journal_and_outcomes_name_the_js_plugin(tmp_path: Path) -> None:
    sim = Simulator(load_tenant(), seed=3)
    with Journal.open(":memory:") as journal:
        host = HandlerHost(sim, timeout=5, journal=journal)
        try:
            handler = NodeHandler(host, JS / "crm_logger.mjs").start()
            assert handler.endpoint.ready.is_set()
            sim.login()
            sim.set_agent_state("ready")
            sim.offer_call("Customer Support")
            assert host.settle(timeout=10)
            inter = sim.interactions[0]
            assert [r["type"] for r in inter.associated] == ["Contact"]
            assert inter.associated[0]["source"] == handler.endpoint.integration_key
            plugins = {o.plugin for o in host.outcomes}
            assert plugins == {"js:crm_logger.mjs"}
            assert all(o.status == "ok" for o in host.outcomes)
            assert {o.plugin for o in journal.outcomes()} == {"js:crm_logger.mjs"}
            packets = journal.packets(plugin="js:crm_logger.mjs")
            # Not the runner's __registered__, nor where the module calls adApi.on (__on__).
            handshake = [p for p in packets if p.type not in ("__registered__", "__on__")][:4]
            assert [(p.direction, p.type) for p in handshake] == [
                ("in", "__attach__"),
                ("out", "hello"),
                ("in", "hi"),
                ("out", "ready"),
            ]
            assert handshake[2].params[0] == "simulator"  # the runner's integrationKey
            assert [p.type for p in packets].count("__registered__") == 1
            events = journal.events()
            sent = [p for p in packets if p.direction == "out" and p.type.startswith("ON_")]
            assert [p.type for p in sent] == [e.name for e in events]
            assert [p.params for p in sent] == [e.args for e in events]
            handled = {p.uid for p in packets if p.direction == "in" and p.type == "__handled__"}
            assert {p.uid for p in sent} == handled
            request = next(p for p in packets if p.type == "ADD_INTERACTION_ASSOCIATED_OBJECT")
            assert request.direction == "in"
            response = next(p for p in packets if p.uid == request.uid and p.direction == "out")
            assert response.type == "ADD_INTERACTION_ASSOCIATED_OBJECT_RESPONSE"
            assert request.id < response.id
        finally:
            host.close(timeout=5)
    assert handler.process.poll() is not None  # closing the host ends node


_VERSION = """\
import {{ appendFileSync }} from "node:fs";
export function register(adApi) {{
  adApi.on("ON_AGENT_STATE_CHANGE", (state) => appendFileSync({log}, "{version} " + state + "\\n"));
}}
"""


@needs_node
def test_reload_restarts_the_module_from_disk(tmp_path: Path) -> None:
    module = tmp_path / "crm.mjs"
    log = tmp_path / "seen.txt"

    def write(version: str) -> None:
        module.write_text(_VERSION.format(log=json.dumps(str(log)), version=version), "utf-8")

    def seen() -> list[str]:
        return log.read_text(encoding="utf-8").splitlines() if log.exists() else []

    write("v1")
    sim = Simulator(load_tenant(), seed=3)
    with Journal.open(":memory:") as journal:
        host = HandlerHost(sim, timeout=5, journal=journal)
        try:
            handler = NodeHandler(host, module).start()
            first = handler.process
            sim.login()
            sim.set_agent_state("ready")
            assert host.settle(timeout=10)
            assert seen()[-1] == "v1 ready"

            write("v2")
            [status] = host.reload()
            assert (status.name, status.loaded, status.error) == ("js:crm.mjs", True, None)
            assert first.poll() is not None  # the old node ended: no leak, no double handling
            second = handler.process
            assert second is not first and second.poll() is None
            assert handler.endpoint.ready.is_set() and handler.endpoint.instances == 2
            count = len(seen())
            sim.set_agent_state("not_ready", "Lunch")
            assert host.settle(timeout=10)
            assert seen()[count:] == ["v2 not_ready"]
            assert host.outcomes[-1].plugin == "js:crm.mjs" and host.outcomes[-1].ok
            # Named for where the reloaded module registered it, and counted as its handler: its
            # new node process said so (``__on__``) before the reload registered the new forwards.
            assert host.outcomes[-1].handler == "on(ON_AGENT_STATE_CHANGE) at crm.mjs:3"
            idle = {name for _plugin, name in host.registry.forwarders()}
            assert not any("ON_AGENT_STATE_CHANGE" in name for name in idle), idle

            module.write_text("export function register(a) {\n  let x = ;\n}\n", "utf-8")
            [broken] = host.reload()
            assert broken.name == "js:crm.mjs" and not broken.loaded
            assert broken.error is not None
            assert broken.error.startswith(f"{module}:2:11: SyntaxError"), broken.error
            assert handler.endpoint.status == broken
            assert second.poll() is not None and handler.process.poll() is not None
            count, outcomes = len(seen()), len(host.outcomes)
            sim.set_agent_state("ready")  # the run goes on without the module
            assert host.settle(timeout=10)
            assert len(seen()) == count and len(host.outcomes) == outcomes

            write("v3")
            [fixed] = host.reload()
            assert fixed.loaded and fixed.handler_count > 0
            sim.set_agent_state("not_ready", "Lunch")
            assert host.settle(timeout=10)
            assert seen()[count:] == ["v3 not_ready"]
            hellos = [p for p in journal.packets(plugin="js:crm.mjs") if p.type == "hello"]
            assert len(hellos) == 3  # one handshake per node process that loaded its module
        finally:
            host.close(timeout=5)
    assert handler.process.poll() is not None


@needs_node
def test_register_may_await_an_adapi_call_at_start_and_at_reload(tmp_path: Path) -> None:
    """start() and reload() wait on the simulation thread: they run the call meanwhile."""
    module = tmp_path / "asks.mjs"
    log = tmp_path / "asked.txt"
    module.write_text(
        'import { appendFileSync } from "node:fs";\n'
        "export async function register(adApi) {\n"
        "  const result = await adApi.getLoginState();\n"
        f"  appendFileSync({json.dumps(str(log))}, result.status + '\\n');\n"
        "}\n",
        "utf-8",
    )
    host = HandlerHost(Simulator(load_tenant(), seed=3), timeout=5)
    try:
        NodeHandler(host, module).start()
        [status] = host.reload()
        assert status.loaded
        assert log.read_text(encoding="utf-8").split() == ["success", "success"]
    finally:
        host.close(timeout=5)


@needs_node
def test_reload_of_a_deleted_module_is_a_plugin_error(tmp_path: Path) -> None:
    module = tmp_path / "gone.mjs"
    module.write_text("export function register(adApi) {}\n", "utf-8")
    host = HandlerHost(Simulator(load_tenant(), seed=3), timeout=5)
    try:
        handler = NodeHandler(host, module).start()
        module.unlink()
        [status] = host.reload()
        assert not status.loaded and status.error == (
            f"{module}:1: no such JS handler file any more; restore it and reload"
        )
        assert handler.process.poll() is not None
    finally:
        host.close(timeout=5)


@needs_node
def test_a_handler_that_never_answers_gets_api_not_answer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(
        [
            "run",
            str(SCENARIOS / "blind_transfer.yaml"),
            "--js-handler",
            str(JS / "never_answers.mjs"),
            "--handler-timeout",
            "0.3",
            "--journal",
            ":memory:",
        ]
    )
    err = capsys.readouterr()
    assert code == 1
    assert "ON_REQUEST_TRANSFER_DATA -> js:never_answers.mjs" in err.err
    assert "api_not_answer" in err.err
    assert "5 expectations checked" in err.out  # the run went on to the end


@needs_node
def test_commonjs_handler_module(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    module = tmp_path / "handler.cjs"
    seen = tmp_path / "seen.txt"
    module.write_text(
        "const fs = require('node:fs');\n"
        "module.exports.register = function (adApi) {\n"
        f"  adApi.on('ON_NEW_INTERACTION', (i) => fs.appendFileSync({json.dumps(str(seen))},"
        " i.type + '\\n'));\n"
        "};\n",
        encoding="utf-8",
    )
    code = main(
        ["run", str(SCENARIOS / "chat.yaml"), "--js-handler", str(module), "--journal", ":memory:"]
    )
    assert code == 0, capsys.readouterr().err
    assert seen.read_text(encoding="utf-8").split() == ["chat"]


@needs_node
@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # A syntax error in the module itself: its column too, as in a file it imports.
        ("export function register(a) {\n  let x = ;\n}\n", ":2:11: SyntaxError"),
        ("export function register(a) {\n  throw new Error('boom');\n}\n", ":2: Error: boom"),
        ("export const nothing = 1;\n", ":1: no register(adApi) export"),
        # Values that are no Error: their `.message` showed "Error: undefined", or (null) the
        # runner itself crashed and adsim said only "node exited (code 1)".
        ('throw "no token";\nexport function register(a) {}\n', ':1: threw "no token" while'),
        ("export function register(a) {\n  throw null;\n}\n", ":1: threw null in register"),
        ("export async function register(a) {\n  throw {code: 7};\n}\n", ':1: threw {"code":7} in'),
        # A message over several lines (Node's "Cannot find module 'x'\nRequire stack:...")
        # broke the one-line rule: its newlines are escapes.
        (
            "const x = 1;\nthrow new Error('no token\\nsee the docs');\n"
            "export function register(a) {}\n",
            ":2: Error: no token\\nsee the docs while importing it",
        ),
        # Node ending mid-load said only "node exited (code 13) before the handshake".
        (
            "await new Promise(() => {});\nexport function register(a) {}\n",
            ":1: its top-level await never settled (it waits for a promise nothing will resolve)"
            " while importing it",
        ),
        ("process.exit(0);\nexport function register(a) {}\n", ":1: process.exit(0) called while"),
        (
            "export function register(a) {\n  process.exit(3);\n}\n",
            ":2: process.exit(3) called in register(adApi)",
        ),
        (
            "export async function register(a) {\n"
            "  await new Promise(() => setTimeout(() => { throw new Error('late'); }, 0));\n}\n",
            ":2: Error: late (thrown outside any handler)",
        ),
    ],
)
def test_a_module_that_does_not_load_fails_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str, expected: str
) -> None:
    module = tmp_path / "broken.mjs"
    module.write_text(source, encoding="utf-8")
    code = main(["run", str(SCENARIOS / "chat.yaml"), "--js-handler", str(module)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1  # a plugin that does not load fails the run (it was 2, bad input)
    assert len(err) == 1 and err[0].startswith(f"adsim: {module}") and expected in err[0]


def test_missing_file_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.mjs"
    code = main(["run", str(SCENARIOS / "chat.yaml"), "--js-handler", str(missing)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err == [f"adsim: {missing}: no such JS handler file; check the --js-handler path"]


def test_a_folder_is_bad_input_named_as_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder was "no such JS handler file" (it is there: the user looks for a typo)."""
    folder = tmp_path / "handlers.mjs"
    folder.mkdir()
    code = main(["run", str(SCENARIOS / "chat.yaml"), "--js-handler", str(folder)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err == [
        f"adsim: {folder}: is a folder; --js-handler takes one module file (repeat it for several)"
    ]


def test_missing_node_is_bad_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ADSIM_NODE", "adsim-no-such-node")
    handler = JS / "crm_logger.mjs"
    code = main(["run", str(SCENARIOS / "chat.yaml"), "--js-handler", str(handler)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and "$ADSIM_NODE (adsim-no-such-node) is not a program" in err[0]


def test_missing_node_on_path_is_bad_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ADSIM_NODE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    handler = JS / "crm_logger.mjs"
    code = main(["run", str(SCENARIOS / "chat.yaml"), "--js-handler", str(handler)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and "`node` is not on PATH; install Node 18 or later" in err[0]


@needs_node
def test_seeded_runs_with_a_js_handler_are_reproducible(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = []
    for run in (1, 2):
        events = tmp_path / f"events{run}.jsonl"
        code = main(
            [
                "run",
                str(SCENARIOS / "inbound_acw_disposition.yaml"),
                "--js-handler",
                str(JS / "crm_logger.mjs"),
                "--events-out",
                str(events),
                "--journal",
                ":memory:",
            ]
        )
        assert code == 0, capsys.readouterr().err
        outputs.append(events.read_bytes())
    assert outputs[0] == outputs[1]
    assert b'"source":"simulator"' in outputs[0]  # the runner's fixed integrationKey


@needs_node
def test_a_js_handler_acting_on_its_own_events_ends_the_run_with_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    module = tmp_path / "noter.mjs"
    module.write_text(
        "export function register(adApi) {\n"
        "  adApi.on('ON_INTERACTION_STATE_CHANGE', (interaction) => {\n"
        "    if (interaction.state === 'wrap_up') adApi.addNote('wrap-up seen');\n"
        "  });\n"
        "}\n",
        encoding="utf-8",
    )
    scenario = tmp_path / "wrap_up.yaml"
    scenario.write_text(
        "steps:\n  - call: Sales\n  - wait: 4s\n  - accept\n  - hang_up\n", encoding="utf-8"
    )
    code = main(["run", str(scenario), "--js-handler", str(module), "--journal", ":memory:"])
    out, err = capsys.readouterr()
    assert code == 1
    assert out.splitlines()[2].startswith(
        f"  {scenario}:5:5: handlers kept acting on their own events: 1,000 events in one step "
        "(ON_INTERACTION_STATE_CHANGE -> js:noter.mjs:on(ON_INTERACTION_STATE_CHANGE) at "
        "noter.mjs:2 calling add_note, 1,000 times); a handler that acts on the event its own "
        "action causes loops forever"
    )
    assert "Traceback" not in err


@needs_node
@pytest.mark.parametrize("line", ['{"garbage":1}', "[1, 2]", '{"type": 7}'])
def test_a_modules_own_json_looking_stdout_line_is_shown_not_swallowed(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], line: str
) -> None:
    """A line the module writes to its stdout itself is its output, shown like any other: one
    that parsed as a JSON object was taken for a packet of the protocol and lost."""
    module = tmp_path / "printer.mjs"
    module.write_text(
        "export function register(adApi) {\n"
        f"  process.stdout.write({json.dumps(line)} + '\\n');\n"
        "  adApi.on('ON_NEW_INTERACTION', () => {});\n"
        "}\n",
        encoding="utf-8",
    )
    code = main(
        ["run", str(SCENARIOS / "chat.yaml"), "--js-handler", str(module), "--journal", ":memory:"]
    )
    err = capfd.readouterr().err
    assert code == 0, err
    assert line in err.splitlines()  # on stderr, as its console output


@needs_node
def test_a_modules_stdout_write_without_a_newline_loses_no_packet(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """``process.stdout.write("saving... ")`` (no newline) was glued to the runner's next packet
    on stdout, which was lost: a handler that had finished timed out."""
    module = tmp_path / "progress.mjs"
    module.write_text(
        "export function register(adApi) {\n"
        "  adApi.on('ON_NEW_INTERACTION', () => { process.stdout.write('saving... '); });\n"
        "}\n",
        encoding="utf-8",
    )
    argv = ["run", str(SCENARIOS / "chat.yaml"), "--js-handler", str(module)]
    code = main([*argv, "--journal", ":memory:", "--handler-timeout", "5"])
    err = capfd.readouterr().err
    assert code == 0, err
    assert "saving... " in err


@needs_node
def test_events_after_the_modules_node_process_exited_are_errors_not_ok(tmp_path: Path) -> None:
    """A module whose process exited (``process.exit`` in a handler) handles nothing more:
    each later event's outcome was ``ok``, a saved activity record included, as if it had."""
    module = tmp_path / "quits.mjs"
    module.write_text(
        "export function register(adApi) {\n"
        '  adApi.on("ON_LOGIN", () => process.exit(0));\n'
        '  adApi.on("ON_AGENT_STATE_CHANGE", () => {});\n'
        "}\n",
        "utf-8",
    )
    sim = Simulator(load_tenant(), seed=3)
    host = HandlerHost(sim, timeout=5)
    try:
        handler = NodeHandler(host, module).start()
        sim.login()
        host.settle(timeout=10)
        assert handler.process.wait(10) == 0
        before = len(host.outcomes)
        sim.set_agent_state("ready")
        host.settle(timeout=10)
        later = host.outcomes[before:]
        assert later and all(o.status == "error" for o in later)
        assert "the node process for quits.mjs exited (code 0)" in (later[0].error or "")
        assert "did not run" in (later[0].error or "")
    finally:
        host.close(timeout=5)


@needs_node
def test_a_handler_under_a_name_no_event_has_does_not_load(tmp_path: Path) -> None:
    """``adApi.on("ON_SAVE_ACTIVITY_RECORDS", save)`` never ran and nothing said so: the run
    passed with no record saved. Then the shim warned on the console with the name meant, and
    the run still passed, exit 0; a Python plugin's ``ad_api.on`` refuses the name, and the
    plugin does not load: in ``register`` a module does not load either (``file:line: unknown
    event ...``, exit 1, as for an event the run's version lacks), the one line said."""
    import subprocess
    import sys

    module = tmp_path / "typo.mjs"
    module.write_text(
        "export function register(adApi) {\n"
        '  adApi.on("ON_SAVE_ACTIVITY_RECORDS", () => {});\n'
        '  adApi.on("on_login", () => {});\n'
        '  adApi.on("ON_SAVE_ACTIVITY_RECORD", () => {});\n'
        "}\n",
        "utf-8",
    )
    command = [sys.executable, "-m", "simulator", "run", str(SCENARIOS / "chat.yaml")]
    command += ["--js-handler", str(module), "--journal", ":memory:"]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=300, check=False, cwd=tmp_path
    )
    assert done.returncode == 1, done.stderr[-2000:]
    assert done.stderr.splitlines() == [
        f"adsim: {module}:2: unknown event 'ON_SAVE_ACTIVITY_RECORDS'; did you mean "
        "'ON_SAVE_ACTIVITY_RECORD'? (event names are exact: ON_...)"
    ]


LEAVES_A_PROCESS_JS = """\
import { spawn } from "node:child_process";

export function register(adApi) {
  adApi.on("ON_SAVE_ACTIVITY_RECORD", () => {
    spawn(process.execPath, ["-e", "setTimeout(() => {}, 3600 * 1000)"], { stdio: "inherit" });
  });
}
"""


@needs_node
@pytest.mark.skipif(sys.platform != "linux", reason="process groups ended with /proc: Linux")
def test_a_process_a_module_left_running_ends_with_its_node(tmp_path: Path) -> None:
    # It held adsim's stderr open: `adsim run ... 2>&1 | tee log` waited an hour for it.
    module = tmp_path / "leaves.mjs"
    module.write_text(LEAVES_A_PROCESS_JS, encoding="utf-8")
    argv = ["run", str(SCENARIOS / "inbound_acw_disposition.yaml"), "--js-handler", str(module)]
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", *argv, "--journal", ":memory:"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        _out, err = process.communicate(timeout=60)  # both pipes' ends: nobody holds them
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # adsim's group: the test's own leftovers
        process.wait(timeout=60)
    assert process.returncode == 1, err
    assert b"js:leaves.mjs: 1 process(es) it started still running" in err


@needs_node
def test_a_js_outcome_names_where_the_module_registered_its_handler(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Node module's outcomes read ``page.on(ON_LOGIN)``: a page's name, and no place. They
    name where the module called ``adApi.on`` (a file it imports too; one removed is dropped)."""
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "chat.mjs").write_text(
        "export function watchChats(adApi) {\n"
        "  adApi.on('ON_NEW_INTERACTION', () => { throw new Error('no chat table'); });\n"
        "}\n",
        encoding="utf-8",
    )
    module = tmp_path / "crm.mjs"
    module.write_text(
        'import { watchChats } from "./lib/chat.mjs";\n'
        "export function register(adApi) {\n"
        "  const quiet = () => undefined;\n"
        "  adApi.on('ON_LOGIN', quiet);\n"
        "  adApi.on('ON_LOGIN', () => { throw new Error('no CRM session'); });\n"
        "  adApi.remove('ON_LOGIN', quiet);\n"
        "  watchChats(adApi);\n"
        "}\n",
        encoding="utf-8",
    )
    argv = ["run", str(SCENARIOS / "chat.yaml"), "--js-handler", str(module)]
    code = main([*argv, "--journal", ":memory:"])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "#1 ON_LOGIN -> js:crm.mjs:on(ON_LOGIN) at crm.mjs:5 error in " in err
    new = "ON_NEW_INTERACTION -> js:crm.mjs:on(ON_NEW_INTERACTION) at lib/chat.mjs:2 error in "
    assert new in err
    assert "page.on" not in err


@needs_node
def test_a_module_knows_whose_desktop_it_serves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A module runs for every agent of a scenario, in a node of each agent's, and could not tell
    which (a Python plugin has ``ad_api.agent``): ``adApi.agent``, not among the instance's
    keys."""
    seen = tmp_path / "seen.txt"
    module = tmp_path / "crm.mjs"
    module.write_text(
        'import { appendFileSync } from "node:fs";\n'
        "export function register(adApi) {\n"
        "  const keyed = Object.keys(adApi).includes('agent');\n"
        "  adApi.on('ON_NEW_INTERACTION', () => appendFileSync(\n"
        f"    {json.dumps(str(seen))}, `${{adApi.agent}} ${{keyed}}\\n`\n"
        "  ));\n"
        "}\n",
        encoding="utf-8",
    )
    argv = ["run", str(SCENARIOS / "colleague_blind_transfer.yaml"), "--js-handler", str(module)]
    code = main([*argv, "--journal", ":memory:"])
    assert code == 0, capsys.readouterr().err
    assert sorted(seen.read_text(encoding="utf-8").splitlines()) == ["jane false", "omar false"]


@needs_node
@pytest.mark.parametrize("given", ["crm.mjs", "./crm.mjs", "js/crm.mjs"])
def test_a_module_given_by_a_relative_path_is_named_relative_to_its_folder(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    given: str,
) -> None:
    """``--js-handler crm.mjs`` named its handler ``at tmp/x/crm.mjs:2`` (the leading ``/`` cut,
    a path that is nowhere), and ``--js-handler js/crm.mjs`` by its absolute path: the folder
    taken off the module's places was the path as given, not the file's."""
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "crm.mjs").write_text(
        "export function register(adApi) {\n"
        "  adApi.on('ON_LOGIN', () => { throw new Error('no CRM session'); });\n"
        "}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path / "js" if "/" not in given.removeprefix("./") else tmp_path)
    argv = ["run", str(SCENARIOS / "chat.yaml"), "--js-handler", given]
    code = main([*argv, "--journal", ":memory:"])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "#1 ON_LOGIN -> js:crm.mjs:on(ON_LOGIN) at crm.mjs:2 error in " in err


@needs_node
def test_events_before_a_module_loaded_are_errors_not_ok(tmp_path: Path) -> None:
    """``NodeHandler(host, path)`` without ``start()``: events that came before the module's
    handshake were ``ok`` outcomes its handlers never earned (a test of a module that throws
    passed); they are errors saying so, and once it has loaded its handlers run."""
    go = tmp_path / "go"  # the module loads once the test has sent its first events
    module = tmp_path / "crm.mjs"
    module.write_text(
        'import { existsSync } from "node:fs";\n'
        "await new Promise((loaded) => {\n"
        f"  const poll = setInterval(() => existsSync({json.dumps(str(go))}) && loaded(), 10);\n"
        "});\n"
        "export function register(adApi) {\n"
        "  adApi.on('ON_AGENT_STATE_CHANGE', () => { throw new Error('crm down'); });\n"
        "}\n",
        encoding="utf-8",
    )
    sim = Simulator(load_tenant(None), seed=1)
    host = HandlerHost(sim, timeout=5)
    try:
        handler = NodeHandler(host, module)
        sim.login()  # before the handshake: the module's forwards are on the host already
        assert host.settle(timeout=10)
        early = [o for o in host.outcomes if o.event_name == "ON_AGENT_STATE_CHANGE"]
        assert early and all(o.status == "error" for o in early), host.outcomes
        assert "js:crm.mjs had not loaded" in (early[0].error or ""), early[0].error
        assert "start()" in (early[0].error or "")
        go.touch()
        handler.start()
        sim.set_agent_state("ready")
        assert host.settle(timeout=10)
        assert "crm down" in (host.outcomes[-1].error or ""), host.outcomes[-1]
    finally:
        host.close(timeout=5)


@needs_node
def test_a_module_subscribing_to_an_event_its_version_lacks_does_not_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As a Python plugin does not: it loaded, and its handler was never called (5.19 has no
    ON_VALIDATE_ASSOCIATED_RECORDS); under the version that has it, it loads."""
    module = tmp_path / "later.mjs"
    module.write_text(
        "export function register(adApi) {\n"
        '  adApi.on("ON_VALIDATE_ASSOCIATED_RECORDS", () => null);\n}\n',
        encoding="utf-8",
    )
    args = ["run", str(SCENARIOS / "chat.yaml"), "--js-handler", str(module), "--journal"]
    assert main([*args, ":memory:"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"adsim: {module}:2: EventNotInVersionError: ON_VALIDATE_ASSOCIATED_RECORDS is not in "
        "adApi 5.19: it appeared in 5.24.1 (run with --api-version 5.24.1, or api_version: "
        "'5.24.1' in the scenario)"
    ]
    assert main([*args, ":memory:", "--api-version", "5.24.1"]) == 0, capsys.readouterr().err


@needs_node
def test_a_name_no_event_has_given_after_register_is_the_widgets_warning(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """Outside ``register`` (a handler subscribing later) the module is loaded and running: the
    name is registered as the vendor's widget does, with its console warning, as in a page."""
    later = tmp_path / "later.mjs"
    later.write_text(
        "export function register(adApi) {\n"
        '  adApi.on("ON_LOGIN", () => { adApi.on("ON_LOGN", () => null); });\n}\n',
        encoding="utf-8",
    )
    args = ["run", str(SCENARIOS / "chat.yaml"), "--js-handler", str(later)]
    assert main([*args, "--journal", ":memory:"]) == 0
    assert (
        'adApi.on("ON_LOGN"): no adApi event has this name, so this handler never runs; did '
        "you mean ON_LOGIN?" in capfd.readouterr().err
    )
