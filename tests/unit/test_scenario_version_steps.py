"""A step that only a later adApi version has, in a scenario of an earlier one: ``- kb_folder``
under 5.19 sent nothing (5.19 has no ``ON_GET_KNOWLEDGE_BASE_FOLDER``) and the run passed, the
folder never opened. It is refused at the step (file:line:col, exit 2), naming the version that
has it, unless the file was written for that version and is run under an earlier one on purpose
(``--api-version``, to compare an upgrade: there it still sends nothing, as documented)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from simulator.cli import main
from simulator.engine import EventRecorder, Settings, Simulator
from simulator.scenarios import ScenarioRunner, parse_scenario, record_session
from simulator.scenarios.runner import EXIT_BAD_INPUT, EXIT_OK


def _run(text: str, version: str | None = None):
    source = parse_scenario(text, "s.yaml")
    if version is not None:
        source = replace(source, scenario=source.scenario.for_api_version(version))
    return ScenarioRunner(source).run()


@pytest.mark.parametrize(
    ("step", "event", "since"),
    [
        ("kb_folder", "ON_GET_KNOWLEDGE_BASE_FOLDER", "5.24.1"),
        ("kb_folder: F-1", "ON_GET_KNOWLEDGE_BASE_FOLDER", "5.24.1"),
        ("validate_records", "ON_VALIDATE_ASSOCIATED_RECORDS", "5.24.1"),
        ("record_info: {id: '1', type: Contact}", "ON_REQUEST_RECORD_INFO", "5.24.1"),
        ("record_on_screen", "ON_REQUEST_RECORD_ON_SCREEN", "5.24.1"),
        ("summary", "ON_SUMMARY_GENERATION_STARTED", "2026"),
        ("transcript: hi", "ON_VOICE_TRANSCRIPT_MESSAGE", "2026"),
    ],
)
@pytest.mark.parametrize(
    "header", ['api_version: "5.19"\n', "", "settings: {api_version: '5.19'}\n"]
)
def test_a_later_versions_step_in_a_5_19_scenario_is_refused_at_the_step(
    step, event, since, header
):
    result = _run(f"{header}steps:\n  - wait: 1s\n  - {step}\n")
    line = header.count("\n") + 3
    assert result.exit_code == EXIT_BAD_INPUT
    assert str(result.error) == (
        f"s.yaml:{line}:5: {step.split(':')[0]}: {event} is not an event of adApi 5.19, so the "
        f'step would send nothing: it came with {since}; give the scenario api_version: "{since}" '
        f"(or run it with --api-version {since})"
    )
    assert result.events == []  # refused before the run started: not even the login


def test_a_2026_step_in_a_5_24_1_scenario_names_2026():
    result = _run('api_version: "5.24.1"\nsteps:\n  - summary\n')
    assert "summary: ON_SUMMARY_GENERATION_STARTED is not an event of adApi 5.24.1" in str(
        result.error
    )


@pytest.mark.parametrize("field", ["folder_id: F-1", "language: en"])
def test_a_later_versions_field_is_refused_at_the_field(field):
    result = _run(f"steps:\n  - kb_search: {{query: unlock, {field}}}\n")
    name = field.split(":")[0]
    assert result.exit_code == EXIT_BAD_INPUT
    assert str(result.error) == (
        f"s.yaml:2:{34 + len(name)}: kb_search.{name}: adApi 5.19's ON_SEARCH_KNOWLEDGE_BASE "
        f'takes no {name}: it came with 5.24.1; give the scenario api_version: "5.24.1" (or run '
        "it with --api-version 5.24.1)"
    )


FOLDERS = "steps:\n  - kb_folder: F-1\n  - kb_search: {query: q, folder_id: F-1}\n"


def test_the_run_may_bring_the_version_that_has_it():
    result = _run(FOLDERS, "5.24.1")
    assert result.exit_code == EXIT_OK, result.error
    names = [event.name.value for event in result.events]
    assert "ON_GET_KNOWLEDGE_BASE_FOLDER" in names


def test_a_file_written_for_a_later_version_runs_under_an_earlier_one_on_purpose():
    result = _run('api_version: "5.24.1"\n' + FOLDERS, "5.19")
    assert result.exit_code == EXIT_OK, result.error
    assert "ON_GET_KNOWLEDGE_BASE_FOLDER" not in [event.name.value for event in result.events]


def test_adsim_run_refuses_it_with_exit_2(tmp_path, capsys):
    path = tmp_path / "kb.yaml"
    path.write_text('api_version: "5.19"\nsteps:\n  - kb_folder: F-1\n', "utf-8")
    assert main(["run", str(path)]) == EXIT_BAD_INPUT
    assert f"{path}:3:5: kb_folder: ON_GET_KNOWLEDGE_BASE_FOLDER is not an event" in (
        capsys.readouterr().out
    )
    assert main(["run", str(path), "--api-version", "5.24.1"]) == EXIT_OK


def test_a_recorded_session_leaves_out_what_its_version_sent_nothing_for():
    sim = Simulator(seed=4, settings=Settings(api_version="5.19"))
    recorder = EventRecorder()
    sim.subscribe(recorder)
    sim.login()
    sim.set_agent_state("ready")
    call = sim.offer_call("Customer Support").data["id"]
    sim.advance(2)
    sim.accept_interaction(call)
    sim.voice_transcript("I want a refund", "customer", call)
    sim.generate_summary(call, {"Reason": "Refund"}, None, 1.5)
    sim.advance(2)
    text = record_session(sim)
    assert "transcript" not in text and "summary" not in text
    replayed = _run(text)
    assert replayed.exit_code == EXIT_OK, replayed.error
    assert [e.name for e in replayed.events] == [e.name for e in recorder.events]


# ------------------------------------------------ ON_SEARCH_KNOWLEDGE_BASE's later arguments


@pytest.mark.parametrize(
    ("version", "sent"),
    [("5.19", ("unlock",)), ("5.24.1", ("unlock", "en", "F-1")), ("2026", ("unlock", "en", "F-1"))],
)
def test_the_search_sends_the_arguments_its_version_has(version, sent):
    """5.19's ``ON_SEARCH_KNOWLEDGE_BASE(query)`` takes no language or folder (they came with
    5.24.1): the engine sent them in 5.19 too, and a 5.19 handler got three arguments."""
    from simulator.engine import widget_requests as requests

    sim = Simulator(seed=1, settings=Settings(api_version=version))
    got: list[tuple] = []
    sim.bus.on("ON_SEARCH_KNOWLEDGE_BASE", lambda *args: got.append(args))
    sim.login()
    event = requests.search_knowledge_base(sim, "unlock", "en", "F-1")
    assert event.wire_args == sent
    assert len(got) == 1 and len(got[0]) == len(sent)


def test_a_5_24_1_search_run_under_5_19_on_purpose_sends_its_query_alone():
    result = _run('api_version: "5.24.1"\n' + FOLDERS, "5.19")
    assert result.exit_code == EXIT_OK, result.error
    [search] = [e for e in result.events if e.name.value == "ON_SEARCH_KNOWLEDGE_BASE"]
    assert search.wire_args == ("q",)
    later = _run('api_version: "5.24.1"\n' + FOLDERS)
    [search] = [e for e in later.events if e.name.value == "ON_SEARCH_KNOWLEDGE_BASE"]
    assert search.wire_args == ("q", None, "F-1")


# ------------------------------------------------ record_mute: setCallRecordingMute (5.24.1)

MUTE = "steps:\n  - call: Sales\n    as: c\n  - accept\n  - record: start\n  - record_mute\n"


@pytest.mark.parametrize(
    "header", ['api_version: "5.19"\n', "", "settings: {api_version: '5.19'}\n"]
)
def test_record_mute_in_a_5_19_scenario_is_refused_at_the_step(header):
    """5.19 has no setCallRecordingMute: the step muted the recording all the same."""
    result = _run(header + MUTE)
    line = header.count("\n") + 6
    assert result.exit_code == EXIT_BAD_INPUT
    assert str(result.error) == (
        f"s.yaml:{line}:5: record_mute: setCallRecordingMute is not a method of adApi 5.19 (its "
        "widget answers api_method_not_implemented): it came with 5.24.1; give the scenario "
        'api_version: "5.24.1" (or run it with --api-version 5.24.1)'
    )
    assert result.events == []


def test_a_5_24_1_record_mute_run_under_5_19_on_purpose_changes_nothing():
    later = _run('api_version: "5.24.1"\n' + MUTE)
    earlier = _run('api_version: "5.24.1"\n' + MUTE, "5.19")
    assert later.exit_code == earlier.exit_code == EXIT_OK, (later.error, earlier.error)
    recording = [
        e.wire_args[0]["callRecording"]
        for e in earlier.events
        if e.name.value == "ON_INTERACTION_STATE_CHANGE"
    ]
    assert recording[-1] is True  # still recording: nothing muted it
    assert [e.name for e in later.events][:-1] == [e.name for e in earlier.events]


@pytest.mark.parametrize("version", ["5.19", "5.24.1"])
def test_the_engine_answers_the_recording_mute_as_the_versions_widget(version):
    sim = Simulator(seed=2, settings=Settings(api_version=version))
    sim.login()
    sim.set_agent_state("ready")
    call = sim.offer_call("Sales").data["id"]
    sim.accept_interaction(call)
    assert sim.set_call_recording(True, call).ok
    recorder = EventRecorder()
    sim.subscribe(recorder)
    result = sim.set_call_recording_mute(True, call)
    if version == "5.19":
        assert result.error.name == "api_method_not_implemented"
        assert result.error.message == (
            "setCallRecordingMute is not in adApi 5.19: it appeared in 5.24.1"
        )
        assert recorder.events == [] and not sim.interaction(call).recording_muted
        assert "record_mute" not in record_session(sim)  # a replay of it would be refused
    else:
        assert result.ok and sim.interaction(call).recording_muted


def test_a_5_24_1_validate_records_run_under_5_19_on_purpose_asks_nothing():
    text = (
        'api_version: "5.24.1"\nsteps:\n  - call: Sales\n  - accept\n'
        "  - associate: {id: '1', type: Contact, displayName: A, displayType: Contact}\n"
        "  - validate_records\n"
    )
    result = _run(text, "5.19")
    assert result.exit_code == EXIT_OK, result.error
    assert "ON_VALIDATE_ASSOCIATED_RECORDS" not in [e.name.value for e in result.events]
    assert "ON_VALIDATE_ASSOCIATED_RECORDS" in [e.name.value for e in _run(text).events]


@pytest.mark.parametrize(
    ("header", "channel", "since"),
    [
        ("", "whatsapp", "5.24.1"),
        ("", "ms_teams", "2026"),
        ('api_version: "5.24.1"\n', "ms_teams", "2026"),
    ],
)
def test_a_later_versions_chat_channel_is_refused_at_the_field(header, channel, since):
    """``start_chat: {channel: whatsapp}`` in a 5.19 scenario was refused only when the step ran,
    after the login's events; it is bad input at the field, as a later step field is."""
    step = f"start_chat: {{channel: {channel}, address: x}}"
    text = f"{header}steps:\n  - set_service: Web Chat\n  - {step}\n"
    result = _run(text)
    line = header.count("\n") + 3
    assert result.exit_code == EXIT_BAD_INPUT
    version = "5.24.1" if header else "5.19"
    assert str(result.error) == (
        f"s.yaml:{line}:27: start_chat.channel: {channel!r} is not a chat channel of adApi "
        f'{version}: it came with {since}; give the scenario api_version: "{since}" (or run it '
        f"with --api-version {since})"
    )
    assert result.events == []


