"""A method only a later adApi version has, called under an earlier one, through each way in:
a handler's ``ad_api`` (thread and process isolation) and a page's ``adApi`` requests. The
version's widget answers ``api_method_not_implemented`` (14) and nothing changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.contract import ResultErrorCode
from simulator.engine import Settings, Simulator
from simulator.handlers import AdApi, HandlerHost
from simulator.journal import Journal
from simulator.web.adapi_requests import run_request

NOT_IMPLEMENTED = ResultErrorCode.api_method_not_implemented

PLUGIN = """
def register(ad_api):
    def on_login(state):
        results = [
            ad_api.set_call_recording_mute(True),
            ad_api.invite_to_chat_conference("2001"),
            ad_api.remove_from_chat_conference("2001"),
            ad_api.get_interactions_state(),
            ad_api.activate_page(),
            ad_api.set_dial_candidates([]),
            ad_api.get_chat_transcript(),
        ]
        return [None if r.error is None else (r.error.code, r.error.message) for r in results]

    ad_api.on("ON_LOGIN", on_login)
"""


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_a_handlers_call_under_5_19_is_not_implemented(tmp_path: Path, isolation):
    plugin = tmp_path / "later_methods.py"
    plugin.write_text(PLUGIN, encoding="utf-8")
    sim = Simulator(seed=1, settings=Settings(api_version="5.19"))
    host = HandlerHost(sim, timeout=30.0, journal=Journal.open(":memory:"), isolation=isolation)
    try:
        [status] = host.load(plugin)
        assert status.loaded, status.error
        sim.login()
        host.settle()
        [outcome] = host.outcomes
    finally:
        host.close()
        host.journal.close()
    assert outcome.status == "ok", outcome
    since = ["5.24.1"] * 6 + ["2026"]
    names = [
        "setCallRecordingMute",
        "inviteToChatConference",
        "removeFromChatConference",
        "getInteractionsState",
        "activatePage",
        "setDialCandidates",
        "getChatTranscript",
    ]
    assert [tuple(answer) for answer in outcome.result] == [
        (14, f"{name} is not in adApi 5.19: it appeared in {version}")
        for name, version in zip(names, since, strict=True)
    ]


@pytest.mark.parametrize(
    ("message", "params"),
    [
        ("SET_CALL_RECORDING_MUTE", []),
        ("INVITE_TO_CHAT_CONFERENCE", []),
        ("REMOVE_FROM_CHAT_CONFERENCE", ["2001", "x", "y"]),
        ("SET_DIAL_CANDIDATES", []),
        ("GET_CHAT_TRANSCRIPT", ["a", "b"]),
    ],
)
def test_a_pages_call_of_a_method_its_version_lacks_is_not_implemented_whatever_its_params(
    message, params
):
    """A page's ``adApi`` under 5.19: the widget has no such method to check the arguments of
    (``setCallRecordingMute()`` answered ``invalid_args`` with 5.24.1's signature)."""
    sim = Simulator(seed=1, settings=Settings(api_version="5.19"))
    result = run_request(AdApi(sim), message, params, "5.19")
    assert result.error.code == NOT_IMPLEMENTED, result
    assert "is not in adApi 5.19: it appeared in" in result.error.message
    later = Simulator(seed=1, settings=Settings(api_version="2026"))
    answer = run_request(AdApi(later), message, params, "2026")
    assert answer.error.code == ResultErrorCode.invalid_args, answer


QUERIES = {
    "getInteractionsState": lambda sim, iid: sim.get_interactions_state(),
    "getChatTranscript": lambda sim, iid: sim.get_chat_transcript(iid),
    "getVoiceTranscript": lambda sim, iid: sim.get_voice_transcript(iid),
}


@pytest.mark.parametrize("version", ["5.19", "5.24.1", "2026"])
@pytest.mark.parametrize("method", sorted(QUERIES))
def test_the_engine_answers_a_later_query_as_the_versions_widget(method, version):
    """The engine (``sim``, the pytest ``adsim`` fixture) answered ``getChatTranscript`` with the
    chat's lines under 5.19, where only ``ad_api`` refused it."""
    from simulator.contract.versions import METHODS, ApiVersion

    sim = Simulator(seed=1, settings=Settings(api_version=version))
    sim.login()
    sim.set_agent_state("ready")
    chat = sim.offer_chat("Web Chat", None, "hi").data["id"]
    sim.advance(2)
    sim.accept_interaction(chat)
    result = QUERIES[method](sim, chat)
    since = METHODS[method].since
    if ApiVersion(version).has(since):
        assert result.error is None or result.error.code != NOT_IMPLEMENTED, result
    else:
        assert result.error.code == NOT_IMPLEMENTED
        assert result.error.message == f"{method} is not in adApi {version}: it appeared in {since}"
