"""adApi versions: each version's contract (schema, payloads, events, methods) and the engine
emitting it; 5.19 stays what it was."""

from __future__ import annotations

import json
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.contract import EventName, InteractionData, ResultErrorCode
from simulator.contract import models_5_24_1 as m5241
from simulator.contract import models_2026 as m2026
from simulator.contract.schema import committed_schema, render_schema, schema_file
from simulator.contract.versions import (
    METHODS,
    ApiVersion,
    EventNotInVersionError,
    event_available,
    events_for,
    method_available,
    parse_api_version,
)
from simulator.engine import EventRecorder, Settings, Simulator
from simulator.handlers import AdApi, HandlerHost
from simulator.journal import Journal
from simulator.scenarios import ScenarioRunner, load_scenario, parse_scenario
from simulator.scenarios.errors import ScenarioFileError

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = sorted((ROOT / "fixtures" / "scenarios").glob("*.yaml"))
VERSIONS = [v.value for v in ApiVersion]
WAIT = 10.0
NOT_IMPLEMENTED = ResultErrorCode.api_method_not_implemented


def _sim(version: str, tenant=None) -> Simulator:
    return Simulator(tenant, seed=7, settings=Settings(api_version=version))


def _ready(version: str) -> tuple[Simulator, EventRecorder]:
    sim = _sim(version)
    recorder = EventRecorder()
    sim.subscribe(recorder)
    assert sim.login().ok and sim.set_agent_state("ready").ok
    return sim, recorder


def _answered_call(sim: Simulator) -> str:
    iid = sim.offer_call("Customer Support").data["id"]
    sim.advance(2)
    assert sim.accept_interaction(iid).ok
    return iid


# ---------------------------------------------------------------------- the contract


def test_versions_parse_and_order():
    assert [v.value for v in ApiVersion] == ["5.19", "5.24.1", "2026"]
    assert parse_api_version(2026) is ApiVersion.v2026
    assert parse_api_version(" 5.24.1 ") is ApiVersion.v5_24_1
    with pytest.raises(ValueError, match=r"use one of 5\.19, 5\.24\.1, 2026"):
        parse_api_version("5.20")
    assert ApiVersion.v2026.widget == "2.0" and ApiVersion.v5_24_1.widget == "1.0"


@pytest.mark.parametrize("version", VERSIONS)
def test_each_versions_schema_is_committed_and_has_not_drifted(version):
    assert committed_schema(version) == render_schema(version), (
        f"run `make schema` and commit simulator/contract/{schema_file(version)}"
    )


def test_the_5_19_schema_file_keeps_its_name_and_shape():
    schema = json.loads(committed_schema("5.19"))
    assert schema_file("5.19") == "adapi-5.19.schema.json"
    selected = schema["$defs"]["InteractionAssociatedObjectsData"]["properties"]["selected"]
    assert {"type": "null"} in selected["anyOf"]
    assert "InteractionActivityData" not in schema["$defs"]


def test_later_schemas_have_the_later_types():
    later = json.loads(committed_schema("5.24.1"))
    assert later["$defs"]["InteractionAssociatedObjectsData"]["properties"]["selected"]["type"] == (
        "array"
    )
    assert "chatParties" in later["$defs"]["InteractionData"]["properties"]
    assert "ActivityRecordInfo" not in later["$defs"]
    latest = json.loads(committed_schema("2026"))
    activity = latest["$defs"]["InteractionActivityData"]["properties"]
    assert {"formValues", "contactName", "interactionKind", "internal"} <= set(activity)
    assert "ActivityRecordInfo" in latest["$defs"]
    assert latest["x-events"]["ON_SAVE_ACTIVITY_RECORD"]["needsResponse"] is True
    assert later["x-events"]["ON_SAVE_ACTIVITY_RECORD"]["needsResponse"] is False


def test_events_per_version():
    assert not event_available(EventName.ON_VALIDATE_ASSOCIATED_RECORDS, "5.19")
    assert event_available(EventName.ON_VALIDATE_ASSOCIATED_RECORDS, "5.24.1")
    assert not event_available(EventName.ON_SUMMARY_GENERATION_STARTED, "5.24.1")
    assert event_available(EventName.ON_SUMMARY_GENERATION_STARTED, "2026")
    assert events_for("5.24.1")[EventName.ON_SEARCH_KNOWLEDGE_BASE].arguments == (
        "query",
        "language",
        "folderId",
    )
    assert events_for("5.19")[EventName.ON_SEARCH_KNOWLEDGE_BASE].arguments == ("query",)
    assert len(events_for("2026")) == len(EventName)


