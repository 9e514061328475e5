"""The ``ad_api`` facade: every 5.19 method of reference section 2, in snake_case, enveloped."""

from __future__ import annotations

import inspect
import re

import pytest

from simulator.contract import (
    EventName,
    InteractionAssociatedObjectData,
    OperationError,
    OperationSuccess,
    ResultErrorCode,
)
from simulator.engine import Settings, Simulator
from simulator.handlers import AdApi, HandlerHost

Code = ResultErrorCode

# Reference section 2, every method up to the 5.19 shape (5.19.99 Carina included), camelCase.
METHODS_5_19 = """
getLoginState login logout getAgentState setAgentState getAgentNotReadyReasons acceptInteraction
rejectInteraction startCall startChat startEmail sendDtmf consultCall blindTransfer transfer
leaveInteraction completeInteraction leaveAndCompleteInteraction switchActiveInteraction
inviteToCallConference removeFromCallConference destroyCallConference mergeAllCallsIntoConference
getTeams getTeamMembers getServicesList getService setService getDIDNumbersList getDIDNumber
setDIDNumber getDispositionsList setDisposition setRescheduleWindow addNote updateNote replaceNote
getConfig setVariable getVariables addInteractionAssociatedObject setInteractionActiveScreen
getPhoneDevicesList getPhoneDevice setPhoneDevice setCallHold setCallRecording setCallMute
setScreenRecordingMute getScreenRecordingState setWidgetMinimized sendChatMessage
suggestChatMessage injectMessageLogger on remove
""".split()  # noqa: SIM905 - the list reads like the reference table


def snake(name: str) -> str:
    name = name.replace("DIDNumber", "DidNumber")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@pytest.mark.parametrize("method", METHODS_5_19)
def test_every_5_19_method_is_on_the_facade(method):
    attribute = getattr(AdApi, snake(method), None)
    assert callable(attribute), f"adApi.{method} -> AdApi.{snake(method)} is missing"
    assert inspect.getdoc(attribute), "each method says what it is"


@pytest.fixture
def api(sim) -> AdApi:
    return AdApi(sim)


@pytest.fixture
def logged(ready, api) -> AdApi:
    return api


def test_methods_answer_not_logged_in_when_logged_out_except_the_documented_ones(api):
    assert api.get_login_state().data == {"isLoggedIn": False}
    assert api.get_config().ok
    assert api.activate_page().error.code == Code.api_method_not_implemented  # 5.24.1 has it
    later = AdApi(Simulator(settings=Settings(api_version="5.24.1")))
    assert later.activate_page().ok  # no login needed
    for call in (
        api.get_agent_state,
        api.get_teams,
        api.get_phone_devices_list,
        api.get_screen_recording_state,
        lambda: api.set_widget_minimized(True),
        lambda: api.set_disposition("Problem solved"),
        lambda: api.set_reschedule_window(
            {
                "numberToDial": "1",
                "fromTime": "2026-12-05 09:00:00",
                "untilTime": "2026-12-05 17:00:00",
            }
        ),
        api.merge_all_calls_into_conference,
    ):
        result = call()
        assert isinstance(result, OperationError)
        assert result.error.code == Code.not_logged_in
    assert api.login().ok


def test_get_config_depends_on_the_integration_key(sim):
    assert AdApi(sim).get_config().data == {}
    assert AdApi(sim, integration_key="salesforce").get_config().data == {"clickAction": "call"}


def test_a_call_from_the_facade_drives_the_engine(sim, recorder, logged):
    assert logged.start_call("+1 415 555 0199").ok
    sim.advance(5)
    [inter] = sim.interactions
    record = InteractionAssociatedObjectData(
        id="C-1", type="Contact", display_name="Ann Lee", display_type="Contact"
    )
    assert logged.add_interaction_associated_object(record).ok
    assert inter.associated[-1]["source"] == "simulator", "source = the integration key"
    assert logged.set_call_hold(True).ok
    assert inter.state.value == "hold"
    assert logged.send_dtmf("1").error.code == Code.not_suitable_state
    assert logged.set_call_hold(False).ok
    assert logged.send_dtmf("12#").ok
    assert logged.leave_interaction().ok
    assert logged.get_dispositions_list({"interactionId": inter.id}).data
    assert logged.set_disposition("Nonsense").error.code == Code.object_not_found


