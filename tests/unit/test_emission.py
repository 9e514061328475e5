"""Event emission by reference 6.1 (confirmed rules) and 6.3 (the simulator's documented order)."""

from __future__ import annotations

import itertools

import pytest

from simulator.contract import EventName, ResultErrorCode
from simulator.engine import EventRecorder, Settings, Simulator

E = EventName


def _names(recorder: EventRecorder) -> list[str]:
    return recorder.names()


def test_login_emits_on_login_then_the_initial_state(sim, recorder):
    sim.login()
    assert _names(recorder) == ["ON_LOGIN", "ON_AGENT_STATE_CHANGE"]
    login = recorder.events[0].wire_args[0]
    assert login["isLoggedIn"] is True
    assert login["agentId"] == sim.tenant.agent.id
    assert login["username"] == sim.tenant.agent.login_id
    assert login["sessionId"]
    assert recorder.events[1].wire_args == ("not_ready",)


def test_logout_emits_on_logout_with_no_arguments(ready, recorder):
    ready.logout()
    assert _names(recorder) == ["ON_LOGOUT"]
    assert recorder.events[0].wire_args == ()


def test_inbound_call_with_acw_full_order(ready, recorder):
    iid = ready.offer_call("Customer Support").data["id"]
    ready.advance(3)
    ready.accept_interaction()
    ready.set_call_hold(True)
    ready.set_call_hold(False)
    ready.set_call_mute(True)
    ready.set_call_recording(True)
    ready.advance(120)
    ready.leave_interaction()
    ready.set_disposition("Problem solved")
    ready.add_note("first")
    ready.complete_interaction()
    assert _names(recorder) == [
        "ON_NEW_INTERACTION",
        "ON_AGENT_STATE_CHANGE",  # busy
        "ON_ACTIVE_INTERACTION_SWITCHED",
        "ON_INTERACTION_STATE_CHANGE",  # delivered
        "ON_WEB_SCREEN_POP_CUSTOM",  # the service pops on answer
        "ON_INTERACTION_STATE_CHANGE",  # hold
        "ON_INTERACTION_STATE_CHANGE",  # delivered
        "ON_INTERACTION_STATE_CHANGE",  # muted
        "ON_INTERACTION_STATE_CHANGE",  # recording
        "ON_INTERACTION_STATE_CHANGE",  # wrap_up
        "ON_AGENT_STATE_CHANGE",  # after_call_work
        "ON_INTERACTION_STATE_CHANGE",  # disposition
        "ON_INTERACTION_STATE_CHANGE",  # description
        "ON_INTERACTION_STATE_CHANGE",  # completed
        "ON_INTERACTION_REMOVED",
        "ON_SAVE_ACTIVITY_RECORD",
        "ON_ACTIVE_INTERACTION_SWITCHED",  # null
        "ON_AGENT_STATE_CHANGE",  # ready
    ]
    states = [e.wire_args[0]["state"] for e in recorder.of(E.ON_INTERACTION_STATE_CHANGE)]
    assert states == ["delivered", "hold", "delivered", "delivered", "delivered", "wrap_up",
                      "wrap_up", "wrap_up", "completed"]  # fmt: skip
    agent = [e.wire_args for e in recorder.of(E.ON_AGENT_STATE_CHANGE)]
    assert agent == [("busy",), ("after_call_work",), ("ready",)]
    active = [e.wire_args[0] for e in recorder.of(E.ON_ACTIVE_INTERACTION_SWITCHED)]
    assert active == [iid, None]
    assert all(e.interaction_id == iid for e in recorder.of(E.ON_INTERACTION_STATE_CHANGE))


def test_state_change_only_when_the_payload_changes(ready, recorder):
    ready.offer_call("Customer Support")
    ready.accept_interaction()
    recorder.clear()
    assert ready.set_call_mute(False).ok  # already unmuted: nothing changes
    assert ready.set_call_recording(False).ok
    assert ready.send_dtmf("123#").ok  # DTMF is not in InteractionData
    assert ready.switch_active_interaction(ready.active_interaction_id).ok
    assert recorder.events == []
    ready.set_call_mute(True)
    ready.set_call_mute(True)
    assert _names(recorder) == ["ON_INTERACTION_STATE_CHANGE"]


