"""A Node module's ``adApi.on`` of an event the run's adApi version lacks, after its ``register``:
it throws, as a Python plugin's ``ad_api.on`` raises, and the handler that called it fails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.web import find_node

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "fixtures" / "scenarios"
needs_node = pytest.mark.skipif(find_node() is None, reason="node is not installed (Node 18+)")

LATER = (
    "EventNotInVersionError: {event} is not in adApi {version}: it appeared in {since} (run "
    "with --api-version {since}, or api_version: '{since}' in the scenario)"
)


def _run(module: Path, *extra: str) -> list[str]:
    return ["run", str(SCENARIOS / "chat.yaml"), "--js-handler", str(module), *extra]


@needs_node
@pytest.mark.parametrize("kind", ["function", "async function"])
@pytest.mark.parametrize(
    "case",
    [
        ("ON_VALIDATE_ASSOCIATED_RECORDS", "5.19", "5.24.1"),
        ("ON_VOICE_TRANSCRIPT_MESSAGE", "5.24.1", "2026"),
    ],
    ids=["5.24.1-event-in-5.19", "2026-event-in-5.24.1"],
)
def test_a_handler_subscribing_to_a_later_event_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, case: tuple[str, str, str]
) -> None:
    """It was accepted, and its handler never called: the run passed (exit 0)."""
    event, version, since = case
    module = tmp_path / "late.mjs"
    module.write_text(
        "export function register(adApi) {\n"
        f'  adApi.on("ON_NEW_INTERACTION", {kind} () {{\n'
        f'    adApi.on("{event}", () => null);\n'
        "  });\n}\n",
        encoding="utf-8",
    )
    code = main([*_run(module, "--journal", ":memory:", "--api-version", version)])
    out, err = capsys.readouterr()
    assert code == 1, out + err
    said = LATER.format(event=event, version=version, since=since)
    line = (
        "  handler on(ON_NEW_INTERACTION) at late.mjs:2 on ON_NEW_INTERACTION #4: error "
        f"JsHandlerError: {said} ({module}:3)"
    )
    assert line in out.splitlines(), out
    assert "1 of 15 calls failed (1 error)" in err, err
    # Under the version that has the event, the same module runs its scenario through.
    assert main(_run(module, "--journal", ":memory:", "--api-version", since)) == 0
    assert "EventNotInVersionError" not in "".join(capsys.readouterr())


@needs_node
def test_a_module_may_catch_it_in_its_register(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As a Python plugin may catch ``EventNotInVersionError``: one module for both versions,
    the later event's handler only where there is one; it did not load (nothing thrown)."""
    module, caught = tmp_path / "both.mjs", tmp_path / "caught.txt"
    module.write_text(
        'import { writeFileSync } from "node:fs";\n'
        "export function register(adApi) {\n"
        "  try {\n"
        '    adApi.on("ON_VALIDATE_ASSOCIATED_RECORDS", () => ({ valid: true }));\n'
        "  } catch (error) {\n"
        '    if (error.name !== "EventNotInVersionError") throw error;\n'
        f"    writeFileSync({json.dumps(str(caught))}, `${{error.name}}: ${{error.message}}`);\n"
        "  }\n}\n",
        encoding="utf-8",
    )
    assert main(_run(module, "--journal", ":memory:")) == 0, capsys.readouterr()
    said = LATER.format(event="ON_VALIDATE_ASSOCIATED_RECORDS", version="5.19", since="5.24.1")
    assert caught.read_text(encoding="utf-8") == said
    assert main(_run(module, "--journal", ":memory:", "--api-version", "5.24.1")) == 0
    assert caught.read_text(encoding="utf-8") == said  # not written again: it subscribed