def test_widget_minimized_and_screen_recording_emit_on_change_only(sim, recorder, logged):
    assert logged.set_widget_minimized(True).ok
    assert logged.set_widget_minimized(True).ok
    assert logged.set_widget_minimized(False).ok
    assert logged.set_screen_recording_mute(True).ok
    assert logged.get_screen_recording_state().data == {
        "allowed": True,
        "active": False,
        "muted": True,
    }
    assert [(e.name.value, e.wire_args) for e in recorder.events] == [
        ("ON_WIDGET_MINIMIZED_CHANGE", (True,)),
        ("ON_WIDGET_MINIMIZED_CHANGE", (False,)),
        (
            "ON_SCREEN_RECORDING_STATE_CHANGE",
            ({"allowed": True, "active": False, "muted": True},),
        ),
    ]
    logged._widget.screen_recording["allowed"] = False
    assert logged.set_screen_recording_mute(False).error.code == Code.banned


def test_phone_devices(logged):
    devices = logged.get_phone_devices_list().data
    assert "phone_type_browser" in devices
    assert logged.get_phone_device().data == {"type": "phone_type_browser"}
    refused = logged.set_phone_device({"type": "phone_type_external"})
    assert refused.error.code == Code.invalid_args
    assert logged.set_phone_device({"type": "phone_type_external", "phone": "5551234"}).ok
    assert logged.get_phone_device().data == {"type": "phone_type_external", "phone": "5551234"}
    assert logged.set_phone_device({"type": "rotary"}).error.code == Code.invalid_args


def test_reschedule_window_and_chat_suggestions(sim, logged):
    window = {
        "numberToDial": "14155550123",
        "fromTime": "2026-12-05 09:00:00",
        "untilTime": "2026-12-05 17:00:00",
    }
    assert logged.set_reschedule_window(window).error.code == Code.no_interaction
    assert sim.offer_chat("Web Chat", None, "Hello?").ok
    [chat] = sim.interactions
    assert logged.set_reschedule_window(window).ok
    assert logged._widget.reschedule[chat.id] == window
    backwards = {**window, "untilTime": "2026-12-04 17:00:00"}
    assert logged.set_reschedule_window(backwards).error.code == Code.invalid_args
    assert logged.suggest_chat_message("How can I help?").ok
    assert logged.suggest_chat_message("Hi!").ok
    assert logged._widget.suggestions[chat.id] == "How can I help?"
    assert logged.suggest_chat_message("Hi!", True).ok
    assert logged._widget.suggestions[chat.id] == "Hi!"


def test_not_simulated_methods_say_so(logged):
    assert logged.start_email("a@example.com").error.code == Code.api_method_not_implemented
    # 5.19 has no setDialCandidates; 5.24.1 accepts and ignores it, as the vendor's build does
    assert logged.set_dial_candidates([]).error.code == Code.api_method_not_implemented
    later = AdApi(Simulator(settings=Settings(api_version="5.24.1")))
    assert later.set_dial_candidates([]).ok


def test_bad_arguments_become_invalid_args_not_exceptions(logged):
    assert logged.set_phone_device("softphone").error.code == Code.invalid_args
    assert logged.set_agent_state("dancing").error.code == Code.invalid_args


def test_the_message_logger_sees_requests_responses_and_events(sim):
    host = HandlerHost(sim, timeout=5.0)
    try:
        api = host.ad_api("logger")
        packets: list[tuple[str, list]] = []
        api.inject_message_logger(lambda kind, params: packets.append((kind, params)))
        api.inject_message_logger(lambda kind, params: 1 / 0)  # a broken logger is ignored
        assert api.login().ok
        assert host.settle(5.0)
        kinds = [kind for kind, _ in packets]
        assert kinds[:2] == ["LOGIN", "LOGIN_RESPONSE"]
        assert {"ON_LOGIN", "ON_AGENT_STATE_CHANGE"} <= set(kinds)
        assert packets[1][1] == [{"status": "success", "data": None}]
        assert "password" not in str(packets[0][1])
    finally:
        host.close()


def test_results_are_the_envelope(logged):
    result = logged.get_agent_state()
    assert isinstance(result, OperationSuccess)
    assert result.model_dump(mode="json") == {
        "status": "success",
        "data": {"state": "ready", "reservedForIncomingInteraction": False},
    }
    assert EventName.ON_LOGIN.value == "ON_LOGIN"