def test_every_state_change_differs_from_the_previous_payload(ready, recorder):
    iid = ready.offer_call("Sales").data["id"]
    ready.accept_interaction()
    for step in (
        lambda: ready.set_call_mute(True),
        lambda: ready.set_call_mute(False),
        lambda: ready.invite_to_call_conference("2001", {"x": 1}),
        lambda: ready.set_variable("case", "77"),
        lambda: ready.set_disposition("Product sold"),
        lambda: ready.set_disposition("Product sold"),
        lambda: ready.add_note("one"),
        lambda: ready.update_note("one, edited"),
    ):
        step()
    payloads = [e.wire_args[0] for e in recorder.events if e.interaction_id == iid
                and e.name in (E.ON_NEW_INTERACTION, E.ON_INTERACTION_STATE_CHANGE)]  # fmt: skip
    for before, after in itertools.pairwise(payloads):
        assert before != after


def test_removed_then_save_exactly_once_and_identical(ready, recorder):
    iid = ready.offer_call("Customer Support").data["id"]
    ready.accept_interaction()
    ready.customer_hang_up()
    ready.complete_interaction()
    removed = recorder.of(E.ON_INTERACTION_REMOVED)
    saved = recorder.of(E.ON_SAVE_ACTIVITY_RECORD)
    assert len(removed) == len(saved) == 1
    assert removed[0].seq + 1 == saved[0].seq
    assert removed[0].wire_args == saved[0].wire_args
    assert saved[0].wire_args[0]["interactionId"] == iid
    assert saved[0].wire_args[0]["state"] == "completed"


def test_completed_state_change_can_be_switched_off(tenant):
    sim = Simulator(tenant, seed=1, settings=Settings(emit_completed_state=False))
    recorder = EventRecorder()
    sim.subscribe(recorder)
    sim.login()
    sim.set_agent_state("ready")
    sim.offer_call("Customer Support")
    sim.accept_interaction()
    sim.leave_interaction()
    sim.complete_interaction()
    states = [e.wire_args[0]["state"] for e in recorder.of(E.ON_INTERACTION_STATE_CHANGE)]
    assert "completed" not in states
    assert recorder.records()[0]["state"] == "wrap_up"


def test_missed_call_sends_agent_not_ready_no_answer(ready, recorder):
    ready.offer_call("Customer Support")
    ready.advance(19.999)
    assert recorder.of(E.ON_INTERACTION_REMOVED) == []
    ready.advance(0.001)
    assert _names(recorder)[-5:] == [
        "ON_INTERACTION_STATE_CHANGE",
        "ON_INTERACTION_REMOVED",
        "ON_SAVE_ACTIVITY_RECORD",
        "ON_ACTIVE_INTERACTION_SWITCHED",
        "ON_AGENT_STATE_CHANGE",
    ]
    assert recorder.events[-1].wire_args == ("not_ready", "No Answer")
    record = recorder.records()[0]
    assert "startTime" not in record
    assert "endTime" not in record
    assert "duration" not in record


def test_rejected_call_is_removed_and_agent_returns_to_ready(ready, recorder):
    ready.offer_call("Customer Support")
    ready.reject_interaction()
    assert len(recorder.records()) == 1
    assert recorder.events[-1].wire_args == ("ready",)


def test_service_without_acw_goes_straight_to_removal_without_end_time(ready, recorder):
    ready.offer_call("IT Helpdesk")
    ready.accept_interaction()
    ready.advance(42)
    ready.leave_interaction()
    states = [e.wire_args[0]["state"] for e in recorder.of(E.ON_INTERACTION_STATE_CHANGE)]
    assert "wrap_up" not in states
    record = recorder.records()[0]
    assert "startTime" in record
    assert "endTime" not in record
    assert "duration" not in record
    assert [e.wire_args for e in recorder.of(E.ON_AGENT_STATE_CHANGE)] == [("busy",), ("ready",)]


