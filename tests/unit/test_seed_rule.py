"""One rule for a seed, on the command line and in a scenario file: a whole number from 0 to
2**53 (the largest number a file may hold), refused in the same words, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator import numbers
from simulator.cli import main
from simulator.data.bounded_yaml import MAX_NUMBER

ROOT = Path(__file__).resolve().parents[2]
CHAT = str(ROOT / "fixtures" / "scenarios" / "chat.yaml")


def _cli_error(seed: int, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main(["run", CHAT, "--seed", str(seed)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    first = err.splitlines()[0]
    prefix = "adsim run: argument --seed: "
    assert first.startswith(prefix), first
    return first.removeprefix(prefix)


def _file_error(seed: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = tmp_path / "seeded.yaml"
    path.write_text(f"seed: {seed}\nsteps:\n  - login\n", encoding="utf-8")
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    prefix = f"adsim: {path}:1:7: "
    assert err.startswith(prefix), err
    return err.strip().removeprefix(prefix).removeprefix("seed: ")


def test_the_largest_seed_is_the_largest_number_a_file_may_hold():
    assert numbers.MAX_SEED == MAX_NUMBER == 2**53


@pytest.mark.parametrize("seed", [2**53 + 1, 2**63 - 1, -1])
def test_a_seed_out_of_range_is_refused_alike_by_the_option_and_the_file(seed, tmp_path, capsys):
    from_cli = _cli_error(seed, capsys)
    from_file = _file_error(seed, tmp_path, capsys)
    assert from_cli == from_file
    assert from_cli in (
        f"{seed} is too big (at most 9,007,199,254,740,992)",
        f"{seed} is negative: a seed is a whole number from 0 to 9,007,199,254,740,992",
    )


def test_the_largest_seed_is_taken_by_both(tmp_path, capsys):
    events_cli, events_file = tmp_path / "cli.jsonl", tmp_path / "file.jsonl"
    assert main(["run", CHAT, "--seed", str(2**53), "--output", str(events_cli)]) == 0
    seeded = tmp_path / "chat.yaml"
    text = Path(CHAT).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("seed:")]
    seeded.write_text(f"seed: {2**53}\n" + "\n".join(lines) + "\n", encoding="utf-8")
    assert main(["run", str(seeded), "--output", str(events_file)]) == 0
    assert events_cli.read_bytes() == events_file.read_bytes()
    capsys.readouterr()


@pytest.mark.parametrize("where", ["option", "file"])
def test_repeat_never_runs_a_seed_past_the_rule(tmp_path, capsys, where):
    """``--repeat N`` runs seeds S to S+N-1: from 2**53 the second run's seed was one no
    ``--seed`` takes, so a failed run named a seed that could not be given back."""
    top = numbers.MAX_SEED
    if where == "option":
        argv = ["run", CHAT, "--seed", str(top), "--repeat", "2"]
    else:
        scenario = tmp_path / "top.yaml"
        scenario.write_text(Path(CHAT).read_text().replace("seed: 12", f"seed: {top}"))
        argv = ["run", str(scenario), "--repeat", "2"]
    assert main([*argv, "--journal", ":memory:"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"adsim: --repeat: Chat would run seeds {top:,} to {top + 1:,}, past the largest seed "
        f"({top:,}); lower --seed or --repeat\n"
    )
    assert main([*argv[:-1], "1", "--journal", ":memory:"]) == 0