def test_methods_per_version():
    assert not method_available("getInteractionsState", "5.19")
    assert method_available("get_interactions_state", "5.24.1")
    assert method_available("login", "5.24.1") and not method_available("login", "2026")
    assert method_available("openLogin", "2026") and not method_available("openLogin", "5.24.1")
    assert method_available("injectMessageLogger", "5.19")  # local to the adapter


# ---------------------------------------------------------------------- 5.19 stays as it was


def test_5_19_installs_no_edge_and_keeps_its_payloads(ready, recorder):
    assert ready.bus.edge is None and ready.api_version is ApiVersion.v5_19
    _answered_call(ready)
    payload = recorder.events[0].wire_args[0]
    assert payload["associatedObjects"]["selected"] is None
    assert "chatParties" not in payload and "interactionKind" not in payload


# ---------------------------------------------------------------------- payload shapes


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("path", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_every_fixture_runs_green_and_matches_its_versions_models(path, version):
    source = load_scenario(path)
    source = replace(source, scenario=source.scenario.for_api_version(version))
    result = ScenarioRunner(source).run()
    problems = [str(f) for f in result.failures] + ([str(result.error)] if result.error else [])
    assert result.exit_code == 0, "\n".join(problems)
    interaction, activity = {
        "5.19": (InteractionData, InteractionData),
        "5.24.1": (m5241.InteractionData, m5241.InteractionActivityData),
        "2026": (m2026.InteractionData, m2026.InteractionActivityData),
    }[version]
    for event in result.events:
        assert event.api_version == version
        name = event.name.value
        if name == "ON_SAVE_ACTIVITY_RECORD":
            assert activity.model_validate(event.wire_args[0]).wire() == event.wire_args[0]
        elif name in {"ON_NEW_INTERACTION", "ON_INTERACTION_STATE_CHANGE"}:
            assert interaction.model_validate(event.wire_args[0]).wire() == event.wire_args[0]
        assert len(event.args) == len(event.wire_args)  # the handlers' models parse it


def test_a_later_payload_is_not_a_5_19_payload_and_back():
    sim, recorder = _ready("5.24.1")
    _answered_call(sim)
    payload = recorder.events[0].wire_args[0]
    with pytest.raises(ValueError):
        InteractionData.model_validate(payload)
    with pytest.raises(ValueError):
        m5241.InteractionData.model_validate(
            {**payload, "associatedObjects": {"list": [], "selected": None}}
        )


def test_selected_is_a_list_from_5_24_1():
    for version, expected in (("5.19", "0031"), ("5.24.1", ["0031"]), ("2026", ["0031"])):
        sim, recorder = _ready(version)
        iid = _answered_call(sim)
        record = {"id": "0031", "type": "Contact", "displayName": "Ann", "displayType": "Contact"}
        assert sim.add_interaction_associated_object(record, iid).ok
        assert recorder.events[-1].wire_args[0]["associatedObjects"]["selected"] == expected


def test_save_is_activity_data_with_the_converters_defaults():
    sim, recorder = _ready("5.24.1")
    iid = _answered_call(sim)
    assert sim.set_call_recording(True, iid).ok and sim.set_call_mute(True, iid).ok
    assert sim.leave_interaction(iid).ok and sim.complete_interaction(iid).ok
    removed = recorder.of(EventName.ON_INTERACTION_REMOVED)[-1].wire_args[0]
    saved = recorder.of(EventName.ON_SAVE_ACTIVITY_RECORD)[-1].wire_args[0]
    assert removed["callParties"] and removed["callRecording"]
    assert saved["callParties"] == [] and saved["chatParties"] == []
    assert saved["callMuted"] is False and saved["callRecording"] is False
    assert saved["subject"] == "" and "formValues" not in saved
    assert {k: v for k, v in saved.items() if k not in _DEPRECATED} == {
        k: v for k, v in removed.items() if k not in _DEPRECATED
    }


_DEPRECATED = {"callParties", "chatParties", "callMuted", "callRecording", "subject"}


def test_2026_adds_kind_internal_form_values_and_contact_name(tenant):
    sim, recorder = _ready("2026")
    iid = _answered_call(sim)
    new = recorder.of(EventName.ON_NEW_INTERACTION)[0].wire_args[0]
    assert new["interactionKind"] == "scenario" and new["internal"] is False
    name = new["callParties"][0]["name"]
    assert sim.set_disposition("Problem solved", iid).ok and sim.add_note("Called back", iid).ok
    assert sim.leave_interaction(iid).ok and sim.complete_interaction(iid).ok
    saved = recorder.of(EventName.ON_SAVE_ACTIVITY_RECORD)[-1].wire_args[0]
    assert saved["formValues"] == {"disposition": "Problem solved", "notes": "Called back"}
    assert saved["contactName"] == name
    outbound = sim.start_call("4155550100").data["id"]
    kinds = [e.wire_args[0]["interactionKind"] for e in recorder.of(EventName.ON_NEW_INTERACTION)]
    assert outbound and kinds[-1] == "outbound"


# ---------------------------------------------------------------------- events a version lacks


def test_an_event_a_version_lacks_is_never_fired_and_its_default_answer_stands():
    for version, fired in (("5.19", False), ("5.24.1", True)):
        sim = _sim(version)
        seen, answers = [], []
        sim.subscribe(lambda event, seen=seen: seen.append(event.name) or {"valid": False})
        event = sim.bus.emit(
            EventName.ON_VALIDATE_ASSOCIATED_RECORDS,
            sim.now_ms,
            ("X", {"list": [], "selected": []}),
            then=answers.append,
        )
        sim.bus.flush()
        assert (EventName.ON_VALIDATE_ASSOCIATED_RECORDS in seen) is fired
        assert answers == [{"valid": False}] if fired else [{"valid": True}]
        assert (event.seq > 0) is fired


@pytest.fixture
def host_for(request):
    made = []

    def make(version: str) -> tuple[Simulator, HandlerHost]:
        sim = _sim(version)
        host = HandlerHost(sim, timeout=WAIT, journal=Journal.open(":memory:"))
        made.append(host)
        return sim, host

    yield make
    for host in made:
        host.close(timeout=WAIT)
        host.journal.close()


def test_subscribing_to_an_event_the_version_lacks_is_a_load_error_naming_the_version(
    host_for, tmp_path
):
    plugin = tmp_path / "validator.py"
    plugin.write_text(
        "def register(ad_api):\n"
        "    ad_api.on('ON_VALIDATE_ASSOCIATED_RECORDS', lambda iid, records: {'valid': True})\n",
        encoding="utf-8",
    )
    _, host = host_for("5.19")
    [status] = host.load(plugin)
    assert not status.loaded
    assert status.error.startswith(f"{plugin}:2: ")
    assert "ON_VALIDATE_ASSOCIATED_RECORDS is not in adApi 5.19: it appeared in 5.24.1" in (
        status.error
    )
    _, later = host_for("5.24.1")
    [status] = later.load(plugin)
    assert status.loaded, status.error


def test_on_raises_the_version_error():
    api = AdApi(_sim("5.24.1"))
    with pytest.raises(EventNotInVersionError, match="appeared in 2026"):
        api.on("ON_SUMMARY_GENERATION_COMPLETED", print)


# ---------------------------------------------------------------------- methods


_CALLS = {
    "getInteractionsState": lambda api: api.get_interactions_state(),
    "setCallRecordingMute": lambda api: api.set_call_recording_mute(True),
    "activatePage": lambda api: api.activate_page(),
    "setDialCandidates": lambda api: api.set_dial_candidates([]),
    "openLogin": lambda api: api.open_login(),
    "login": lambda api: api.login(),
    "getChatTranscript": lambda api: api.get_chat_transcript(),
    "getVoiceTranscript": lambda api: api.get_voice_transcript(),
    "inviteToChatConference": lambda api: api.invite_to_chat_conference("2001"),
    "removeFromChatConference": lambda api: api.remove_from_chat_conference("2001"),
}


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("method", sorted(_CALLS))
def test_each_added_or_removed_method_answers_as_the_versions_widget(method, version):
    spec = METHODS[method]
    api = AdApi(_sim(version))
    result = _CALLS[method](api)
    has = ApiVersion(version).has(spec.since, spec.until)
    if not has or not spec.simulated:
        assert result.error.code == NOT_IMPLEMENTED, result
        assert result.error.name == "api_method_not_implemented"
    else:
        assert result.error is None or result.error.code != NOT_IMPLEMENTED, result


def test_every_later_method_is_in_the_table():
    later = {name for name, spec in METHODS.items() if spec.since != "5.19" or spec.until}
    assert later == set(_CALLS)


def test_open_login_logs_the_agent_in_and_login_is_gone_in_2026():
    sim = _sim("2026")
    api = AdApi(sim)
    assert api.login().error.message == "login was removed in adApi 2026 (use openLogin)"
    assert not sim.agent.logged_in
    assert api.open_login().ok
    assert sim.agent.logged_in
    assert api.open_login().error.code == ResultErrorCode.not_suitable_state


def test_get_interactions_state_returns_the_live_interactions_in_the_versions_shape():
    sim, _ = _ready("5.24.1")
    api = AdApi(sim)
    first = _answered_call(sim)
    queued = sim.offer_chat("Web Chat", None, "hello").data["id"]  # waits: the agent is busy
    assert sim.consult_call("2001").ok
    second = sim.active_interaction_id
    state = api.get_interactions_state()
    assert state.ok
    ids = [i["interactionId"] for i in state.data["interactions"]]
    assert ids == [first, second]
    assert state.data["activeInteractionId"] == sim.active_interaction_id
    m5241.InteractionsState.model_validate(state.data)
    sim.leave_interaction(first)
    sim.complete_interaction(first)
    live = [i["interactionId"] for i in api.get_interactions_state().data["interactions"]]
    assert first not in live and queued not in live


def test_set_call_recording_mute_mutes_the_recording_and_shows_in_the_payload():
    sim, recorder = _ready("5.24.1")
    iid = _answered_call(sim)
    refused = sim.set_call_recording_mute(True, iid)
    assert refused.error.code == ResultErrorCode.not_suitable_state  # nothing recorded yet
    assert sim.set_call_recording(True, iid).ok
    assert recorder.events[-1].wire_args[0]["callRecording"] is True
    assert sim.set_call_recording_mute(True, iid).ok
    changed = recorder.events[-1]
    assert changed.name is EventName.ON_INTERACTION_STATE_CHANGE
    assert changed.wire_args[0]["callRecording"] is False
    assert sim.interaction(iid).recording  # still recording, only muted
    assert sim.set_call_recording_mute(False, "all").ok
    assert recorder.events[-1].wire_args[0]["callRecording"] is True


# ---------------------------------------------------------------------- the SAVE answer (2026)


_SAVER = """
def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: {ANSWER})
"""


@pytest.mark.parametrize(
    ("version", "answer", "stored", "status"),
    [
        ("2026", '{"id": "00T5", "caseId": "C-9"}', {"id": "00T5", "caseId": "C-9"}, "ok"),
        ("2026", '{"record": 5}', None, "junk"),
        ("5.24.1", '{"id": "00T5"}', None, "ok"),
    ],
)
def test_the_save_handlers_activity_record_info_is_stored_in_2026(  # noqa: PLR0917
    host_for, tmp_path, version, answer, stored, status
):
    plugin = tmp_path / "saver.py"
    plugin.write_text(_SAVER.replace("{ANSWER}", answer), encoding="utf-8")
    sim, host = host_for(version)
    [loaded] = host.load(plugin)
    assert loaded.loaded, loaded.error
    assert sim.login().ok and sim.set_agent_state("ready").ok
    iid = _answered_call(sim)
    assert sim.leave_interaction(iid).ok
    host.settle(timeout=WAIT)
    assert sim.complete_interaction(iid).ok
    assert host.settle(timeout=WAIT)
    assert sim.activity_record_info(iid) == stored
    [saved] = [e for e in host.journal.events() if e.name == EventName.ON_SAVE_ACTIVITY_RECORD]
    assert saved.answer == stored  # journaled (2026), and nothing to journal before
    [outcome] = [o for o in host.outcomes if o.event_name == "ON_SAVE_ACTIVITY_RECORD"]
    assert outcome.status == status
    assert outcome.result == json.loads(answer)


# ---------------------------------------------------------------------- files and the CLI


def test_api_version_at_the_top_of_a_scenario():
    text = textwrap.dedent(
        """
        api_version: 2026
        steps:
          - call: Customer Support
          - expect: {event: ON_NEW_INTERACTION, payload: {interactionKind: scenario}}
        """
    )
    source = parse_scenario(text, "top.yaml")
    assert source.scenario.settings.api_version == "2026"
    assert ScenarioRunner(source).run().exit_code == 0


def test_api_version_disagreeing_with_settings_is_bad_input():
    text = "api_version: 2026\nsettings: {api_version: '5.24.1'}\nsteps: []\n"
    with pytest.raises(ScenarioFileError, match="disagree"):
        parse_scenario(text, "both.yaml")


def test_an_expectation_for_another_version_is_skipped_and_can_fail_in_its_own():
    text = textwrap.dedent(
        """
        steps:
          - call: Customer Support
          - expect:
              event: ON_NEW_INTERACTION
              api_version: "2026"
              payload: {interactionKind: outbound}
        """
    )
    source = parse_scenario(text, "kinds.yaml")
    assert ScenarioRunner(source).run().exit_code == 0  # 5.19: not checked
    later = replace(source, scenario=source.scenario.for_api_version("2026"))
    result = ScenarioRunner(later).run()
    assert result.exit_code == 1 and "interactionKind" in str(result.failures[0])


def test_a_key_only_in_other_versions_is_a_load_error():
    text = (
        "steps:\n  - call: Customer Support\n"
        "  - expect: {event: ON_NEW_INTERACTION, api_version: '5.19', payload: {internal: false}}\n"
    )
    with pytest.raises(ScenarioFileError, match=r"kinds.yaml:3:.*`internal` is not in"):
        parse_scenario(text, "kinds.yaml")


def test_schema_command_per_version(capsys):
    assert main(["schema", "--api-version", "2026"]) == 0
    assert capsys.readouterr().out == committed_schema("2026")
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == committed_schema("5.19")


def test_a_bad_api_version_is_one_line_and_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["run", str(LIBRARY[0]), "--api-version", "6"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--api-version: '6' is not an adApi version: use one of 5.19, 5.24.1, 2026" in err
    assert "Traceback" not in err


def test_run_generate_and_demo_take_the_version(tmp_path, capsys):
    out = tmp_path / "events.jsonl"
    path = str(ROOT / "fixtures" / "scenarios" / "chat.yaml")
    assert main(["run", path, "--api-version", "5.24.1", "--events-out", str(out)]) == 0
    first = json.loads(out.read_text("utf-8").splitlines()[0])
    assert all("chatParties" in json.loads(line)["args"][0]
               for line in out.read_text("utf-8").splitlines()
               if json.loads(line)["event"] == "ON_NEW_INTERACTION")  # fmt: skip
    assert first["event"].startswith("ON_")
    capsys.readouterr()
    assert main(["generate", "--count", "3", "--api-version", "2026"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(records) == 3 and all("contactName" in r for r in records)
    assert main(["demo", "--api-version", "5.24.1"]) == 0
    assert json.loads(capsys.readouterr().out)["associatedObjects"]["selected"] == []


# ---------------------------------------------------------------------- records validated


_RECORD = {"id": "0031", "type": "Contact", "displayName": "Ann", "displayType": "Contact"}


def _in_wrap_up_with_a_record(version: str) -> tuple[Simulator, EventRecorder, str]:
    sim, recorder = _ready(version)
    iid = _answered_call(sim)
    assert sim.add_interaction_associated_object(_RECORD, iid).ok
    assert sim.leave_interaction(iid).ok
    return sim, recorder, iid


def test_records_are_validated_before_completion_from_5_24_1():
    sim, recorder, iid = _in_wrap_up_with_a_record("5.24.1")
    assert sim.complete_interaction(iid).ok
    names = [e.name for e in recorder.events]
    asked = names.index(EventName.ON_VALIDATE_ASSOCIATED_RECORDS)
    assert asked < names.index(EventName.ON_SAVE_ACTIVITY_RECORD)
    event = recorder.events[asked]
    assert event.wire_args[0] == iid
    assert event.wire_args[1]["selected"] == ["0031"]
    assert event.wire_args[1]["list"][0]["id"] == "0031"
    assert sim.interaction(iid) is None  # the default answer {valid: true}: completed


def test_invalid_records_keep_the_interaction_in_wrap_up():
    sim, recorder, iid = _in_wrap_up_with_a_record("2026")
    notices = []
    sim.watch(notices.append)
    sim.subscribe(
        lambda e: (
            {"valid": False, "message": "link a case first"}
            if e.name is EventName.ON_VALIDATE_ASSOCIATED_RECORDS
            else None
        )
    )
    assert sim.complete_interaction(iid).ok
    assert sim.interaction(iid).state.value == "wrap_up"
    assert EventName.ON_SAVE_ACTIVITY_RECORD not in [e.name for e in recorder.events]
    assert [(n.kind, n.detail) for n in notices if n.kind == "records_invalid"] == [
        ("records_invalid", "link a case first")
    ]


def test_5_19_completes_without_asking():
    sim, recorder, iid = _in_wrap_up_with_a_record("5.19")
    assert sim.complete_interaction(iid).ok
    assert EventName.ON_VALIDATE_ASSOCIATED_RECORDS not in [e.name for e in recorder.events]
    assert sim.interaction(iid) is None


def test_completion_preconditions_still_answer_at_once():
    sim, recorder = _ready("5.24.1")
    iid = _answered_call(sim)
    assert sim.add_interaction_associated_object(_RECORD, iid).ok
    refused = sim.complete_interaction(iid)  # still talking: not in wrap-up
    assert refused.error.code == ResultErrorCode.not_suitable_state
    assert EventName.ON_VALIDATE_ASSOCIATED_RECORDS not in [e.name for e in recorder.events]


# ---------------------------------------------------------------------- a scenario's CRM pop


def test_a_scenario_crm_pop_asks_for_the_record_info_from_5_24_1():
    sim, recorder = _ready("5.24.1")
    iid = _answered_call(sim)
    answered = {**_RECORD, "customFields": {"tier": "gold"}}
    sim.subscribe(lambda e: answered if e.name is EventName.ON_REQUEST_RECORD_INFO else None)
    assert sim.pop_crm_record("0031", "Contact", iid).ok
    names = [e.name for e in recorder.events]
    asked = names.index(EventName.ON_REQUEST_RECORD_INFO)
    assert recorder.events[asked].wire_args == ({"id": "0031", "type": "Contact"},)
    opened = recorder.of(EventName.ON_OPEN_RECORD)[-1]
    assert names.index(EventName.ON_OPEN_RECORD) > asked
    assert opened.wire_args == (answered, iid, {"inNewTab": False, "source": "scenario"})
    [record] = sim.interaction(iid).associated
    assert record["source"] == "scenario" and record["customFields"] == {"tier": "gold"}
    assert recorder.of(EventName.ON_INTERACTION_STATE_CHANGE)[-1].wire_args[0]["associatedObjects"][
        "selected"
    ] == ["0031"]


def test_a_record_nobody_knows_is_not_opened():
    sim, recorder = _ready("2026")
    iid = _answered_call(sim)
    notices = []
    sim.watch(notices.append)
    assert sim.pop_crm_record("404", "Case", iid).ok  # no handler: the default answer, null
    assert EventName.ON_REQUEST_RECORD_INFO in [e.name for e in recorder.events]
    assert not recorder.of(EventName.ON_OPEN_RECORD)
    assert sim.interaction(iid).associated == []
    assert [(n.kind, n.detail) for n in notices] == [("record_not_found", "Case 404")]


def test_5_19_opens_the_popped_record_without_asking():
    sim, recorder = _ready("5.19")
    iid = _answered_call(sim)
    assert sim.pop_crm_record("0031", "Contact", iid).ok
    assert EventName.ON_REQUEST_RECORD_INFO not in [e.name for e in recorder.events]
    opened = recorder.of(EventName.ON_OPEN_RECORD)[-1].wire_args[0]
    assert opened == {
        "id": "0031",
        "type": "Contact",
        "displayName": "0031",
        "displayType": "Contact",
        "customFields": {},
    }


def test_demo_shows_the_2026_save_answer(tmp_path, capsys):
    plugin = tmp_path / "saver.py"
    plugin.write_text(_SAVER.replace("{ANSWER}", '{"id": "00T-1"}'), encoding="utf-8")
    assert main(["demo", "--api-version", "2026", "--handler", str(plugin)]) == 0
    assert 'ActivityRecordInfo {"id": "00T-1"}' in capsys.readouterr().err
    assert main(["demo", "--api-version", "5.24.1", "--handler", str(plugin)]) == 0
    assert "ActivityRecordInfo" not in capsys.readouterr().err  # 5.24.1 does not ask