def test_outbound_call_order_and_fields(ready, recorder):
    iid = ready.start_call("(415) 555-0134").data["id"]
    assert iid == iid.lower()  # client-side uuid v4
    new = recorder.of(E.ON_NEW_INTERACTION)[0].wire_args[0]
    assert new["state"] == "unknown"
    assert new["callDirection"] == "outbound"
    assert new["origination"] == "integration-api"
    assert new["DNIS"] == "14155550134"
    assert new["phoneNumber"] == "14155550134"
    assert new["ANI"] == "14155550100"  # the selected DID
    assert "globalInteractionId" not in new
    ready.advance(1)  # scenario data arrives: GIID, with the state unchanged
    arrived = recorder.of(E.ON_INTERACTION_STATE_CHANGE)[-1].wire_args[0]
    assert arrived["state"] == "unknown"
    assert arrived["globalInteractionId"]
    ready.advance(3)  # the far end answers after 4 s
    answered = recorder.of(E.ON_INTERACTION_STATE_CHANGE)[-1].wire_args[0]
    assert answered["state"] == "delivered"
    assert answered["startTime"] == ready.settings.start_time_ms + 4000


def test_unanswered_outbound_call_goes_to_wrap_up_without_start(tenant):
    sim = Simulator(tenant, seed=2, settings=Settings(outbound_answer_seconds=None))
    recorder = EventRecorder()
    sim.subscribe(recorder)
    sim.login()
    sim.start_call("+14155550134")
    sim.advance(30)
    inter = sim.interactions[0]
    assert inter.state.value == "wrap_up"
    assert inter.start_ms is None
    sim.set_disposition("Left voicemail")
    sim.complete_interaction()
    record = recorder.records()[0]
    assert "startTime" not in record
    assert "duration" not in record
    assert record["endTime"] == sim.settings.start_time_ms + 30_000
    assert record["disposition"] == "Left voicemail"
    # started from not ready: back to not ready
    assert recorder.events[-1].wire_args == ("not_ready",)


def test_consult_transfer(ready, recorder):
    main = ready.offer_call("Customer Support").data["id"]
    ready.accept_interaction()
    consult = ready.consult_call("2001").data["id"]
    assert ready.interaction(main).state.value == "hold"
    assert ready.active_interaction_id == consult
    assert ready.transfer().error.code == ResultErrorCode.not_suitable_state
    ready.advance(4)
    assert ready.interaction(consult).state.value == "delivered"
    party = ready.interaction(consult).parties[0]
    assert party.user_id == "5B6C7D8E-4444-4A2B-9C3D-4E5F6A7B8C94"
    assert ready.transfer().ok
    names = _names(recorder)
    assert "ON_REQUEST_TRANSFER_DATA" in names
    assert ready.interaction(main).state.value == "wrap_up"
    assert ready.interaction(consult).state.value == "wrap_up"
    assert ready.agent.phase.value == "after_call_work"


def test_transfer_data_answer_is_kept(ready):
    ready.on("ON_REQUEST_TRANSFER_DATA", lambda iid: {"caseId": "C-42", "for": iid})
    iid = ready.offer_call("Customer Support").data["id"]
    ready.accept_interaction()
    assert ready.blind_transfer("2001").ok
    inter = ready.interaction(iid)
    assert inter.state.value == "wrap_up"
    assert inter.transfer_data == {"caseId": "C-42", "for": iid}


def test_deferred_transfer_data_answer_completes_later(ready, recorder):
    resolvers = []
    ready.subscribe(
        lambda event: (
            resolvers.append(event.response.defer())
            if event.name is E.ON_REQUEST_TRANSFER_DATA
            else None
        )
    )
    iid = ready.offer_call("Customer Support").data["id"]
    ready.accept_interaction()
    assert ready.blind_transfer("+14155550111").ok
    assert ready.interaction(iid).state.value == "delivered"  # waiting for the answer
    resolvers[0]({"ticket": 9})
    ready.drain_posted()
    assert ready.interaction(iid).state.value == "wrap_up"
    assert ready.interaction(iid).transfer_data == {"ticket": 9}


def test_conference_adds_and_removes_parties(ready, recorder):
    iid = ready.offer_call("Customer Support").data["id"]
    ready.accept_interaction()
    ready.invite_to_call_conference("2001")
    parties = recorder.of(E.ON_INTERACTION_STATE_CHANGE)[-1].wire_args[0]["callParties"]
    assert [p["name"] for p in parties][1:] == ["Priya Nair"]
    assert parties[1]["userId"] == "5B6C7D8E-4444-4A2B-9C3D-4E5F6A7B8C94"
    assert "userId" not in parties[0]
    assert ready.remove_from_call_conference(parties[1]["id"], iid).ok
    assert len(ready.interaction(iid).parties) == 1
    ready.invite_to_call_conference("+14155550177")
    assert ready.destroy_call_conference().ok
    assert len(ready.interaction(iid).parties) == 1