@pytest.mark.parametrize(
    "step",
    [
        "record_mute:\n    expect_error: api_method_not_implemented",
        "start_chat: {channel: whatsapp, address: x}\n    expect_error: invalid_args",
    ],
)
def test_a_5_19_scenario_may_expect_the_version_to_refuse_a_later_method_or_channel(step):
    """The refusal is the point (as a recorded session keeps a refused action): it runs."""
    text = (
        "steps:\n  - set_service: Web Chat\n  - call: Sales\n  - accept\n  - record: start\n"
        f"  - {step}\n"
    )
    result = _run(text)
    assert result.exit_code == EXIT_OK, result.error


def test_a_recorded_5_19_session_with_a_refused_later_channel_replays():
    sim = Simulator(seed=1, settings=Settings(api_version="5.19"))
    recorder = EventRecorder()
    sim.subscribe(recorder)
    sim.login()
    sim.set_agent_state("ready")
    sim.set_service("Web Chat")
    assert sim.start_chat("whatsapp", "+14155550134").error.name == "invalid_args"
    text = record_session(sim)
    assert "expect_error: invalid_args" in text
    replayed = _run(text)
    assert replayed.exit_code == EXIT_OK, replayed.error
    assert [e.name for e in replayed.events] == [e.name for e in recorder.events]


REFUSED_MUTE = (
    "steps:\n  - call: Sales\n    as: c\n  - accept\n"
    "  - record_mute: true\n    expect_error: not_suitable_state\n  - record: start\n"
)


def test_a_5_24_1_recording_with_a_refused_mute_replays_under_5_19():
    """The mute refused before the recording began (recorded ``expect_error:
    not_suitable_state``): under 5.19 it is answered api_method_not_implemented, which failed
    the replay though the step changes nothing there, as one that expects nothing."""
    later = _run('api_version: "5.24.1"\n' + REFUSED_MUTE)
    earlier = _run('api_version: "5.24.1"\n' + REFUSED_MUTE, "5.19")
    assert later.exit_code == earlier.exit_code == EXIT_OK, (later.failures, earlier.failures)
    # A 5.19 file expecting a refusal 5.19 cannot give is told (it never gets that refusal).
    own = _run('api_version: "5.19"\n' + REFUSED_MUTE)
    assert own.exit_code != EXIT_OK
    assert "expected `record_mute` to fail with not_suitable_state" in str(own.failures[0])
