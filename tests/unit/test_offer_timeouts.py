"""Per-media offer timeouts (calls ring out, chats after Connect Chat's 10 s, emails wait) with
a per-service override in the tenant, and callMuted after the call (issue 14)."""

from __future__ import annotations

from importlib import resources

import pytest

from simulator.contract import EventName
from simulator.data import InputFileError, Tenant, load_tenant
from simulator.engine import Settings, Simulator


def _ready(tenant: Tenant, **settings) -> Simulator:
    sim = Simulator(tenant, seed=7, settings=Settings(**settings))
    sim.login()
    sim.set_agent_state("ready")
    return sim


def _missed(sim: Simulator, iid: str) -> bool:
    return sim.interaction(iid) is None and sim.agent.reason == sim.tenant.no_answer_reason


def test_a_chat_rings_out_after_10_seconds(tenant):
    sim = _ready(tenant)
    iid = sim.offer_chat("Web Chat", None, "Hi").data["id"]
    sim.advance(9.9)
    assert sim.interaction(iid) is not None
    sim.advance(0.1)
    assert _missed(sim, iid)


def test_an_email_waits_until_accepted(tenant):
    sim = _ready(tenant)
    iid = sim.offer_email("Email Support", None, "Order", "Where is it?").data["id"]
    sim.advance(3600)
    assert sim.interaction(iid) is not None
    assert sim.agent.phase.value == "busy"
    assert sim.accept_interaction(iid).ok


def test_a_call_still_rings_out_after_20_seconds(tenant):
    sim = _ready(tenant)
    iid = sim.offer_call("Sales").data["id"]
    sim.advance(19.999)
    assert sim.interaction(iid) is not None
    sim.advance(0.001)
    assert _missed(sim, iid)


def test_settings_change_the_media_defaults(tenant):
    sim = _ready(tenant, email_offer_timeout_seconds=30, chat_offer_timeout_seconds=None)
    chat = sim.offer_chat("Web Chat", None, "Hi").data["id"]
    email = sim.offer_email("Email Support", None, "Order", "Where?").data["id"]
    sim.advance(31)
    assert sim.interaction(chat) is not None
    assert sim.interaction(email) is None


def test_a_service_setting_overrides_the_media_default(tenant):
    services = [
        s.model_copy(update={"offer_timeout_seconds": 45 if s.name == "Sales" else "never"})
        if s.name in ("Sales", "Web Chat")
        else s
        for s in tenant.services
    ]
    custom = tenant.model_copy(update={"services": services})
    sim = _ready(custom)
    call = sim.offer_call("Sales").data["id"]
    sim.advance(44)
    assert sim.interaction(call) is not None
    sim.advance(1)
    assert _missed(sim, call)
    sim.set_agent_state("ready")
    chat = sim.offer_chat("Web Chat", None, "Hi").data["id"]
    sim.advance(600)
    assert sim.interaction(chat) is not None


def test_the_tenant_file_checks_the_service_timeout(tmp_path):
    text = (resources.files("simulator.data") / "default_tenant.yaml").read_text("utf-8")
    bad = text.replace("    name: Sales\n", "    name: Sales\n    offer_timeout_seconds: 0\n", 1)
    path = tmp_path / "t.yaml"
    path.write_text(bad)
    with pytest.raises(InputFileError) as caught:
        load_tenant(path)
    assert "offer_timeout_seconds" in str(caught.value)


def _muted_call(sim: Simulator, events: list) -> list[dict]:
    iid = sim.offer_call("Sales").data["id"]
    sim.advance(3)
    sim.accept_interaction(iid)
    sim.set_call_mute(True, iid)
    sim.advance(60)
    sim.customer_hang_up(iid)
    sim.set_disposition("Product sold", iid)
    sim.complete_interaction(iid)
    return [e.wire_args[0] for e in events if e.interaction_id == iid and e.wire_args]


def test_call_muted_is_false_once_the_call_is_gone(tenant):
    sim = _ready(tenant)
    events = []
    sim.subscribe(events.append)
    payloads = _muted_call(sim, events)
    muted = [p for p in payloads if isinstance(p, dict) and p.get("callMuted")]
    assert muted and all(p["state"] == "delivered" for p in muted)
    (saved,) = [e.wire_args[0] for e in events if e.name is EventName.ON_SAVE_ACTIVITY_RECORD]
    assert saved["callMuted"] is False
    wrap_up = [p for p in payloads if isinstance(p, dict) and p.get("state") == "wrap_up"]
    assert wrap_up and all(p["callMuted"] is False for p in wrap_up)


def test_keep_reports_the_last_mute_state_after_the_call(tenant):
    sim = _ready(tenant, mute_after_call="keep")
    events = []
    sim.subscribe(events.append)
    _muted_call(sim, events)
    (saved,) = [e.wire_args[0] for e in events if e.name is EventName.ON_SAVE_ACTIVITY_RECORD]
    assert saved["callMuted"] is True