def test_chat_flow_has_no_voice_fields(ready, recorder):
    iid = ready.offer_chat("Web Chat", None, "Hello?").data["id"]
    ready.accept_interaction()
    ready.send_chat_message("Hi, how can I help?")
    ready.customer_message("My order is late")
    ready.leave_interaction()
    ready.complete_interaction()
    record = recorder.records()[0]
    assert record["type"] == "chat"
    assert record["callParties"] == []
    assert record["callMuted"] is False
    assert record["callRecording"] is False
    for key in ("callDirection", "DNIS", "ANI", "recordingUrl", "playbackUrl", "phoneNumber"):
        assert key not in record
    assert record["email"]
    transcript = [(m.sender, m.text) for m in ready.finished[-1].transcript]
    assert transcript == [
        ("customer", "Hello?"),
        ("agent", "Hi, how can I help?"),
        ("customer", "My order is late"),
    ]
    assert recorder.records()[0]["interactionId"] == iid


def test_email_reply_goes_to_wrap_up(ready, recorder):
    ready.offer_email("Email Support", None, "Refund", "Please refund order 12")
    ready.accept_interaction()
    ready.send_email_reply("Your refund is on its way.")
    assert ready.interactions[0].state.value == "wrap_up"
    ready.complete_interaction()
    record = recorder.records()[0]
    assert record["type"] == "email"
    assert record["subject"] == ""
    assert "callDirection" not in record


def test_queued_interactions_are_never_reported(sim, recorder):
    sim.login()
    recorder.clear()
    offered = sim.offer_call("Customer Support").data
    assert offered["queued"] is True
    assert recorder.events == []
    sim.set_agent_state("ready")
    assert _names(recorder)[:2] == ["ON_AGENT_STATE_CHANGE", "ON_NEW_INTERACTION"]
    assert recorder.events[1].interaction_id == offered["id"]


def test_abandoned_in_queue_leaves_no_trace(sim, recorder):
    sim.login()
    offered = sim.offer_call("Customer Support").data
    recorder.clear()
    assert sim.customer_hang_up(offered["id"]).ok
    sim.set_agent_state("ready")
    assert _names(recorder) == ["ON_AGENT_STATE_CHANGE"]


def test_several_interactions_with_an_active_one(ready, recorder):
    first = ready.offer_chat("Web Chat").data["id"]
    ready.accept_interaction()
    second = ready.offer_chat("Web Chat").data["id"]
    assert ready.active_interaction_id == second
    ready.switch_active_interaction(first)
    assert ready.active_interaction_id == first
    ready.accept_interaction(second)
    ready.leave_interaction(first)
    ready.complete_interaction(first)
    assert ready.active_interaction_id == second
    active = [e.wire_args[0] for e in recorder.of(E.ON_ACTIVE_INTERACTION_SWITCHED)]
    assert active == [first, second, first, second]


def test_voice_arrives_beside_a_chat_as_chats_do(ready):
    # The vendor's default capacity: a chat takes 25 %, a call needs 50 % free.
    ready.offer_chat("Web Chat")
    ready.accept_interaction()
    assert ready.agent.phase.value == "busy"
    assert ready.offer_call("Customer Support").data["queued"] is False
    assert ready.offer_chat("Web Chat").data["queued"] is True  # a call takes it all


def test_voice_waits_while_chatting_with_calls_with_chats_wait():
    sim = Simulator(settings=Settings(calls_with_chats="wait"))
    sim.login()
    sim.set_agent_state("ready")
    sim.offer_chat("Web Chat")
    sim.accept_interaction()
    assert sim.offer_call("Customer Support").data["queued"] is True
    assert sim.offer_chat("Web Chat").data["queued"] is False


def test_agent_choice_while_busy_applies_after_the_work(ready, recorder):
    ready.offer_call("Customer Support")
    ready.accept_interaction()
    assert ready.set_agent_state("not_ready", "Lunch").ok
    assert ready.agent.phase.value == "busy"
    ready.leave_interaction()
    ready.complete_interaction()
    assert recorder.events[-1].wire_args == ("not_ready", "Lunch")


