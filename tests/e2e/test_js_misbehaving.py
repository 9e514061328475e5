"""JS handler modules that misbehave under Node: answers JSON cannot carry, a handler that never
gives the event loop back, node crashing outside a handler, a module that never finishes loading,
paths Node writes as URLs. Each is reported (right status, file:line where it can be known), the
run goes on, and the exit code is honest."""

from __future__ import annotations

import json
import os
import re
import select
import sys
import threading
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.data import InputFileError, load_tenant
from simulator.engine import Simulator
from simulator.handlers import HandlerHost
from simulator.web import NodeHandler, find_node

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "fixtures" / "scenarios"
needs_node = pytest.mark.skipif(find_node() is None, reason="node is not installed (Node 18+)")


@needs_node
@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        ("(() => { const o = {caseId: 'C1'}; o.self = o; return o; })()", "object with a cycle"),
        ("10n", "bigint"),
        ("() => ({caseId: 'C1'})", "function"),
        ("Symbol('case')", "symbol"),
    ],
)
def test_an_answer_that_is_not_json_is_junk_and_node_lives_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], answer: str, kind: str
) -> None:
    """A cyclic object or a BigInt answer made the shim's ``JSON.stringify`` throw: node died
    (its stack trace on stderr) and every later event was an error; a function was sent as
    ``null`` and the run passed. Each is the handler's ``junk``, and the module lives on."""
    module = tmp_path / "junk.mjs"
    seen = tmp_path / "seen.txt"
    module.write_text(
        'import { appendFileSync } from "node:fs";\n'
        "export function register(adApi) {\n"
        f"  adApi.on('ON_REQUEST_TRANSFER_DATA', () => {answer});\n"
        f"  adApi.on('ON_SAVE_ACTIVITY_RECORD', (a) => appendFileSync({json.dumps(str(seen))},"
        " a.interactionId + '\\n'));\n"
        "}\n",
        encoding="utf-8",
    )
    argv = ["run", str(SCENARIOS / "blind_transfer.yaml"), "--js-handler", str(module)]
    code = main([*argv, "--journal", ":memory:"])
    err = capsys.readouterr().err
    assert code == 1, err
    said = "#9 ON_REQUEST_TRANSFER_DATA -> js:junk.mjs:on(ON_REQUEST_TRANSFER_DATA) at junk.mjs:3"
    assert f"{said} junk" in err
    assert f"ON_REQUEST_TRANSFER_DATA answer is not JSON ({kind}); return JSON data" in err
    assert "handlers: 1 of 24 calls failed (1 junk)" in err
    assert len(seen.read_text(encoding="utf-8").split()) == 1  # the record saved after it
    assert "Node.js v" not in err  # no crash of node's own


@needs_node
@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("while (true) {}", "(a loop that never ends?)"),
        # Said to loop, as if it did: the process was stopped.
        ("process.kill(process.pid, 'SIGSTOP')", "(its node process was stopped, by SIGSTOP or"),
    ],
)
def test_a_handler_that_never_returns_blocks_node_and_is_ended_not_waited_out_per_event(
    tmp_path: Path, body: str, why: str
) -> None:
    """``while (true) {}`` in a handler: node reads no event any more, yet each later event
    waited the whole timeout (a long scenario took hours) and was reported as a handler "still
    running" that never started. After the ping that follows its timeout goes unanswered, node is
    ended and every later event is an error saying so at once."""
    module = tmp_path / "spins.mjs"
    module.write_text(
        "export function register(adApi) {\n"
        f"  adApi.on('ON_NEW_INTERACTION', () => {{ {body}; }});\n"
        "  adApi.on('ON_SAVE_ACTIVITY_RECORD', () => {});\n"
        "}\n",
        encoding="utf-8",
    )
    host = HandlerHost(Simulator(load_tenant(), seed=3), timeout=1)
    try:
        handler = NodeHandler(host, module).start()
        sim = host.sim
        sim.login()
        sim.set_agent_state("ready")
        sim.offer_chat("Web Chat", None, "Hello")
        assert host.settle(timeout=120)
        # The process is ended (killed) once the ping went unanswered: join it, generously.
        assert handler.process.wait(120) != 0
        handler._reader.join(120)  # it has reported the end: later events meet that
        assert host.settle(timeout=120)
        before = len(host.outcomes)
        assert sim.accept_interaction(sim.interactions[0].id).ok
        assert host.settle(timeout=120)
        later = host.outcomes[before:]
        assert later and all(o.status == "error" for o in later)
        assert all("did not run" in (o.error or "") for o in later)
        assert "adsim ended the node process for spins.mjs (" in (later[0].error or "")
        assert (
            "js:spins.mjs's event loop is blocked: a handler of ON_NEW_INTERACTION was still "
            f"running after 1 s and it answered no ping for 5 s more {why}"
        ) in (later[0].error or "")
        spun = next(o for o in host.outcomes if o.event_name == "ON_NEW_INTERACTION")
        assert spun.status == "timeout"
    finally:
        host.close(timeout=5)


