"""What docs/contract.md, docs/versions.md and docs/contact-center.md promise, word for word,
checked against the engine: the settings their tables name, the keys the payload rules list, the
samples they show, the differences between versions they quote."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from simulator.engine import EventRecorder, Settings, Simulator
from simulator.scenarios import ScenarioRunner, load_scenario, parse_scenario
from tests.documentation import ROOT, page, text

CONTRACT = text(page("contract.md"))
VERSIONS = text(page("versions.md"))


def _row(page_text: str, first_cell: str) -> list[str]:
    """The cells of the table row whose first cell is ``first_cell``."""
    for line in page_text.splitlines():
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
        if cells and cells[0] == first_cell:
            return cells
    raise AssertionError(f"no table row {first_cell!r}")


def _gap_rows() -> list[list[str]]:
    section = CONTRACT.split("## Where the vendor is silent", 1)[1].split("\n### ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    return [[c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]] for row in rows[2:]]


def test_every_setting_the_gap_table_names_is_a_setting_with_that_value():
    """`name: "value"` (or `name: 2`) in the Setting column must build a ``Settings``."""
    named = set()
    for cells in _gap_rows():
        for name, values in re.findall(r"`(\w+): ([^`]+)`", cells[-1]):
            for shown in re.split(r"\s*\\?\|\s*", values):
                value = shown.strip().strip('"')
                parsed = json.loads(value) if re.fullmatch(r"[\d.]+", value) else value
                Settings(**{name: parsed})  # raises when the page names a value that is not
        named.update(re.findall(r"`([a-z]+_[a-z_]+)[`:]", cells[-1]))
    assert len(named) > 20
    assert named <= set(Settings.model_fields), named - set(Settings.model_fields)


def test_every_choice_setting_is_documented():
    """Each field of ``Settings`` (the vendor-silent choices) is named on the contract page."""
    timings = {"api_version", "start_time_ms"}
    for name in set(Settings.model_fields) - timings:
        assert f"`{name}" in CONTRACT or f"`settings: {{{name}" in VERSIONS, name


def _payloads(recorder: EventRecorder) -> list[dict]:
    return [
        arg
        for event in recorder.events
        for arg in event.wire_args
        if isinstance(arg, dict) and "interactionId" in arg and "type" in arg
    ]


def _chats_and_an_email() -> list[dict]:
    sim = Simulator(seed=5)
    recorder = EventRecorder()
    sim.subscribe(recorder)
    sim.login()
    sim.set_agent_state("ready")
    for offer in (lambda: sim.offer_chat("Web Chat"), lambda: sim.offer_email("Email Support")):
        iid = offer().data["id"]
        sim.accept_interaction(iid)
        sim.advance(5)
        if sim.interaction(iid).state.value != "wrap_up":  # an email's reply ends it
            sim.leave_interaction(iid)
        sim.complete_interaction(iid)
    sim.set_service("Web Chat")
    iid = sim.start_chat("sms", "+1 415 555 0134").data["id"]
    sim.advance(3)
    sim.leave_interaction(iid)
    sim.complete_interaction(iid)
    return _payloads(recorder)


def test_the_voice_only_keys_never_appear_on_chats_or_emails():
    cells = _row(CONTRACT, "voice-only keys")
    never = cells[1].split(" never appear on chat or email", 1)[0]
    keys = re.findall(r"`(\w+)`", never)
    assert keys
    payloads = _chats_and_an_email()
    assert {p["type"] for p in payloads} == {"chat", "email"}
    for payload in payloads:
        assert not set(keys) & set(payload), payload
        assert payload["callParties"] == [] and payload["callMuted"] is payload["callRecording"]
    # phoneNumber: the customer's number on a chat over a phone channel, never on a web chat
    assert "phoneNumber" not in never
    with_number = [p for p in payloads if "phoneNumber" in p]
    assert with_number and all(p["type"] == "chat" for p in with_number)
    assert all(p["phoneNumber"] == "14155550134" for p in with_number)


@pytest.mark.parametrize("version", ["5.24.1", "2026"])
def test_an_offer_makes_the_agent_busy_never_ringing_or_reserved(version):
    """versions.md: 5.24.1's ``reserved`` and ``ringing`` are never sent."""
    sim = Simulator(seed=5, settings=Settings(api_version=version))
    recorder = EventRecorder()
    sim.subscribe(recorder)
    sim.login()
    sim.set_agent_state("ready")
    sim.offer_call("Sales")
    sim.advance(25)  # rings out: Not Ready "No Answer"
    states = [e.wire_args[0] for e in recorder.of("ON_AGENT_STATE_CHANGE")]
    assert states == ["not_ready", "ready", "busy", "not_ready"]
    assert sim.get_agent_state().data["reservedForIncomingInteraction"] is False


