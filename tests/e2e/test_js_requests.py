"""A JS module's adApi calls whose arguments JSON cannot carry, through ``--js-handler``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.web import find_node

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "fixtures" / "scenarios"
needs_node = pytest.mark.skipif(find_node() is None, reason="node is not installed (Node 18+)")


@needs_node
def test_an_argument_json_cannot_carry_is_invalid_args_and_nothing_else_breaks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A cycle in a call queued before ``ready`` ended node at the handshake (every event after it
    an error); a BigInt in a handler's call rejected its promise with a TypeError."""
    said = tmp_path / "said.jsonl"
    module = tmp_path / "crm.mjs"
    module.write_text(
        'import { appendFileSync } from "node:fs";\n'
        f"const say = (what, r) => appendFileSync({json.dumps(str(said))},"
        " JSON.stringify([what, r]) + '\\n');\n"
        "export function register(adApi) {\n"
        "  const contact = { id: 'C-1' };\n"
        "  contact.self = contact;\n"
        "  adApi.addNote(contact).then((r) => say('cycle', r));\n"
        "  adApi.getLoginState().then((r) => say('after', r));\n"
        "  adApi.on('ON_NEW_INTERACTION', async (it) => {\n"
        "    say('bigint', await adApi.setVariable('n', 10n, it.interactionId));\n"
        "  });\n"
        "  adApi.on('ON_SAVE_ACTIVITY_RECORD', (a) => say('saved', a.interactionId));\n"
        "}\n",
        encoding="utf-8",
    )
    code = main(["run", str(SCENARIOS / "chat.yaml"), "--js-handler", str(module)])
    assert code == 0, capsys.readouterr().err
    lines = dict(json.loads(line) for line in said.read_text(encoding="utf-8").splitlines())
    assert lines["cycle"]["error"] == {
        "code": 3,
        "name": "invalid_args",
        "message": "addNote: argument 1 cannot be sent as JSON (object with a cycle: Converting"
        " circular structure to JSON); nothing was sent",
    }
    assert lines["after"]["status"] == "success"
    assert lines["bigint"]["error"]["name"] == "invalid_args"
    assert lines["bigint"]["error"]["message"].startswith("setVariable: argument 2 cannot be sent")
    assert "saved" in lines


@needs_node
def test_an_answer_with_a_lone_surrogate_is_junk_and_the_output_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """JS strings may hold a lone surrogate: the transfer data answer reached the colleague and
    ``-o`` ended in a UnicodeEncodeError traceback."""
    module = tmp_path / "crm.mjs"
    module.write_text(
        "export function register(adApi) {\n"
        "  adApi.on('ON_REQUEST_TRANSFER_DATA', () => ({ caseId: 'x\\uD800y' }));\n"
        "}\n",
        encoding="utf-8",
    )
    out = tmp_path / "events.jsonl"
    scenario = SCENARIOS / "transfer_data_round_trip.yaml"
    code = main(["run", str(scenario), "--js-handler", str(module), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "Traceback" not in err
    assert "ON_REQUEST_TRANSFER_DATA answer has a lone surrogate" in err
    assert out.read_text(encoding="utf-8").count("\n") > 10


@needs_node
def test_api_call_with_a_packet_type_of_the_widgets_own_is_refused_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``apiCall("__handled__")`` was sent as a request, taken for the end of a callback and never
    answered: the call waited for its timeout (and the handler that awaited it with it)."""
    said = tmp_path / "said.jsonl"
    module = tmp_path / "crm.mjs"
    module.write_text(
        'import { appendFileSync } from "node:fs";\n'
        "export function register(adApi) {\n"
        "  adApi.on('ON_LOGIN', async () => {\n"
        "    for (const name of ['__handled__', '__attach__', 'hi', 'ON_LOGIN_RESPONSE']) {\n"
        "      const r = await adApi.apiCall(name, []);\n"
        f"      appendFileSync({json.dumps(str(said))}, JSON.stringify([name, r]) + '\\n');\n"
        "    }\n"
        "  });\n"
        "}\n",
        encoding="utf-8",
    )
    argv = ["run", str(SCENARIOS / "chat.yaml"), "--js-handler", str(module)]
    code = main([*argv, "--api-version", "2026", "--handler-timeout", "60"])
    assert code == 0, capsys.readouterr().err
    lines = dict(json.loads(line) for line in said.read_text(encoding="utf-8").splitlines())
    assert list(lines) == ["__handled__", "__attach__", "hi", "ON_LOGIN_RESPONSE"]
    for name, result in lines.items():
        assert result == {
            "status": "error",
            "error": {
                "code": 7,
                "name": "invalid_request",
                "message": f"{name} is not an adApi request (a packet type of the widget's own); "
                "nothing was sent",
            },
        }
