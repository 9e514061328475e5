"""``adsim generate --tenant FILE`` with a tenant that lacks a medium.

``--mix chat=1`` on a tenant with no chat service wrote voice calls and exited 0 (the chats asked
for silently became inbound calls); on a tenant with no inbound voice service either, it ended in
an ``IndexError`` traceback. The default mix still runs on any tenant.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

import simulator.data
from simulator.cli import main

DEFAULT = Path(simulator.data.__file__).parent / "default_tenant.yaml"


def _tenant(tmp_path: Path, *types: str) -> Path:
    data = yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))
    data["services"] = [s for s in data["services"] if s["type"] in types]
    path = tmp_path / "tenant.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("types", "mix", "missing"),
    [
        (("inbound_voice", "outbound_voice"), "chat=1", "chat"),
        (("inbound_voice", "outbound_voice"), "voice=70,chat=20,email=10", "chat"),
        (("email", "outbound_voice"), "chat=1", "chat"),
        (("chat", "outbound_voice"), "voice=1,email=3", "email"),
    ],
    ids=["voice-only", "voice-only-full-mix", "no-inbound", "no-email"],
)
def test_a_mix_asking_for_a_medium_the_tenant_lacks_is_refused(
    tmp_path, capsys, types, mix, missing
):
    tenant = _tenant(tmp_path, *types)
    kept = tmp_path / "records.jsonl"
    kept.write_text("earlier records\n", encoding="utf-8")
    argv = ["generate", "--count", "5", "--tenant", str(tenant), "--mix", mix, "-o", str(kept)]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert kept.read_text(encoding="utf-8") == "earlier records\n"
    assert err == (
        f"adsim: --mix: the tenant ({tenant}) has no {missing} service; give {missing}=0 or a "
        f"tenant with one\n"
    )


@pytest.mark.parametrize(
    "types",
    [("inbound_voice", "outbound_voice"), ("email", "outbound_voice"), ("chat", "outbound_voice")],
    ids=["voice-only", "email-and-outbound", "chat-and-outbound"],
)
def test_the_default_mix_runs_on_any_tenant(tmp_path, capsys, types):
    tenant = _tenant(tmp_path, *types)
    assert main(["generate", "--count", "30", "--tenant", str(tenant)]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(records) == 30
    kinds = {"voice"} | {{"email": "email", "chat": "chat"}.get(t, "voice") for t in types}
    assert {record["type"] for record in records} <= kinds
