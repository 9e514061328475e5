"""The scenario library runs green, headless and reproducibly, and ``adsim run`` reports it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.contract import InteractionData, models_5_24_1, models_2026
from simulator.scenarios import ScenarioRunner, load_scenario, parse_scenario
from simulator.scenarios.runner import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = sorted((ROOT / "fixtures" / "scenarios").glob("*.yaml"))
ACTIVITY = {  # the activity record's model in each adApi version (a scenario may pick one)
    "5.19": InteractionData,
    "5.24.1": models_5_24_1.InteractionActivityData,
    "2026": models_2026.InteractionActivityData,
}


def test_the_library_covers_every_flow():
    names = {path.stem for path in LIBRARY}
    assert {
        "inbound_acw_disposition",
        "outbound_answered",
        "outbound_unanswered",
        "rejected_call",
        "missed_call",
        "hold_mute_record",
        "blind_transfer",
        "consult_transfer",
        "conference",
        "chat",
        "email",
        "not_ready_reasons",
        "required_disposition",
        "concurrent_interactions",
        "chat_capacity",
        "knowledge_base",
        "screen_pop",
        "chat_conference",
    } <= names


@pytest.mark.parametrize("path", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_fixture_runs_green(path):
    source = load_scenario(path)
    result = ScenarioRunner(source).run()
    problems = [str(f) for f in result.failures] + ([str(result.error)] if result.error else [])
    assert result.exit_code == EXIT_OK, "\n".join(problems)
    assert result.steps_run == len(source.scenario.steps)
    assert result.expectations > 0, "every library scenario checks something"
    for event in result.events:
        if event.name.value == "ON_SAVE_ACTIVITY_RECORD":
            ACTIVITY[event.api_version].model_validate(event.wire_args[0])


@pytest.mark.parametrize("path", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_same_seed_same_events_byte_for_byte(path):
    first = ScenarioRunner(load_scenario(path)).run().jsonl()
    second = ScenarioRunner(load_scenario(path)).run().jsonl()
    assert first == second
    assert first.endswith("\n")


def test_another_seed_draws_other_customers():
    path = ROOT / "fixtures" / "scenarios" / "rejected_call.yaml"
    assert (
        ScenarioRunner(load_scenario(path), seed=1).run().jsonl()
        != ScenarioRunner(load_scenario(path), seed=2).run().jsonl()
    )


def test_run_all_fixtures_passes_and_writes_events(tmp_path, capsys):
    out = tmp_path / "events.jsonl"
    code = main(["run", *map(str, LIBRARY), "--events-out", str(out)])
    printed = capsys.readouterr().out
    assert code == EXIT_OK
    assert printed.count("PASS") == len(LIBRARY)
    lines = out.read_text("utf-8").splitlines()
    assert lines and all(json.loads(line)["event"].startswith("ON_") for line in lines)


def test_run_events_to_stdout_keeps_the_summary_on_stderr(capsys):
    code = main(["run", str(LIBRARY[0]), "--events-out", "-"])
    captured = capsys.readouterr()
    assert code == EXIT_OK
    assert all(json.loads(line) for line in captured.out.splitlines())
    assert "PASS" in captured.err


def test_run_seed_override_changes_the_events(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    path = str(ROOT / "fixtures" / "scenarios" / "chat.yaml")
    assert main(["run", path, "--seed", "1", "--events-out", str(a)]) == EXIT_OK
    assert main(["run", path, "--seed", "2", "--events-out", str(b)]) == EXIT_OK
    assert a.read_bytes() != b.read_bytes()


FAILING = """\
name: fails
steps:
  - call: Sales
  - accept
  - hang_up
  - disposition: Product sold
  - complete
  - expect: {event: ON_SAVE_ACTIVITY_RECORD, payload: {disposition: Offer rejected}}