def _run(path: Path, version: str):
    source = load_scenario(path)
    source = replace(source, scenario=source.scenario.for_api_version(version))
    return ScenarioRunner(source).run()


def test_the_upgrade_changes_the_chat_records_in_the_two_keys_the_page_quotes():
    """versions.md, "Testing an integration across an upgrade": same events at the same times;
    the chat fixture's activity record differs in `associatedObjects.selected` and
    `chatParties`; every interaction event gains `chatParties` (the customer)."""
    quoted = re.search(r"For the chat fixture\s.*?```\n(.*?)```", VERSIONS, re.S)
    assert quoted is not None
    lines = [line.split() for line in quoted.group(1).strip().splitlines()]
    differs = {line[0]: (" ".join(line[1:]).split(" -> ")) for line in lines}
    path = ROOT / "fixtures" / "scenarios" / "chat.yaml"
    today, upgraded = _run(path, "5.19"), _run(path, "5.24.1")
    assert [(e.name, e.time_ms) for e in today.events] == [
        (e.name, e.time_ms) for e in upgraded.events
    ]
    shown = {None: "null", (): "[]"}
    for before, after in zip(today.events, upgraded.events, strict=True):
        if before.name.value == "ON_SAVE_ACTIVITY_RECORD":
            old, new = before.wire_args[0], after.wire_args[0]
            keys = set(old) | set(new)
            changed = {k for k in keys if old.get(k, "absent") != new.get(k, "absent")}
            inner = old["associatedObjects"]["selected"], new["associatedObjects"]["selected"]
            assert changed == {"associatedObjects", "chatParties"}
            assert list(differs) == ["associatedObjects.selected", "chatParties"]
            assert differs["associatedObjects.selected"] == [
                shown[inner[0]],
                shown[tuple(inner[1])],
            ]
            assert differs["chatParties"] == ["(absent)", "[]"]
            assert "chatParties" not in old and new["chatParties"] == []
        elif before.name.value in ("ON_NEW_INTERACTION", "ON_INTERACTION_STATE_CHANGE"):
            (party,) = after.wire_args[0]["chatParties"]
            assert party["type"] == "external"


def test_the_contact_center_scenario_sample_passes(tmp_path):
    (sample,) = re.findall(r"```yaml\n(.*?)```", text(page("contact-center.md")), re.S)
    result = ScenarioRunner(parse_scenario(sample, "contact-center.md")).run()
    assert result.exit_code == 0, [str(f) for f in result.failures]


@pytest.mark.parametrize("version", ["5.19", "5.24.1", "2026"])
def test_the_version_specific_expectations_sample_passes_in_every_version(version):
    (sample,) = re.findall(r"```yaml\n(.*?)```", VERSIONS, re.S)
    call = "steps:\n  - call: Customer Support\n    as: c\n  - accept\n  - wait: 30\n"
    call += "  - hang_up\n  - complete\n"
    source = parse_scenario(call + sample, "versions.md")
    source = replace(source, scenario=source.scenario.for_api_version(version))
    result = ScenarioRunner(source).run()
    assert result.exit_code == 0, [str(f) for f in result.failures]


def _token(event) -> str:
    """An event as contract.md's order block writes it."""
    name, args = event.name.value, event.wire_args
    if name == "ON_INTERACTION_STATE_CHANGE":
        return f"STATE_CHANGE({args[0]['state']})"
    if name == "ON_AGENT_STATE_CHANGE":
        return f"{name}({args[0]})"
    if name == "ON_ACTIVE_INTERACTION_SWITCHED":
        return f"{name}({'id' if args[0] else 'null'})"
    return name


