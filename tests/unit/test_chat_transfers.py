"""Chat conferences and chat transfers between simulated desktops (issue 15, chats)."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.contract import EventName, ResultErrorCode
from simulator.data import load_tenant
from simulator.engine import EventRecorder, Settings, Simulator
from simulator.handlers import AdApi
from simulator.scenarios import ScenarioRunner, load_scenario

Code = ResultErrorCode
ROOT = Path(__file__).resolve().parents[2]


def _two(settings: Settings | None = None, **chat):
    """Jane in a connected customer chat (accepted 10 s ago, two lines), Omar logged in."""
    sim = Simulator(load_tenant(), seed=9, settings=settings or Settings(chat_parties="emit"))
    omar = sim.center.add_agent("omar")
    rec = {"jane": EventRecorder(), "omar": EventRecorder()}
    sim.subscribe(rec["jane"])
    omar.subscribe(rec["omar"])
    for desk in (sim, omar):
        desk.login()
    sim.set_agent_state("ready")
    started = sim.offer_chat("Web Chat", {"first_name": "Ana", "last_name": "Ruiz"}, "Hi")
    assert sim.accept_interaction(started.data["id"]).ok
    omar.set_agent_state("ready")
    sim.add_interaction_associated_object(
        {"id": "C-1", "type": "Case", "displayName": "Case 1", "displayType": "Case"}
    )
    assert sim.send_chat_message("Let me ask a colleague").ok
    sim.advance(10)
    for recorder in rec.values():
        recorder.clear()
    return sim, omar, rec, sim.interaction(started.data["id"])


def _lines(inter) -> list[tuple[str, str]]:
    return [(line.sender, line.text) for line in inter.transcript]


def test_a_chat_blind_transfer_lands_on_the_colleagues_desktop():
    jane, omar, rec, chat = _two()
    assert jane.blind_transfer("1002", {"caseId": "42"}).ok
    # Jane's side: Omar joins the parties, then she leaves (wrap-up: the service has ACW).
    assert rec["jane"].names() == [
        "ON_INTERACTION_STATE_CHANGE",
        "ON_INTERACTION_STATE_CHANGE",
        "ON_AGENT_STATE_CHANGE",
    ]
    joined, left = (e.wire_args[0] for e in rec["jane"].of("ON_INTERACTION_STATE_CHANGE"))
    assert joined["state"] == "delivered"
    assert [p["name"] for p in joined["chatParties"]] == ["Ana Ruiz", "Omar Haddad"]
    assert left["state"] == "wrap_up"
    assert rec["jane"].of("ON_AGENT_STATE_CHANGE")[0].wire_args[0] == "after_call_work"
    # Omar's side: an offer of his own, then the transfer data once.
    assert rec["omar"].names() == [
        "ON_NEW_INTERACTION",
        "ON_AGENT_STATE_CHANGE",
        "ON_ACTIVE_INTERACTION_SWITCHED",
        "ON_LOAD_TRANSFER_DATA",
        "ON_INTERACTION_STATE_CHANGE",  # Jane has left the chat
    ]
    (item,) = omar.interactions
    new = rec["omar"].of("ON_NEW_INTERACTION")[0].wire_args[0]
    assert new["interactionId"] == item.id != chat.id
    assert new["globalInteractionId"] == chat.global_interaction_id
    assert new["type"] == "chat" and new["state"] == "delivery_pending"
    assert new["service"] == "Web Chat" and new["email"] == chat.email
    assert "origination" not in new
    assert [(p["type"], p["name"]) for p in new["chatParties"]] == [
        ("external", "Ana Ruiz"),
        ("internal", "Jane Agent"),
    ]
    assert new["chatParties"][0]["id"] == chat.chat_parties[0]["id"]  # the same chat party
    assert new["associatedObjects"]["list"][0]["id"] == "C-1"
    assert rec["omar"].of("ON_LOAD_TRANSFER_DATA")[0].wire_args == (item.id, {"caseId": "42"})
    gone = rec["omar"].of("ON_INTERACTION_STATE_CHANGE")[0].wire_args[0]
    assert [p["name"] for p in gone["chatParties"]] == ["Ana Ruiz"]
    # The lines so far came along; later lines reach Omar alone.
    assert _lines(item) == [("customer", "Hi"), ("agent", "Let me ask a colleague")]
    assert omar.accept_interaction(item.id).ok
    assert omar.customer_message("Still there?", item.id).ok
    assert _lines(item)[-1] == ("customer", "Still there?")
    assert _lines(chat)[-1] == ("agent", "Let me ask a colleague")


def test_each_side_saves_its_own_record_once():
    jane, omar, rec, chat = _two()
    jane.blind_transfer("1002", {"caseId": "42"})
    (item,) = omar.interactions
    omar.accept_interaction(item.id)
    jane.advance(30)
    assert jane.complete_interaction(chat.id).ok
    omar.leave_interaction(item.id)
    assert omar.complete_interaction(item.id).ok
    jane.advance(120)
    (mine,) = rec["jane"].of("ON_SAVE_ACTIVITY_RECORD")
    (his,) = rec["omar"].of("ON_SAVE_ACTIVITY_RECORD")
    assert mine.wire_args[0]["interactionId"] == chat.id
    assert his.wire_args[0]["interactionId"] == item.id
    assert mine.wire_args[0]["duration"] == 10
    assert his.wire_args[0]["duration"] == 30
    assert len(rec["jane"].of("ON_INTERACTION_REMOVED")) == 1
    assert len(rec["omar"].of("ON_INTERACTION_REMOVED")) == 1
    assert jane.get_agent_state().data["state"] == "ready"
    assert omar.get_agent_state().data["state"] == "ready"


def test_transfer_data_round_trip_on_a_chat():
    jane, omar, rec, chat = _two()
    asked = []

    def answer(event):
        if event.name is EventName.ON_REQUEST_TRANSFER_DATA:
            asked.append(event.wire_args)
            event.response.answer({"crmCaseId": "500X", "attempt": 2, "vip": True})

    jane.subscribe(answer)
    assert jane.blind_transfer("1002").ok
    assert asked == [(chat.id,)]
    (item,) = omar.interactions
    (loaded,) = rec["omar"].of("ON_LOAD_TRANSFER_DATA")
    assert loaded.wire_args == (item.id, {"crmCaseId": "500X", "attempt": 2, "vip": True})
    names = rec["omar"].names()
    assert names.index("ON_NEW_INTERACTION") < names.index("ON_LOAD_TRANSFER_DATA")


def test_nested_transfer_data_is_refused_and_nothing_changes():
    jane, omar, rec, chat = _two()
    result = jane.blind_transfer("1002", {"case": {"id": 1}})
    assert result.error.code == Code.invalid_args
    result = jane.invite_to_chat_conference("1002", custom_transfer_data={"case": [1]})
    assert result.error.code == Code.invalid_args
    assert chat.state.value == "delivered" and len(chat.chat_parties) == 1
    assert omar.interactions == [] and len(rec["jane"]) == 0 and len(rec["omar"]) == 0


@pytest.mark.parametrize(
    ("to", "code"),
    [
        ("1001", Code.self_call),
        ("9999", Code.object_not_found),
        ("Customer Support", Code.no_chat_in_service),
        ("", Code.empty_number),
    ],
)
def test_a_chat_transfer_to_nowhere_is_refused(to, code):
    jane, omar, rec, chat = _two()
    expected = Code.invalid_args if to == "" else code
    assert jane.blind_transfer(to).error.code == expected
    assert chat.state.value == "delivered" and omar.interactions == []
    assert len(rec["jane"]) == 0


def test_chat_transfer_refusals_in_the_wrong_state():
    jane, omar, rec, chat = _two()
    pending = jane.offer_chat("Web Chat", None, "Hello?").data["id"]
    rec["jane"].clear()
    assert jane.blind_transfer("1002", None, pending).error.code == Code.not_suitable_state
    assert jane.consult_call("1002").error.code == Code.not_suitable_state
    assert jane.transfer().error.code == Code.not_suitable_state
    assert jane.invite_to_chat_conference("1002", chat.id).ok
    assert jane.blind_transfer("1002", None, chat.id).error.code == Code.not_suitable_state
    assert jane.invite_to_chat_conference("1002", chat.id).error.code == Code.not_suitable_state
    jane.leave_interaction(chat.id)
    assert chat.state.value == "wrap_up"
    assert jane.blind_transfer("1002", None, chat.id).error.code == Code.not_suitable_state
    before = len(rec["jane"])
    assert jane.invite_to_chat_conference("2001", chat.id).error.code == Code.not_suitable_state
    assert len(rec["jane"]) == before and len(omar.interactions) == 1


def test_an_email_is_not_transferred():
    sim = Simulator(load_tenant(), seed=3)
    sim.center.add_agent("omar").login()
    sim.login()
    sim.set_agent_state("ready")
    iid = sim.offer_email("Email Support").data["id"]
    sim.accept_interaction(iid)
    assert sim.blind_transfer("1002", None, iid).error.code == Code.not_suitable_state
    assert sim.interaction(iid).state.value == "delivered"


def test_invite_then_leave_is_a_transfer_and_lines_reach_both_meanwhile():
    jane, omar, rec, chat = _two()
    assert jane.invite_to_chat_conference("1002", custom_transfer_data={"k": "v"}).ok
    (item,) = omar.interactions
    assert rec["omar"].of("ON_LOAD_TRANSFER_DATA")[0].wire_args == (item.id, {"k": "v"})
    assert omar.accept_interaction(item.id).ok
    assert jane.customer_message("Hello both", chat.id).ok
    assert omar.send_chat_message("Omar here", item.id).ok
    assert _lines(chat)[-2:] == [("customer", "Hello both"), ("agent", "Omar here")]
    assert _lines(item)[-2:] == [("customer", "Hello both"), ("agent", "Omar here")]
    assert jane.leave_interaction(chat.id).ok
    assert item.state.value == "delivered"
    assert [p["name"] for p in item.chat_parties] == ["Ana Ruiz"]
    assert omar.customer_message("Thanks", item.id).ok
    assert _lines(chat)[-1] == ("agent", "Omar here")


def test_the_colleague_leaving_drops_them_from_the_hosts_parties():
    jane, omar, rec, chat = _two()
    jane.invite_to_chat_conference("1002")
    (item,) = omar.interactions
    omar.accept_interaction(item.id)
    assert omar.leave_interaction(item.id).ok
    assert [p["name"] for p in chat.chat_parties] == ["Ana Ruiz"]
    assert chat.state.value == "delivered" and item.state.value == "wrap_up"
    assert rec["jane"].of("ON_INTERACTION_STATE_CHANGE")[-1].wire_args[0]["chatParties"] == [
        chat.chat_parties[0]
    ]


def test_the_host_removing_the_colleague_ends_their_chat():
    jane, omar, _rec, chat = _two()
    jane.invite_to_chat_conference("1002")
    (item,) = omar.interactions
    omar.accept_interaction(item.id)
    assert jane.remove_from_chat_conference("1002").ok
    assert item.state.value == "wrap_up" and chat.state.value == "delivered"
    assert omar.send_chat_message("anyone?", item.id).error.code == Code.not_suitable_state


def test_the_customer_leaving_ends_the_chat_on_every_desktop():
    jane, omar, _rec, chat = _two()
    jane.invite_to_chat_conference("1002")
    (item,) = omar.interactions
    omar.accept_interaction(item.id)
    assert omar.customer_hang_up(item.id).ok
    assert chat.state.value == "wrap_up" and item.state.value == "wrap_up"


def test_a_colleague_who_rejects_or_rings_out_leaves_the_parties():
    jane, omar, rec, chat = _two()
    jane.invite_to_chat_conference("1002")
    (item,) = omar.interactions
    assert omar.reject_interaction(item.id).ok
    assert [p["name"] for p in chat.chat_parties] == ["Ana Ruiz"]
    assert jane.invite_to_chat_conference("1002").ok
    (again,) = omar.interactions
    jane.advance(10)  # the chat offer timeout (Connect Chat's 10 s)
    assert omar.interaction(again.id) is None
    assert omar.get_agent_state().data == {
        "state": "not_ready",
        "notReadyReason": jane.tenant.no_answer_reason,
        "reservedForIncomingInteraction": False,
    }
    assert [p["name"] for p in chat.chat_parties] == ["Ana Ruiz"]
    assert len(rec["omar"].of("ON_SAVE_ACTIVITY_RECORD")) == 2


def test_a_chat_transfer_to_a_chat_service_is_routed_again_never_back():
    jane, omar, rec, chat = _two()
    assert jane.blind_transfer("Web Chat", {"topic": "billing"}).ok
    assert chat.state.value == "wrap_up"
    (item,) = omar.interactions
    assert item.global_interaction_id == chat.global_interaction_id and item.id != chat.id
    assert _lines(item) == [("customer", "Hi"), ("agent", "Let me ask a colleague")]
    assert rec["omar"].of("ON_LOAD_TRANSFER_DATA")[0].wire_args == (item.id, {"topic": "billing"})
    # Omar rejects: nobody else may take it (Jane declined it by sending it on): dropped.
    omar.reject_interaction(item.id)
    assert jane.interactions == [chat] and jane.queued == []


def test_a_chat_the_agent_started_cannot_go_to_a_service():
    sim = Simulator(load_tenant(), seed=3)
    sim.center.add_agent("omar").login()
    sim.login()
    sim.set_service("Web Chat")
    iid = sim.start_chat("sms", "+14155550134").data["id"]
    sim.advance(1)
    assert sim.blind_transfer("Web Chat", None, iid).error.code == Code.not_suitable_state
    assert sim.blind_transfer("1002", {"a": 1}, iid).ok
    assert sim.center.agent("omar").interactions[0].phone_number == "14155550134"


def _api_blind_transfer(desk, to: str, data: dict | None) -> bool:
    """``adApi.blindTransfer`` as a handler calls it (the host marks a handler's call)."""
    desk.handler_calls += 1
    try:
        return AdApi(desk).blind_transfer(to, data).ok
    finally:
        desk.handler_calls -= 1


def test_the_api_on_a_chat_answers_success_and_sends_nothing_as_the_vendors_2024_widget():
    jane, omar, rec, chat = _two(Settings(chat_parties="emit"))
    seen = []
    jane.watch(seen.append)
    assert _api_blind_transfer(jane, "1002", {"a": 1})
    assert chat.state.value == "delivered" and omar.interactions == []
    assert len(rec["jane"]) == 0 and len(rec["omar"]) == 0
    assert [(n.kind, n.detail) for n in seen] == [("transfer_ignored", "1002")]


def test_the_api_transfers_a_chat_as_the_desktop_does_when_the_setting_says_so():
    jane, omar, _rec, chat = _two(Settings(chat_parties="emit", chat_blind_transfer="transfer"))
    assert _api_blind_transfer(jane, "1002", {"a": 1})
    assert chat.state.value == "wrap_up" and len(omar.interactions) == 1


def test_the_desktops_blind_transfer_of_a_chat_transfers_it_whatever_the_setting():
    jane, omar, _rec, chat = _two(Settings(chat_parties="emit", chat_blind_transfer="no_effect"))
    assert jane.blind_transfer("1002", {"a": 1}).ok
    assert chat.state.value == "wrap_up" and len(omar.interactions) == 1


def test_a_colleague_not_simulated_only_joins_the_parties():
    jane, omar, rec, chat = _two()
    assert jane.blind_transfer("2001").ok  # Priya: in the directory, not simulated
    assert [p["name"] for p in chat.chat_parties] == ["Ana Ruiz", "Priya Nair"]
    assert chat.state.value == "wrap_up" and omar.interactions == []
    assert rec["jane"].of("ON_REQUEST_TRANSFER_DATA") == []


def test_the_api_path_invite_and_leave_from_a_handlers_adapi_carries_no_data():
    settings = Settings(api_version="5.24.1", transfer_data_request="desktop_only")
    jane, omar, rec, chat = _two(settings)
    jane.on("ON_REQUEST_TRANSFER_DATA", lambda iid: {"never": True})
    api = AdApi(jane)
    jane.handler_calls += 1  # as the handler host marks a handler's adApi call
    try:
        assert api.invite_to_chat_conference("1002").ok
        assert api.leave_interaction().ok
    finally:
        jane.handler_calls -= 1
    (item,) = omar.interactions
    assert item.global_interaction_id == chat.global_interaction_id
    assert rec["jane"].of("ON_REQUEST_TRANSFER_DATA") == []  # the API carries no data
    assert rec["omar"].of("ON_LOAD_TRANSFER_DATA") == []
    assert chat.state.value == "wrap_up" and item.state.value == "delivery_pending"
    # The desktop's own invite (a step, the window) asks, as the widget's buttons do.
    omar.accept_interaction(item.id)
    omar.on("ON_REQUEST_TRANSFER_DATA", lambda iid: {"from": "omar"})
    assert omar.invite_to_chat_conference("1001", item.id).ok
    (back,) = jane.interactions[-1:]
    assert rec["jane"].of("ON_LOAD_TRANSFER_DATA")[-1].wire_args == (back.id, {"from": "omar"})


@pytest.mark.parametrize("name", ["chat_transfer_to_colleague", "chat_conference_with_colleague"])
def test_the_fixture_scenarios_run_green(name):
    source = load_scenario(ROOT / "fixtures" / "scenarios" / f"{name}.yaml")
    result = ScenarioRunner(source).run()
    assert result.passed, result


def test_the_conference_step_invites_to_a_chat():
    from simulator.scenarios import parse_scenario

    text = """
name: conference on a chat
seed: 5
agents: [omar]
steps:
  - chat: {service: Web Chat, message: Hi}
    as: c
  - accept
  - conference: {invite: "1002", data: {x: "1"}}
  - expect: {by: omar, event: ON_LOAD_TRANSFER_DATA, args: [{interaction: c}, {x: "1"}]}
  - accept:
    by: omar
  - conference: {remove: "1002"}
  - expect: {by: omar, state: wrap_up, on: c}
  - expect: {state: delivered, on: c}
"""
    result = ScenarioRunner(parse_scenario(text, "inline.yaml")).run()
    assert result.passed, result


def test_a_recorded_chat_transfer_replays_byte_for_byte():
    from simulator.scenarios import parse_scenario, record_session

    sim = Simulator(load_tenant(), seed=6, settings=Settings(chat_parties="emit"))
    omar = sim.center.add_agent("omar")
    recorder = EventRecorder()
    for desk in (sim, omar):
        desk.subscribe(recorder)
    for desk in (sim, omar):
        desk.login()
        desk.set_agent_state("ready")
    chat = sim.offer_chat("Web Chat", None, "Hi").data["id"]
    sim.accept_interaction(chat)
    sim.advance(5)
    sim.invite_to_chat_conference("1002", custom_transfer_data={"k": "v"})
    omar.accept_interaction()
    sim.advance(5)
    sim.customer_message("Both of you?", chat)
    sim.leave_interaction(chat)
    omar.blind_transfer("1001", {"back": True})
    sim.advance(3)
    text = record_session(sim)
    assert "conference:" in text and "not replayable" not in text
    result = ScenarioRunner(parse_scenario(text, "recorded.yaml")).run()
    assert result.error is None and result.failures == []
    assert result.jsonl() == recorder.jsonl()


@pytest.mark.parametrize("name", ["chat_transfer_to_colleague", "chat_conference_with_colleague"])
def test_the_chat_fixture_recorded_replays_to_the_same_events(name):
    from simulator.scenarios import parse_scenario, record_session

    runner = ScenarioRunner(load_scenario(ROOT / f"fixtures/scenarios/{name}.yaml"))
    original = runner.run()
    assert original.error is None and original.failures == []
    replay = ScenarioRunner(parse_scenario(record_session(runner.sim), "recorded.yaml")).run()
    assert replay.jsonl() == original.jsonl()


def test_the_colleague_removing_the_inviter_ends_the_inviters_chat():
    jane, omar, _rec, chat = _two()
    jane.invite_to_chat_conference("1002")
    (item,) = omar.interactions
    omar.accept_interaction(item.id)
    assert omar.remove_from_chat_conference("1001", item.id).ok
    assert chat.state.value == "wrap_up" and item.state.value == "delivered"
    assert [p["name"] for p in item.chat_parties] == ["Ana Ruiz"]
    assert omar.customer_message("only Omar now", item.id).ok
    assert _lines(chat)[-1] != ("customer", "only Omar now")


def test_a_line_that_is_not_text_is_invalid_args_not_a_crash():
    jane, _omar, rec, chat = _two()
    assert jane.customer_message(42, chat.id).error.code == Code.invalid_args
    assert jane.send_chat_message(None, chat.id).error.code == Code.invalid_args
    assert _lines(chat) == [("customer", "Hi"), ("agent", "Let me ask a colleague")]
    assert len(rec["jane"]) == 0


def test_a_session_recorded_from_a_colleagues_desktop_is_the_centers():
    """The window's File → Save session as scenario on Omar's desktop (the agent switcher's
    second tab) made Omar the scenario's own agent and listed Jane under `agents:`; the
    replay logged the tenant's agent (Jane) in twice and stopped: `login` refused,
    `already logged in`. The session is the center's, whichever desktop saves it."""
    from simulator.scenarios import parse_scenario, record_session

    sim = Simulator(load_tenant(), seed=6)
    omar = sim.center.add_agent("omar")
    recorder = EventRecorder()
    for desk in (sim, omar):
        desk.subscribe(recorder)
    for desk in (omar, sim):
        desk.login()
        desk.set_agent_state("ready")
    sim.offer_call("Customer Support")
    sim.advance(2)
    ringing = omar if omar.interactions else sim
    ringing.accept_interaction()
    ringing.leave_interaction()
    ringing.complete_interaction()
    sim.advance(3)
    text = record_session(omar)
    assert text == record_session(sim)
    result = ScenarioRunner(parse_scenario(text, "recorded.yaml")).run()
    assert result.error is None and result.failures == []
    assert result.jsonl() == recorder.jsonl()