@needs_node
@pytest.mark.parametrize(
    ("body", "how"),
    [
        ("setTimeout(() => { throw new Error('late boom'); }, 0);", "thrown outside any handler"),
        ("Promise.reject(new Error('late boom'));", "a promise rejected with no catch"),
    ],
)
def test_what_crashes_node_outside_a_handler_is_named_in_the_outcomes(
    tmp_path: Path, body: str, how: str
) -> None:
    """An error thrown in a timer, or a rejection nobody catches, ends node: the outcomes said
    only "exited (code 1)" (the cause was on node's stderr, in no outcome nor journal)."""
    module = tmp_path / "crashes.mjs"
    module.write_text(
        "export function register(adApi) {\n"
        f"  adApi.on('ON_LOGIN', () => {{ {body} }});\n"
        "  adApi.on('ON_AGENT_STATE_CHANGE', () => {});\n"
        "}\n",
        "utf-8",
    )
    sim = Simulator(load_tenant(), seed=3)
    host = HandlerHost(sim, timeout=5)
    try:
        handler = NodeHandler(host, module).start()
        sim.login()
        host.settle(timeout=30)
        assert handler.process.wait(30) == 1
        handler._reader.join(30)  # it has reported the exit: later events meet it, not a pipe
        assert host.settle(timeout=30)
        before = len(host.outcomes)
        sim.set_agent_state("ready")
        host.settle(timeout=30)
        later = host.outcomes[before:]
        assert later and all(o.status == "error" for o in later)
        assert (
            f"the node process for crashes.mjs exited (code 1) after {module}:2: Error: late "
            f"boom ({how}) before ON_AGENT_STATE_CHANGE; its handlers did not run"
        ) in (later[0].error or "")
    finally:
        host.close(timeout=5)