def test_the_event_order_block_is_what_a_call_emits():
    """Each `→` chain of the order block is a run of consecutive events of a call on a service
    with after-call work and a screen pop on answer (Customer Support)."""
    block = CONTRACT.split("Event order follows", 1)[1].split("```", 2)[1]
    chains = []
    for line in block.replace("\n         →", " →").splitlines():
        if "→" in line:
            words = [part.split(" (", 1)[0].strip() for part in line.split("→")]
            chains.append([w for w in words if w.startswith(("ON_", "STATE_CHANGE"))])
    assert len(chains) == 5
    sim = Simulator(seed=5)
    recorder = EventRecorder()
    sim.subscribe(recorder)
    sim.login()
    sim.set_agent_state("ready")
    sim.offer_call("Customer Support")
    sim.advance(3)
    sim.accept_interaction()
    sim.advance(60)
    sim.customer_hang_up()
    sim.complete_interaction()
    emitted = [_token(event) for event in recorder.events]
    for chain in chains:
        runs = [emitted[i : i + len(chain)] for i in range(len(emitted))]
        assert chain in runs, (chain, emitted)


def test_methods_take_a_tenant_object_by_id_or_by_its_name_number_or_code():
    """tenant.md: a team or service by name, a DID by number, a disposition by code or name."""
    assert "a team's or\nservice's name, a DID's number, and a disposition's code or name" in text(
        page("tenant.md")
    )
    sim = Simulator(seed=5)
    sim.login()
    tenant = sim.tenant
    team, service, did = tenant.teams[1], tenant.services[1], tenant.dids[1]
    for key in (team.id, team.name):
        assert sim.get_team_members(key).ok, key
    for key in (service.id, service.name):
        assert sim.set_service(key).ok, key
        assert sim.get_dispositions_list({"service": key}).ok, key
    for key in (did.id, did.number):
        assert sim.set_did_number(key).ok, key
    sim.set_agent_state("ready")
    sim.offer_call(service.name)
    sim.accept_interaction()
    disposition = service.dispositions[0]
    for key in (disposition.id, disposition.code, disposition.name):
        assert sim.set_disposition(key).ok, key