@pytest.mark.parametrize(
    ("reason", "problem"),
    [(None, "not_ready needs a reason"), ("Nap", "'Nap' is not a Not Ready reason of the tenant")],
)
def test_a_not_ready_reason_missing_or_unknown_is_named_and_changes_nothing(
    ready, recorder, reason, problem
):
    recorder.clear()
    result = ready.set_agent_state("not_ready", reason)
    assert result.error.code == ResultErrorCode.invalid_args
    assert result.error.message == f"{problem}, one of: Break, Lunch, Meeting, Training"
    assert ready.agent.phase.value == "ready" and recorder.events == []


@pytest.mark.parametrize(
    ("setting", "expected"),
    [("ready", ("ready",)), ("not_ready", ("not_ready", "After Call Work"))],
)
def test_after_call_state_setting(tenant, setting, expected):
    sim = Simulator(tenant, seed=1, settings=Settings(after_call_state=setting))
    recorder = EventRecorder()
    sim.subscribe(recorder)
    sim.login()
    sim.start_call("+14155550134")
    sim.advance(5)
    sim.leave_interaction()
    sim.complete_interaction()
    assert recorder.events[-1].wire_args == expected


def test_screen_pop_answer_suppresses_the_default_pop(ready):
    ready.on("ON_WEB_SCREEN_POP_CUSTOM", lambda iid, pop: True)
    iid = ready.offer_call("Customer Support").data["id"]
    ready.accept_interaction()
    assert ready.interaction(iid).screen_pop_suppressed is True


def test_load_transfer_data_follows_new_interaction(ready, recorder):
    iid = ready.offer_call("Customer Support", transfer_data={"caseId": "C-1"}).data["id"]
    load = recorder.of(E.ON_LOAD_TRANSFER_DATA)
    assert load[0].wire_args == (iid, {"caseId": "C-1"})
    assert recorder.names().index("ON_LOAD_TRANSFER_DATA") > recorder.names().index(
        "ON_NEW_INTERACTION"
    )


def test_wrong_credentials_emit_server_error(sim, recorder):
    result = sim.login("jane.agent", "wrong")
    assert result.error.code == ResultErrorCode.invalid_args
    assert _names(recorder) == ["ON_SERVER_ERROR"]
    assert recorder.events[0].wire_args[0]["code"] == 109
    assert not sim.agent.logged_in


def test_a_raising_subscriber_does_not_stop_the_others(ready):
    seen = []

    def broken(*_args):
        raise RuntimeError("boom")

    ready.on("ON_NEW_INTERACTION", broken)
    ready.on("ON_NEW_INTERACTION", lambda data: seen.append(data.interaction_id))
    iid = ready.offer_call().data["id"]
    assert seen == [iid]
    assert "RuntimeError: boom" in ready.bus.errors[0].traceback


def test_acw_time_limit_completes_the_interaction(tenant):
    data = tenant.model_dump()
    data["services"][0]["acw_timeout_seconds"] = 30
    from simulator.data import Tenant

    sim = Simulator(Tenant.model_validate(data), seed=1)
    sim.login()
    sim.set_agent_state("ready")
    sim.offer_call("Customer Support")
    sim.accept_interaction()
    sim.leave_interaction()
    sim.advance(29)
    assert sim.interactions
    sim.advance(1)
    assert not sim.interactions
    assert sim.agent.phase.value == "ready"


def test_ivr_number_answers_in_ivr_state_with_configurable_spelling(tenant):
    for spelling in ("ivr", "IVR"):
        sim = Simulator(tenant, seed=1, settings=Settings(ivr_state_spelling=spelling))
        recorder = EventRecorder()
        sim.subscribe(recorder)
        sim.login()
        sim.start_call("18005550199")
        sim.advance(5)
        assert recorder.of(E.ON_INTERACTION_STATE_CHANGE)[-1].wire_args[0]["state"] == spelling