@needs_node
def test_a_module_in_a_folder_with_a_space_or_hash_keeps_its_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Node names an ES module's frames by file URL, percent-encoded (``my%20crm%231``): the
    runner, looking for the path, fell back to line 1, and handler errors showed the URL."""
    folder = tmp_path / "my crm#1"
    folder.mkdir()
    broken = folder / "broken.mjs"
    broken.write_text(
        "const x = 1;\nthrow new Error('boom');\nexport function register(a) {}\n", encoding="utf-8"
    )
    code = main(["run", str(SCENARIOS / "chat.yaml"), "--js-handler", str(broken)])
    assert code == 1
    assert capsys.readouterr().err.strip() == f"adsim: {broken}:2: Error: boom while importing it"

    throws = folder / "throws.mjs"
    throws.write_text(
        "export function register(adApi) {\n"
        "  adApi.on('ON_LOGIN', () => { throw new Error('in handler'); });\n"
        "}\n",
        encoding="utf-8",
    )
    code = main(
        ["run", str(SCENARIOS / "chat.yaml"), "--js-handler", str(throws), "--journal", ":memory:"]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert f"JsHandlerError: Error: in handler ({throws}:2)" in err


IMPORTING = (
    "the module did not finish importing (its top-level code still runs: a loop, or an await "
    "that never settles?)"
)
IMPORTING_RE = re.escape(IMPORTING)


@needs_node
@pytest.mark.parametrize(
    ("source", "expected", "timeout"),
    [
        ("while (true) {}\nexport function register(a) {}\n", IMPORTING, 2),
        (
            "setInterval(() => {}, 1000);\nawait new Promise(() => {});\n"
            "export function register(a) {}\n",
            IMPORTING,
            2,
        ),
        # Node must reach register() first: a bound that a loaded machine never reaches.
        (
            "export async function register(a) {\n  await new Promise(() => {});\n}\n",
            "register(adApi) did not return (a promise it awaits never settles?)",
            10,
        ),
        # A loop was said to be "a promise it awaits never settles?": node's event loop never
        # ran again after register began (the runner calls it right after constructing the
        # AdApi), so its AdApi never answered adsim's hello.
        (
            "export function register(a) {\n  while (true) {}\n}\n",
            "register(adApi) blocked its event loop (its AdApi answered no hello: a loop that never"
            " ends?) and did not return",
            10,
        ),
    ],
)
def test_a_module_that_never_finishes_loading_says_which_part_hangs(
    tmp_path: Path, source: str, expected: str, timeout: float
) -> None:
    """Both said "the module did not register its handlers within 15 s": the import or the
    register(adApi) call, the user had to find out which."""
    module = tmp_path / "slow.mjs"
    module.write_text(source, encoding="utf-8")
    host = HandlerHost(Simulator(load_tenant(), seed=3), timeout=5)
    try:
        with pytest.raises(InputFileError) as raised:
            NodeHandler(host, module).start(timeout=timeout)
        assert str(raised.value) == f"{module}:1: {expected} within {timeout:g} s"
    finally:
        host.close(timeout=5)


@needs_node
def test_a_handler_that_throws_no_error_names_the_value(tmp_path: Path) -> None:
    """``throw {code: 7}`` was "[object Object]", ``Promise.reject()`` a bare "undefined"."""
    module = tmp_path / "throws.mjs"
    module.write_text(
        "export function register(adApi) {\n"
        "  adApi.on('ON_LOGIN', () => { throw {code: 7}; });\n"
        "  adApi.on('ON_AGENT_STATE_CHANGE', () => Promise.reject());\n"
        "}\n",
        "utf-8",
    )
    sim = Simulator(load_tenant(), seed=3)
    host = HandlerHost(sim, timeout=5)
    try:
        NodeHandler(host, module).start()
        sim.login()
        sim.set_agent_state("ready")
        assert host.settle(timeout=30)
        errors = {o.event_name: o.error for o in host.outcomes}
        assert errors["ON_LOGIN"] == 'JsHandlerError: threw {"code":7}'
        assert errors["ON_AGENT_STATE_CHANGE"] == "JsHandlerError: rejected with undefined"
    finally:
        host.close(timeout=5)


@needs_node
def test_a_longer_handler_load_timeout_is_a_js_modules_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--handler-load-timeout 60`` did nothing for ``--js-handler``: a module that loads for
    20 s (it fetches its configuration) was bad input after a fixed 15 s."""
    from simulator.web import node

    monkeypatch.setattr(node, "STARTUP_TIMEOUT", 0.5)  # shortened, as is the host's below
    module = tmp_path / "slow.mjs"
    module.write_text("while (true) {}\nexport function register(a) {}\n", encoding="utf-8")
    host = HandlerHost(Simulator(load_tenant(), seed=3), timeout=5, load_timeout=2)
    try:
        with pytest.raises(InputFileError, match=f"{IMPORTING_RE} within 2 s$"):
            NodeHandler(host, module).start()
    finally:
        host.close(timeout=5)