def test_the_screen_pop_variables_table_lists_every_variable_the_engine_fills():
    from simulator.engine.screen_pop import VARIABLES

    section = CONTRACT.split("### Scenario variables in screen pops", 1)[1].split("\n### ", 1)[0]
    rows = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `$(")]
    listed = [name for row in rows for name in re.findall(r"`\$\(([\w.]+)\)`", row)]
    assert listed[:-1] == list(VARIABLES)
    assert listed[-1] == "NAME"  # any scenario variable


def test_a_new_item_is_active_and_a_removed_one_hands_over_to_the_newest_left():
    assert "when the active item is removed, the newest one left becomes active" in CONTRACT
    sim = Simulator(seed=5)
    recorder = EventRecorder()
    sim.subscribe(recorder)
    sim.login()
    sim.set_agent_state("ready")
    first, second, third = (sim.offer_chat("Web Chat").data["id"] for _ in range(3))
    for iid in (first, second, third):
        sim.accept_interaction(iid)
    sim.switch_active_interaction(first)
    for iid in (first, third, second):  # the active one, then the others
        sim.leave_interaction(iid)
        sim.complete_interaction(iid)
    switched = [e.wire_args[0] for e in recorder.of("ON_ACTIVE_INTERACTION_SWITCHED")]
    assert switched == [first, second, third, first, third, second, None]


def test_the_contact_center_page_says_the_calls_merge_and_they_do():
    from simulator.handlers import AdApi

    section = text(page("contact-center.md")).split("### Merging the calls into a conference", 1)
    assert "needs no\n`CAN_TRANSFER` privilege" in section[1]
    assert "mergeAllCallsIntoConference" not in section[1].split("## Not simulated yet", 1)[1]
    sim = Simulator(seed=5)
    sim.login()
    sim.set_agent_state("ready")
    customer = sim.offer_call("Sales").data["id"]
    sim.accept_interaction()
    consult = sim.consult_call("2001").data["id"]
    sim.customer_answer(consult)
    assert AdApi(sim).merge_all_calls_into_conference().ok
    assert [inter.id for inter in sim.interactions] == [customer]
    assert [party.phone for party in sim.interaction(customer).parties][1:] == ["2001"]


def test_a_blind_transfer_to_a_colleague_carries_what_the_table_says():
    row = _row(text(page("contact-center.md")), "`blind_transfer(ext, data)`")[2]
    assert "associated records and scenario variables (`attachedData`), not its notes" in row
    sim = Simulator(seed=7)
    omar = sim.center.add_agent("omar")
    recorder = EventRecorder()
    omar.subscribe(recorder)
    for desk in (sim, omar):
        desk.login()
        desk.set_agent_state("ready")
    sim.offer_call("Customer Support", direct=True)
    sim.accept_interaction()
    record = {"id": "1", "type": "Contact", "displayName": "Ann", "displayType": "Contact"}
    sim.add_interaction_associated_object({**record, "customFields": {}})
    sim.add_note("promised a refund")
    sim.set_variable("caseId", "9")
    sim.set_disposition("Escalated")
    sim.blind_transfer("1002", {"caseId": "42"})
    landed = recorder.of("ON_NEW_INTERACTION")[0].wire_args[0]
    assert landed["callDirection"] == "inbound" and "origination" not in landed
    assert landed["DNIS"] == "1002" and landed["ANI"] == landed["callParties"][0]["phone"]
    assert landed["associatedObjects"]["list"][0]["id"] == "1"
    assert landed["attachedData"] == {"caseId": "9"}
    assert "description" not in landed and "disposition" not in landed
    assert recorder.events[-1].name.value == "ON_LOAD_TRANSFER_DATA"


LIBRARY = sorted((ROOT / "fixtures" / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_an_upgrade_keeps_the_events_and_their_times_but_the_new_questions(path):
    """versions.md: 5.19 and 5.24.1 runs of a library scenario send the same events at the same
    times, but for the events only 5.24.1 has and what their answers change (a CRM pop
    answered `null` associates and opens nothing), and the state change of each `record_mute`
    (5.19 has no recording mute: the step changes nothing there)."""
    from simulator.contract.versions import event_available

    for name in ("ON_VALIDATE_ASSOCIATED_RECORDS", "ON_REQUEST_RECORD_INFO", "record_mute"):
        assert f"`{name}`" in VERSIONS.split("Same seed, same flow", 1)[1].split("```", 1)[0]
    today = [(e.name.value, e.time_ms) for e in _run(path, "5.19").events]
    source = load_scenario(path)
    runner = ScenarioRunner(replace(source, scenario=source.scenario.for_api_version("5.24.1")))
    sim, muting = runner.sim, set()
    mute = sim.set_call_recording_mute

    def seen_muting(*args):
        before = sim.bus.count
        try:
            return mute(*args)
        finally:
            muting.update(range(before + 1, sim.bus.count + 1))

    sim.set_call_recording_mute = seen_muting
    events = runner.run().events
    muted = [e.name.value for e in events if e.seq in muting]
    assert muted == ["ON_INTERACTION_STATE_CHANGE"] * path.read_text("utf-8").count("- record_mute")
    later = [e for e in events if e.seq not in muting]
    asked = [e for e in later if not event_available(e.name, "5.19")]
    kept = [(e.name.value, e.time_ms) for e in later if event_available(e.name, "5.19")]
    pops = [e.time_ms for e in asked if e.name.value == "ON_REQUEST_RECORD_INFO"]
    for when in pops:  # 5.19 associates the popped record and opens it; `null` does neither
        opened = today.index(("ON_OPEN_RECORD", when))
        assert today[opened - 1] == ("ON_INTERACTION_STATE_CHANGE", when)
        del today[opened - 1 : opened + 1]
    assert kept == today