def test_saved_screen_is_shown_again_when_switching_back(ready, recorder):
    first = ready.offer_chat("Web Chat").data["id"]
    ready.accept_interaction()
    assert ready.set_interaction_active_screen({"recordId": "003A", "tab": 2}).ok
    second = ready.offer_chat("Web Chat").data["id"]
    assert ready.active_interaction_id == second
    recorder.clear()
    ready.switch_active_interaction(first)
    assert _names(recorder) == ["ON_ACTIVE_INTERACTION_SWITCHED", "ON_SHOW_SCREEN"]
    assert recorder.events[1].wire_args == ({"recordId": "003A", "tab": 2}, first)


@pytest.mark.parametrize(
    ("act", "problem"),
    [
        (lambda d: d.set_variable("caseId", None), "setVariable needs value (a string)"),
        (lambda d: d.set_variable("vip", True), "setVariable: value must be a string, not true."),
        (
            lambda d: d.set_variable("n", 5),
            "setVariable: value must be a string, not the number 5.",
        ),
        (
            lambda d: d.set_interaction_active_screen({"tab": {"id": 2}}),
            "setInteractionActiveScreen: screenData.tab must be text, a number, true, false or "
            "null, not an object.",
        ),
    ],
)
def test_data_the_wire_cannot_carry_is_invalid_args_and_changes_nothing(
    ready, recorder, act, problem
):
    """attachedData maps strings to strings ("None", "True" are no widget's); a screen is flat."""
    iid = ready.offer_chat("Web Chat").data["id"]
    ready.accept_interaction()
    recorder.clear()
    result = act(ready)
    assert result.error.code == ResultErrorCode.invalid_args
    assert result.error.message.startswith(problem)
    assert recorder.events == []
    inter = ready.interaction(iid)
    assert inter.attached_data == {} and inter.active_screen is None


def test_start_call_validation_errors(ready):
    code = ResultErrorCode
    assert ready.start_call("").error.code == code.empty_number
    assert ready.start_call("1001").error.code == code.self_call
    assert ready.start_call("12").error.code == code.invalid_args
    assert ready.set_did_number("4354B973-414F-5F6A-8316-B0932237AB3C").ok
    assert ready.start_call("+14155550134").error.code == code.no_permissions_did_call
    assert ready.start_call("2001").ok  # internal calls need no DID nor service
    ready.advance(4)
    assert ready.leave_interaction().ok
    assert ready.interactions == []  # no service, no after-call work
    assert ready.set_did_number("14155550100").ok
    assert ready.set_service(None).ok
    assert ready.start_call("+14155550134").error.code == code.no_service


def test_a_refusal_names_the_media_with_its_article(ready):
    iid = ready.offer_email("Email Support").data["id"]
    ready.accept_interaction(iid)
    refused = ready.blind_transfer("1002")
    assert refused.error.message == (
        "cannot blind transfer an email interaction in state delivered"
    )


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("Product Sold", " (did you mean 'Product sold'?)"),
        ("Produkt sold", " (did you mean 'Product sold'?)"),
        ("Nonsense", ""),
    ],
)
def test_a_disposition_misspelt_names_the_one_meant(ready, written, said):
    # "no disposition 'Product Sold' in service 'Sales'" left the agent's spelling to guess.
    ready.offer_call("Sales")
    ready.accept_interaction()
    refused = ready.set_disposition(written)
    assert refused.error.code == ResultErrorCode.object_not_found
    assert refused.error.message == f"no disposition {written!r} in service 'Sales'{said}"


def test_a_result_given_for_an_interaction_id_is_invalid_args_naming_what_to_pass(ready, recorder):
    """``accept_interaction(result)`` (not ``result.data["id"]``) raised pydantic's
    ``TypeError: unhashable type: 'dict'`` from deep in the engine."""
    offered = ready.offer_call("Sales")
    recorder.clear()
    result = ready.accept_interaction(offered)
    assert result.error.code == ResultErrorCode.invalid_args
    assert result.error.message == (
        "an interaction id is a string, not OperationSuccess (pass the result's data['id'])"
    )
    assert ready.accept_interaction(7).error.message == "an interaction id is a string, not int"
    assert recorder.events == []
    with pytest.raises(TypeError, match=r"pass the result's data\['id'\]"):
        ready.interaction(offered)
    with pytest.raises(TypeError, match="not int"):
        ready.allowed(7)
    assert ready.interaction(offered.data["id"]).state.value == "delivery_pending"
