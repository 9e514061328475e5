"""A number (or true/false) in a scenario or tenant file is what YAML reads, not what pydantic's
lax mode makes of text: ``seed: 1_0`` (text to YAML 1.2) and ``seed: "1_0"`` ran with seed 10,
``count: "1"`` checked for one, ``ring_timeout_seconds: "1_0"`` rang 10 s, a tenant's
``acw_timeout_seconds: 1_0`` (a number to YAML 1.1) completed after 10 s: a typo passed silently.
Each is refused at its line, saying what to write."""

from __future__ import annotations

from pathlib import Path

import pytest

import simulator.data
from simulator.cli import main
from simulator.data import InputFileError, load_tenant
from simulator.scenarios.errors import ScenarioFileError
from simulator.scenarios.loader import parse_scenario

DEFAULT = Path(simulator.data.__file__).parent / "default_tenant.yaml"


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioFileError) as exc:
        parse_scenario(text, "s.yaml")
    return [str(problem) for problem in exc.value.problems]


@pytest.mark.parametrize("written", ["1_0", '"1_0"', '"10"'])
def test_a_seed_written_as_text_is_refused(written):
    assert problems(f"name: x\nseed: {written}\nsteps: []\n") == [
        f"s.yaml:2:7: seed: expected a whole number, got the text {written.strip(chr(34))!r}: "
        "write 10, in digits without quotes"
    ]


def test_engine_settings_and_step_values_written_as_text_are_refused():
    text = (
        "name: x\n"
        "allow_handler_errors: 'yes'\n"
        "settings:\n"
        "  ring_timeout_seconds: '1_0'\n"
        "  outbound_answer_seconds: 1e5\n"
        "steps:\n"
        "  - call: Sales\n"
        "  - summary: {seconds: '3'}\n"
        "  - expect: {event: ON_NEW_INTERACTION, count: {at_least: '1'}}\n"
    )
    assert problems(text) == [
        "s.yaml:2:23: allow_handler_errors: expected true or false, got the text 'yes': write "
        "true, without quotes",
        "s.yaml:4:25: settings.ring_timeout_seconds: expected a number, got the text '1_0': "
        "write 10, in digits without quotes",
        "s.yaml:5:28: settings.outbound_answer_seconds: expected a number, got the text '1e5': "
        "write 100000, in digits without quotes",
        "s.yaml:8:24: summary.seconds: expected a number, got the text '3': write 3, in digits "
        "without quotes",
        "s.yaml:9:59: expect.count.at_least: expected a whole number, got the text '1': write 1, "
        "in digits without quotes",
    ]


def test_a_count_written_as_text_is_refused():
    (problem,) = problems("name: x\nsteps:\n  - expect: {event: ON_LOGIN, count: '2'}\n")
    assert problem.startswith("s.yaml:3:38: expect.count: expected a whole number or a mapping")
    assert problem.endswith("got the text '2'")


def test_numbers_and_booleans_written_as_such_still_load():
    text = (
        "name: x\nseed: 10\nallow_handler_errors: true\n"
        "settings: {ring_timeout_seconds: 10, outbound_answer_seconds: 2.5}\n"
        "steps:\n  - call: Sales\n  - summary: {seconds: 3}\n"
        "  - expect: {event: ON_NEW_INTERACTION, count: 1}\n"
    )
    scenario = parse_scenario(text, "s.yaml").scenario
    assert scenario.seed == 10 and scenario.settings.outbound_answer_seconds == 2.5


def test_an_inline_tenants_number_written_as_text_is_refused():
    tenant = DEFAULT.read_text(encoding="utf-8").replace(
        "    after_call_work: false\n",
        "    after_call_work: false\n    acw_timeout_seconds: '30'\n",
        1,
    )
    indented = "".join(f"  {line}\n" for line in tenant.splitlines())
    (problem,) = problems(f"name: x\ntenant:\n{indented}steps: []\n")
    assert ": tenant.services[" in problem
    assert problem.endswith(
        "].acw_timeout_seconds: expected a whole number, got the text '30': write 30, in digits "
        "without quotes"
    )


@pytest.mark.parametrize("written", ["1_0", "'1_0'"])
def test_a_tenant_files_number_written_as_text_is_refused(written, tmp_path, capsys):
    text = DEFAULT.read_text(encoding="utf-8")
    old = "    after_call_work: false\n"
    assert old in text
    path = tmp_path / "tenant.yaml"
    path.write_text(
        text.replace(old, f"{old}    acw_timeout_seconds: {written}\n", 1), encoding="utf-8"
    )
    line = text[: text.index(old)].count("\n") + 2
    with pytest.raises(InputFileError) as exc:
        load_tenant(path)
    assert str(exc.value).startswith(f"{path}:{line}:26: services[")
    assert str(exc.value).endswith(
        "].acw_timeout_seconds: expected a whole number, got the text '1_0': write 10, in digits "
        "without quotes"
    )
    assert main(["generate", "--count", "1", "--tenant", str(path)]) == 2
    assert "acw_timeout_seconds: expected a whole number" in capsys.readouterr().err