"""


def test_failed_expectation_exits_1_and_says_what_came(tmp_path, capsys):
    path = tmp_path / "fails.yaml"
    path.write_text(FAILING, "utf-8")
    assert main(["run", str(path)]) == EXIT_FAILED
    out = capsys.readouterr().out
    assert f"{path}:8:5: expected at least 1 ON_SAVE_ACTIVITY_RECORD" in out
    assert 'was "Product sold"' in out


def test_refused_step_exits_2_with_file_line(tmp_path, capsys):
    path = tmp_path / "refused.yaml"
    path.write_text("steps:\n  - call\n  - complete\n", "utf-8")
    assert main(["run", str(path)]) == EXIT_BAD_INPUT
    out = capsys.readouterr().out
    assert f"{path}:3:5: `complete` was refused: not_suitable_state" in out
    assert "delivery_pending" in out


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ("steps:\n  - call: {a\n", ":3:1:", "not valid YAML"),
        ("steps:\n  - acept\n", ":2:5:", "did you mean `accept`"),
        ("steps:\n  - dtmf: {digits: 1}\n", ":2:11:", "dtmf: expected text, got a mapping"),
        ("steps:\n  - wait: soon\n", ":2:11:", "not a duration"),
    ],
)
def test_malformed_file_exits_2_without_traceback(tmp_path, capsys, text, where, what):
    path = tmp_path / "bad.yaml"
    path.write_text(text, "utf-8")
    assert main(["run", str(path)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert f"adsim: {path}{where}" in err
    assert what in err
    assert "Traceback" not in err


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nope.yaml")]) == EXIT_BAD_INPUT
    assert "cannot read the scenario file" in capsys.readouterr().err


def test_load_mode_summary(capsys):
    path = str(ROOT / "fixtures" / "scenarios" / "inbound_acw_disposition.yaml")
    assert main(["run", path, "--repeat", "20"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "20 runs, 0 failed runs" in out
    assert "20 interactions in" in out
    assert "interactions/s" in out


def test_load_mode_with_handlers_reports_latency(tmp_path, capsys):
    handler = ROOT / "fixtures" / "handlers" / "mini_crm.py"
    if not handler.exists():
        pytest.skip("the sample handlers are not there yet")
    path = str(ROOT / "fixtures" / "scenarios" / "blind_transfer.yaml")
    code = main(
        [
            "run",
            path,
            "--repeat",
            "3",
            "--handler",
            str(handler),
            "--journal",
            ":memory:",
            "--no-entry-points",
        ]
    )
    out = capsys.readouterr().out
    assert code == EXIT_OK, out
    assert "handler latency over" in out
    assert "p95" in out


def test_generate_writes_records(tmp_path):
    out = tmp_path / "records.jsonl"
    assert main(["generate", "--count", "40", "--seed", "3", "--out", str(out)]) == EXIT_OK
    lines = out.read_text("utf-8").splitlines()
    assert len(lines) == 40
    for line in lines:
        InteractionData.model_validate(json.loads(line))


def test_generate_rejects_a_bad_mix(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["generate", "--count", "1", "--mix", "fax=10"])
    assert exc.value.code == 2
    assert "voice, chat or email" in capsys.readouterr().err


def test_schema_scenario_prints_the_committed_schema(capsys):
    from simulator.scenarios.schema import committed_schema

    assert main(["schema", "--scenario"]) == EXIT_OK
    assert capsys.readouterr().out == committed_schema()


def test_schema_scenario_refuses_a_version_it_would_ignore(capsys):
    # One scenario format serves every adApi version: a version given here would do nothing.
    assert main(["schema", "--scenario", "--api-version", "2026"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("adsim: --api-version: the scenario schema is the same")


def test_a_scenario_with_its_own_tenant_file(tmp_path):
    tenant = (ROOT / "simulator" / "data" / "default_tenant.yaml").read_text("utf-8")
    (tmp_path / "tenants").mkdir()
    (tmp_path / "tenants" / "acme.yaml").write_text(tenant.replace("Priya", "Prisha"), "utf-8")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "tenant: tenants/acme.yaml\nsettings: {outbound_answer_seconds: 1}\nsteps:\n"
        "  - dial: '2001'\n    as: c\n  - wait: 2s\n"
        "  - expect: {event: ON_INTERACTION_STATE_CHANGE, on: c, "
        "payload: {callParties: [{name: Prisha Nair}]}}\n",
        "utf-8",
    )
    assert ScenarioRunner(load_scenario(scenario)).run().exit_code == EXIT_OK


def test_parse_scenario_resolves_a_relative_tenant_from_base_dir(tmp_path):
    with pytest.raises(Exception, match="no tenant file"):
        parse_scenario("tenant: t.yaml\n", "x.yaml", base_dir=tmp_path)


def test_the_readme_example_runs_green():
    section = (ROOT / "docs" / "scenarios.md").read_text("utf-8")
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    result = ScenarioRunner(parse_scenario(example, "docs/scenarios.md")).run()
    assert result.passed, [str(f) for f in result.failures] or result.error