@needs_node
def test_bytes_that_are_no_utf8_on_nodes_stdout_are_shown_and_lose_no_packet(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A write to fd 1 itself (or a child process's output) in Latin-1 made adsim's reader
    thread die with a UnicodeDecodeError traceback: every later packet was lost, each event
    timed out."""
    module = tmp_path / "latin1.mjs"
    module.write_text(
        'import { writeSync } from "node:fs";\n'
        "export function register(adApi) {\n"
        "  adApi.on('ON_NEW_INTERACTION', () => {\n"
        "    writeSync(1, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));\n"
        "  });\n"
        "}\n",
        encoding="utf-8",
    )
    argv = ["run", str(SCENARIOS / "chat.yaml"), "--js-handler", str(module)]
    code = main([*argv, "--journal", ":memory:", "--handler-timeout", "5"])
    err = capfd.readouterr().err
    assert code == 0, err
    assert "Traceback" not in err
    assert "[latin1.mjs] caf\ufffd" in err.splitlines()


@needs_node
def test_a_message_logger_that_throws_is_said_once_not_swallowed(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """The shim swallowed a logger's exception without a word: the integration's packet log
    stayed empty and nothing said why."""
    module = tmp_path / "logs.mjs"
    module.write_text(
        "export function register(adApi) {\n"
        "  adApi.injectMessageLogger((type) => { throw new Error('log full ' + type); });\n"
        "}\n",
        encoding="utf-8",
    )
    argv = ["run", str(SCENARIOS / "chat.yaml"), "--js-handler", str(module)]
    code = main([*argv, "--journal", ":memory:"])
    err = capfd.readouterr().err
    assert code == 0, err  # the integration goes on: a logger never breaks it
    said = [line for line in err.splitlines() if "message logger failed" in line]
    assert said == [
        # The first packet it sees: register() runs before the runner reads any.
        "adApi: a message logger failed on hello (later failures are not shown): "
        f"Error: log full hello ({module}:2)"
    ]


@needs_node
@pytest.mark.parametrize(
    ("write", "shown"),
    [
        # No newline: glued to the runner's next packet, which was lost (a timeout, exit 1).
        ("'saving... '", "saving..."),
        # Lines that parse as the protocol's: taken for packets (swallowed, or a load error).
        ("JSON.stringify({uid: 'x', type: 'log', params: ['hi']}) + '\\n'", '"type": "log"'),
        ("JSON.stringify({uid: 'runner', type: '__error__', params: ['no']}) + '\\n'", "__error__"),
    ],
)
def test_what_the_module_writes_to_fd_1_is_its_output_never_a_packet(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], write: str, shown: str
) -> None:
    """``fs.writeSync(1, ...)``, a logger writing to fd 1 or a child process started with
    ``stdio: "inherit"`` bypass ``process.stdout``: what they wrote was read as the protocol."""
    module = tmp_path / "fd1.mjs"
    module.write_text(
        'import { writeSync } from "node:fs";\n'
        "export function register(adApi) {\n"
        f"  writeSync(1, {write});\n"
        f"  adApi.on('ON_NEW_INTERACTION', () => {{ writeSync(1, {write}); }});\n"
        "}\n",
        encoding="utf-8",
    )
    argv = ["run", str(SCENARIOS / "chat.yaml"), "--js-handler", str(module)]
    code = main([*argv, "--journal", ":memory:", "--handler-timeout", "5"])
    err = capfd.readouterr().err
    assert code == 0, err
    shown_lines = [line for line in err.splitlines() if line.startswith("[fd1.mjs] ")]
    # Twice: at register() and in the handler (two writes with no newline make one line).
    assert "\n".join(shown_lines).replace('":"', '": "').count(shown) == 2, err


@needs_node
def test_an_exit_hook_that_never_returns_is_killed_and_said(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """``process.on("exit", ...)`` that never returns: adsim killed node 2 s after closing its
    stdin and the run passed without a word, though what the module did on the way out was cut
    short (a Python plugin's close that does not finish is an incident)."""
    module = tmp_path / "exit_hook.mjs"
    module.write_text(
        "process.on('exit', () => { while (true) {} });\n"
        "export function register(adApi) {\n"
        "  adApi.on('ON_NEW_INTERACTION', () => {});\n"
        "}\n",
        encoding="utf-8",
    )
    argv = ["run", str(SCENARIOS / "chat.yaml"), "--js-handler", str(module)]
    code = main([*argv, "--journal", ":memory:"])
    err = capfd.readouterr().err
    assert code == 1, err
    assert (
        "adsim:   js:exit_hook.mjs: its node process did not end within 2.5 s of its stdin closing "
        "(a process.on('exit') hook or a handler still running?); it was killed"
    ) in err.splitlines()


@needs_node
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="leftovers are found in /proc")
def test_node_exiting_while_a_process_it_started_holds_its_stdout_is_the_exit(
    tmp_path: Path,
) -> None:
    """A process the module started with ``stdio: "inherit"`` kept node's stdout open after
    node exited: adsim never saw the exit, the handler that called ``process.exit`` was a
    ``timeout`` and each later event blamed "a loop that never ends?"."""
    module = tmp_path / "exits.mjs"
    module.write_text(
        'import { spawn } from "node:child_process";\n'
        "export function register(adApi) {\n"
        "  spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], {stdio: 'inherit'});\n"
        "  adApi.on('ON_NEW_INTERACTION', () => process.exit(3));\n"
        "  adApi.on('ON_SAVE_ACTIVITY_RECORD', () => {});\n"
        "}\n",
        encoding="utf-8",
    )
    host = HandlerHost(Simulator(load_tenant(), seed=3), timeout=5)
    try:
        NodeHandler(host, module).start()
        sim = host.sim
        sim.login()
        sim.set_agent_state("ready")
        sim.offer_chat("Web Chat", None, "Hello")
        assert host.settle(timeout=120)
        exited = next(o for o in host.outcomes if o.event_name == "ON_NEW_INTERACTION")
        assert exited.status == "error", exited
        assert "the node process for exits.mjs exited (code 3)" in (exited.error or "")
        later = host.outcomes[host.outcomes.index(exited) + 1 :]
        assert later and all("exited (code 3)" in (o.error or "") for o in later)
    finally:
        host.close(timeout=5)
    assert any("1 process(es) it started still running" in text for text in host.incidents)


@needs_node
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="leftovers are found in /proc")
def test_a_process_the_module_started_detached_ends_with_its_node_and_is_said(
    tmp_path: Path,
) -> None:
    """``spawn(..., {detached: true})`` puts the child in a process group of its own, which the
    end of node's group did not reach: it ran on after the run, and nothing said so."""
    pid_file = tmp_path / "child.pid"
    module = tmp_path / "detaches.mjs"
    module.write_text(
        'import { spawn } from "node:child_process";\n'
        'import { writeFileSync } from "node:fs";\n'
        "export function register(adApi) {\n"
        "  adApi.on('ON_NEW_INTERACTION', () => {\n"
        "    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)'],"
        " {detached: true, stdio: 'ignore'});\n"
        "    child.unref();\n"
        f"    writeFileSync({json.dumps(str(pid_file))}, String(child.pid));\n"
        "  });\n"
        "}\n",
        encoding="utf-8",
    )
    host = HandlerHost(Simulator(load_tenant(), seed=3), timeout=30)
    try:
        NodeHandler(host, module).start()
        host.sim.login()
        host.sim.set_agent_state("ready")
        host.sim.offer_chat("Web Chat", None, "Hello")
        assert host.settle(timeout=120)
        child = os.pidfd_open(int(pid_file.read_text(encoding="utf-8")))
    finally:
        host.close(timeout=5)
    try:
        ended, _, _ = select.select([child], [], [], 30)  # readable once it has ended
        assert ended, "the detached child still runs after the run"
    finally:
        os.close(child)
    assert any("1 process(es) it started still running" in text for text in host.incidents)


@needs_node
@pytest.mark.parametrize(
    "how",
    [
        "process.stdin.pause()",
        "process.stdin.destroy()",
        "process.stdin.removeAllListeners('data')",
        "process.stdin.resume()",  # nothing wrong: its own stdin ends as the run ends
    ],
)
def test_a_module_done_with_its_stdin_still_gets_every_event(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    """Node's stdin was the transport: a module that paused or destroyed ``process.stdin`` got
    no event after it, each a ``timeout``, then "blocked ... (a loop that never ends?)" for an
    event loop that ran. Its own ``process.stdin`` still ends at the end of the run."""
    saved = tmp_path / "saved.txt"
    module = tmp_path / "no_stdin.mjs"
    module.write_text(
        'import { appendFileSync } from "node:fs";\n'
        "export function register(adApi) {\n"
        f"  const note = (text) => appendFileSync({json.dumps(str(saved))}, text + '\\n');\n"
        "  process.stdin.on('end', () => note('stdin ended'));\n"
        f"  adApi.on('ON_LOGIN', () => {{ {how}; }});\n"
        "  adApi.on('ON_SAVE_ACTIVITY_RECORD', (a) => note(a.interactionId));\n"
        "}\n",
        encoding="utf-8",
    )
    argv = ["run", str(SCENARIOS / "chat.yaml"), "--js-handler", str(module)]
    code = main([*argv, "--journal", ":memory:"])
    err = capsys.readouterr().err
    assert code == 0, err
    lines = saved.read_text(encoding="utf-8").splitlines()
    assert lines[0] != "stdin ended", lines  # the record saved
    still_read = "pause" not in how and "destroy" not in how  # its own stdin, as the module left it
    assert lines[1:] == (["stdin ended"] if still_read else []), lines


FLOODS_THEN_CRASHES_JS = """\
export function register(adApi) {
  adApi.on("ON_LOGIN", () => {
    adApi.getAgentState(); // the test holds adsim's reader at this request
    // The packets' pipe full (64 KiB) and more queued behind it.
    for (let i = 0; i < 64; i++) adApi.getAgentState("x".repeat(4096));
    setImmediate(() => {
      throw new Error("boom with the pipe full");
    });
  });
}
"""


@needs_node
def test_why_node_ended_is_said_though_its_packet_pipe_was_full(tmp_path: Path) -> None:
    """The runner said why node ends (``__crash__``) with one write to the pipe its packets go
    on, which node does not block on: when adsim read behind, the pipe was full, the write
    failed and each later event said only "exited (code 1)"; and the request's answer, finding
    node gone, could make it "the page's transport is closed". Here adsim's reader is held until
    node has exited, the packets' pipe full."""
    module = tmp_path / "floods.mjs"
    module.write_text(FLOODS_THEN_CRASHES_JS, encoding="utf-8")
    host = HandlerHost(Simulator(load_tenant(), seed=3), timeout=30)
    held, release = threading.Event(), threading.Event()

    def hold(direction: str, packet: dict) -> None:
        if direction == "in" and packet.get("type") == "GET_AGENT_STATE":
            held.set()
            release.wait(60)

    try:
        handler = NodeHandler(host, module).start()
        handler.endpoint.subscribe_packets(hold)
        host.sim.login()
        assert held.wait(60), "the module's request never came"
        assert handler.process.wait(60) == 1, "node did not end on its error"
        release.set()
        assert host.settle(timeout=120)
        host.sim.set_agent_state("ready")
        assert host.settle(timeout=120)
    finally:
        release.set()
        host.close(timeout=5)
    said = f"exited (code 1) after {module}:7: Error: boom with the pipe full (thrown outside"
    errors = [(o.event_name, o.error or "") for o in host.outcomes]
    assert [name for name, _ in errors][:1] == ["ON_LOGIN"], errors
    assert all(said in error for _, error in errors), errors


@needs_node
@pytest.mark.parametrize(
    ("body", "said"),
    [
        # After the last event's handler has finished: no later event could name it.
        (
            "let n = 0; adApi.on('ON_AGENT_STATE_CHANGE', () => {"
            " if (++n === 5) Promise.reject(new Error('late')); });",  # chat.yaml's last event
            "exited (code 1) after {}:2: Error: late (a promise rejected with no catch)",
        ),
        # On the way out (node ending by itself once the module's work is done).
        (
            "process.on('exit', () => { throw new Error('flush failed'); });",
            "exited (code 1) after {}:2: Error: flush failed (thrown outside any handler)",
        ),
    ],
)
def test_an_error_that_ends_node_after_its_last_event_fails_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, said: str
) -> None:
    """Node's own lines on stderr were all that said it: every outcome was ``ok``, the run
    passed, exit 0, while the module's last work (a flush on the way out) had failed."""
    module = tmp_path / "ends_badly.mjs"
    module.write_text(
        f"export function register(adApi) {{\n  {body}\n}}\n",
        encoding="utf-8",
    )
    argv = ["run", str(SCENARIOS / "chat.yaml"), "--js-handler", str(module)]
    code = main([*argv, "--journal", ":memory:"])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "0 of 15 calls failed" in err
    assert (
        "adsim:   js:ends_badly.mjs: its node process ended after the last event it was sent: "
        + said.format(module)
    ) in err.splitlines(), err


@needs_node
def test_an_exit_no_outcome_named_is_said_once_however_often_the_module_is_closed(
    tmp_path: Path,
) -> None:
    module = tmp_path / "exit_hook.mjs"
    module.write_text(
        "export function register(adApi) {\n"
        "  process.on('exit', () => { throw new Error('flush failed'); });\n"
        "}\n",
        encoding="utf-8",
    )
    host = HandlerHost(Simulator(load_tenant(), seed=3), timeout=30)
    try:
        handler = NodeHandler(host, module).start()
        handler.close()
        handler.close()  # as the host does again at its end
    finally:
        host.close(timeout=5)
    said = [text for text in host.incidents if "after the last event it was sent" in text]
    assert len(said) == 1, host.incidents
