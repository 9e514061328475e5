"""Scenario steps for the agent's own panels: the knowledge base and CRM record requests send the
events the flow of an interaction never sends, and `answer` checks what the integration said."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simulator.contract import EventName
from simulator.scenarios import ScenarioFileError, ScenarioRunner, load_scenario, parse_scenario

ROOT = Path(__file__).resolve().parents[2]


def run(text: str, **kwargs: Any):
    return ScenarioRunner(
        parse_scenario(text, "s.yaml", base_dir=ROOT / "fixtures" / "scenarios"), **kwargs
    ).run()


def sent(result, name: EventName) -> list[tuple]:
    return [e.wire_args for e in result.events if e.name is name]


def test_each_panel_step_sends_its_event_with_the_vendor_arguments():
    result = run(
        "api_version: '5.24.1'\n"  # folders, record info and validation came with 5.24.1
        "steps:\n"
        "  - call: Sales\n    as: c\n  - accept\n"
        "  - associate: {id: '0031', type: Contact, displayName: Ann Lee, displayType: Contact}\n"
        "  - kb_search: reset password\n"
        "  - kb_search: {query: unlock, folder_id: F-1}\n"
        "  - kb_article: KB-7\n"
        "  - kb_folder\n"
        "  - kb_folder: {folder_id: F-1, language: de}\n"
        "  - validate_records\n"
        "  - record_info: {id: '0031', type: Contact}\n"
        "  - record_on_screen\n"
        "  - open_record: {record: {id: '0031', type: Contact}, in_new_tab: true}\n"
        "  - search_records: {text: Ann, types: [Contact]}\n"
    )
    assert result.passed, [str(f) for f in result.failures] + [str(result.error)]
    assert sent(result, EventName.ON_SEARCH_KNOWLEDGE_BASE) == [
        ("reset password",),
        ("unlock", None, "F-1"),
    ]
    assert sent(result, EventName.ON_GET_KNOWLEDGE_BASE_ARTICLE) == [("KB-7",)]
    assert sent(result, EventName.ON_GET_KNOWLEDGE_BASE_FOLDER) == [
        ({},),
        ({"language": "de", "folderId": "F-1"},),
    ]
    ((iid, records),) = sent(result, EventName.ON_VALIDATE_ASSOCIATED_RECORDS)
    new = next(e for e in result.events if e.name is EventName.ON_NEW_INTERACTION)
    assert iid == new.interaction_id
    assert records["list"][0]["id"] == "0031"
    assert sent(result, EventName.ON_REQUEST_RECORD_INFO) == [({"id": "0031", "type": "Contact"},)]
    assert sent(result, EventName.ON_REQUEST_RECORD_ON_SCREEN) == [()]
    ((record, on, options),) = sent(result, EventName.ON_OPEN_RECORD)
    assert record == {"id": "0031", "type": "Contact"} and on is None
    assert options == {"inNewTab": True, "source": "user"}
    assert sent(result, EventName.ON_SEARCH_RECORDS) == [({"text": "Ann", "types": ["Contact"]},)]


def test_without_an_integration_the_answers_are_the_widgets_defaults():
    result = run(
        "steps:\n  - kb_search: x\n  - kb_article: KB-1\n"
        "  - expect: {event: ON_SEARCH_KNOWLEDGE_BASE, answer: {length: 0}}\n"
        "  - expect: {event: ON_GET_KNOWLEDGE_BASE_ARTICLE, answer: {equals: null}}\n"
    )
    assert result.passed, [str(f) for f in result.failures]


def test_answer_on_an_event_without_one_is_bad_input():
    # It can never match: it failed every run, as if the integration were wrong.
    with pytest.raises(ScenarioFileError, match="ON_NEW_INTERACTION takes no answer; these do:"):
        parse_scenario(
            "steps:\n  - call\n  - expect: {event: ON_NEW_INTERACTION, answer: []}\n", "s.yaml"
        )


def test_panels_need_a_logged_in_agent():
    result = run("agent: logged_out\nsteps:\n  - kb_search: x\n")
    assert result.error is not None and "not_logged_in" in str(result.error)
    assert run(
        "agent: logged_out\nsteps:\n  - kb_search: x\n    expect_error: not_logged_in\n"
    ).passed


def test_the_knowledge_base_fixture_runs_with_the_handler_it_names():
    source = load_scenario(ROOT / "fixtures" / "scenarios" / "knowledge_base.yaml")
    assert [p.name for p in source.handler_paths] == ["knowledge_base.py"]
    result = ScenarioRunner(source).run()
    assert result.passed, [str(f) for f in result.failures]
    assert [o.status for o in result.outcomes if o.event_name.startswith("ON_GET_KNOWLEDGE")] == [
        "ok"
    ] * 4


def test_a_missing_handler_file_is_named_at_its_place():
    with pytest.raises(ScenarioFileError) as caught:
        parse_scenario("handlers:\n  - nowhere.py\nsteps: []\n", "s.yaml", base_dir=ROOT)
    assert str(caught.value).startswith("s.yaml:2:5: no handler file or folder")


def test_a_scenarios_own_host_is_closed_and_a_given_host_gets_its_handlers():
    from simulator.handlers import HandlerHost

    path = ROOT / "fixtures" / "scenarios" / "knowledge_base.yaml"
    closed: list[Any] = []
    own = ScenarioRunner(load_scenario(path), close_host=closed.append)
    assert own.run().passed
    assert closed == [own.host]  # the host the runner built for the scenario's handlers
    own.host.close(timeout=10.0)
    runner = ScenarioRunner(load_scenario(path))
    given = HandlerHost(runner.sim, timeout=10.0)
    runner.host = given
    try:
        assert runner.run().passed
        assert [p.name for p in given.plugins] == ["knowledge_base"]
    finally:
        given.close(timeout=10.0)
