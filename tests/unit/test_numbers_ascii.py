"""Numbers are written in ASCII digits, on the command line and in a scenario file.

Python's ``int()``, ``float()`` and ``Decimal()`` also read other scripts' digits (``--seed ٣``
was seed 3, ``wait: ٣s`` three seconds) and underscores (``--repeat 1_0`` was 10): numbers no
other tool reads as such, taken silently. Each is refused, naming the option or file:line:col.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli import main
from simulator.scenarios.errors import ScenarioFileError
from simulator.scenarios.loader import parse_scenario
from simulator.scenarios.model import parse_duration_ms

ROOT = Path(__file__).resolve().parents[2]
CHAT = str(ROOT / "fixtures" / "scenarios" / "chat.yaml")


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["demo", "--seed", "٣"], "--seed"),  # ARABIC-INDIC DIGIT THREE
        (["demo", "--seed", "１０"], "--seed"),  # fullwidth
        (["demo", "--seed", "1_000"], "--seed"),
        (["generate", "--count", "٣"], "--count"),
        (["run", CHAT, "--repeat", "٢"], "--repeat"),
        (["run", CHAT, "--rate", "٣"], "--rate"),
        (["run", CHAT, "--rate", "1_0"], "--rate"),
        (["run", CHAT, "--max-scenario-size", "٣"], "--max-scenario-size"),
        (["demo", "--handler-timeout", "٣"], "--handler-timeout"),
        (["generate", "--count", "1", "--mix", "voice=٣"], "--mix"),
        (["journal", "runs", "--last", "٣"], "--last"),
    ],
)
def test_a_number_in_other_digits_is_refused_naming_the_option(argv, option, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option}:" in err
    assert "Traceback" not in err
    if "_" not in argv[-1]:
        assert "ASCII digits" in err


@pytest.mark.parametrize("text", ["5", " 5 ", "+5", "0"])
def test_a_seed_in_ascii_digits_is_taken(text, capsys):
    assert main(["demo", "--seed", text]) == 0
    capsys.readouterr()


@pytest.mark.parametrize(
    ("wait", "column"),
    [("'٣s'", 11), ("'٣'", 11), ("'1_0'", 11), ("'١m'", 11)],
)
def test_a_duration_in_other_digits_is_refused_at_its_place(wait, column):
    with pytest.raises(ScenarioFileError) as caught:
        parse_scenario(f"name: x\nsteps:\n  - wait: {wait}\n", "s.yaml")
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"s.yaml:3:{column}: wait: ")
    assert "is not a duration" in str(problem)


@pytest.mark.parametrize("text", ["٣", "١٢s", "1_0", "1_000ms"])
def test_parse_duration_reads_ascii_digits_only(text):
    with pytest.raises(ValueError, match="is not a duration"):
        parse_duration_ms(text)


@pytest.mark.parametrize(("text", "ms"), [("1e3", 1_000_000), ("2.", 2000), ("+1", 1000)])
def test_plain_numbers_of_seconds_still_read(text, ms):
    assert parse_duration_ms(text) == ms


@pytest.mark.parametrize("count", ["'٣'", "'²'"])
def test_an_expectation_count_in_other_digits_is_refused(count):
    with pytest.raises(ScenarioFileError) as caught:
        parse_scenario(
            f"name: x\nsteps:\n  - expect: {{event: ON_LOGIN, count: {count}}}\n", "s.yaml"
        )
    (problem,) = caught.value.problems
    assert str(problem).startswith("s.yaml:3:38: expect.count: expected a whole number")