def test_leave_and_complete_is_one_action_as_the_contract_page_says():
    assert "never reported in\n`after_call_work` in between" in CONTRACT
    sim = Simulator(seed=5)
    recorder = EventRecorder()
    sim.subscribe(recorder)
    sim.login()
    sim.set_agent_state("ready")
    sim.offer_call("Sales")
    sim.accept_interaction()
    sim.advance(30)
    recorder.clear()
    assert sim.leave_and_complete_interaction("201", "Wants the blue one").ok
    assert [_token(e) for e in recorder.events] == [
        "STATE_CHANGE(delivered)",
        "STATE_CHANGE(wrap_up)",
        "STATE_CHANGE(completed)",
        "ON_INTERACTION_REMOVED",
        "ON_SAVE_ACTIVITY_RECORD",
        "ON_ACTIVE_INTERACTION_SWITCHED(null)",
        "ON_AGENT_STATE_CHANGE(ready)",
    ]
    first = recorder.events[0].wire_args[0]
    assert first["disposition"] == "Product sold" and first["description"] == "Wants the blue one"


def test_logout_with_an_interaction_is_refused_as_the_gap_table_says():
    from simulator.contract import ResultErrorCode

    row = _row(CONTRACT, "`logout` while interactions are on the desktop")
    assert "`not_suitable_state`" in row[1]
    sim = Simulator(seed=5)
    sim.login()
    sim.set_agent_state("ready")
    sim.offer_chat("Web Chat")
    refused = sim.logout()
    assert refused.error.code == ResultErrorCode.not_suitable_state
    assert refused.error.message in row[1]
    assert sim.get_login_state().data["isLoggedIn"] is True


def test_contact_name_and_form_values_in_2026_as_the_versions_page_says():
    assert "else the customer's name (a routed chat's or\n  email's)" in VERSIONS
    assert "each present once set (`{}` before)" in VERSIONS
    sim = Simulator(seed=5, settings=Settings(api_version="2026"))
    recorder = EventRecorder()
    sim.subscribe(recorder)
    sim.login()
    sim.set_agent_state("ready")
    ann = {"first_name": "Ann", "last_name": "Lee", "email": "ann.lee@example.com"}
    email = sim.offer_email("Email Support", ann).data["id"]
    sim.accept_interaction(email)
    sim.send_email_reply("Done.")
    sim.set_disposition("Answer provided", email)
    sim.complete_interaction(email)
    sim.set_service("Web Chat")
    started = sim.start_chat("web", "ann@example.com").data["id"]
    sim.advance(2)
    sim.leave_interaction(started)
    sim.complete_interaction(started)
    mail, chat = recorder.records()
    assert mail["contactName"] == "Ann Lee" and mail["email"] == "ann.lee@example.com"
    assert mail["formValues"] == {"disposition": "Answer provided"}
    assert chat["contactName"] == "ann@example.com" and chat["formValues"] == {}


@pytest.mark.parametrize("stop_first", [False, True])
def test_call_recording_after_the_call_is_as_the_gap_table_says(stop_first):
    row = _row(CONTRACT, "`callRecording` after the call")
    assert "as it was when the call was released" in row[1] and row[2] == "—"
    sim = Simulator(seed=5)
    recorder = EventRecorder()
    sim.subscribe(recorder)
    sim.login()
    sim.set_agent_state("ready")
    sim.offer_call("Customer Support")
    sim.accept_interaction()
    sim.set_call_mute(True)
    sim.set_call_recording(True)
    sim.advance(30)
    if stop_first:
        sim.set_call_recording(False)
    sim.leave_interaction()
    wrap_up = recorder.of("ON_INTERACTION_STATE_CHANGE")[-1].wire_args[0]
    assert wrap_up["state"] == "wrap_up"
    sim.complete_interaction()
    record = recorder.records()[0]
    # Mute is live call data (cleared); recording is the item's (kept).
    assert wrap_up["callMuted"] is False and record["callMuted"] is False
    assert wrap_up["callRecording"] is not stop_first
    assert record["callRecording"] is not stop_first
    assert "playbackUrl" in record
