"""The command line's shape: no abbreviations, numbers checked, short errors, quiet broken pipes,
options where they belong, a demo for any tenant, and only the chosen command's imports."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[2]
CHAT = str(ROOT / "fixtures" / "scenarios" / "chat.yaml")
NORTHWIND = str(ROOT / "fixtures" / "tenants" / "northwind-bank.yaml")


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


@pytest.mark.parametrize(
    "argv",
    [
        ["run", CHAT, "--webhook-secr", "s3cr3t-value"],
        ["demo", "--webhook-secr=s3cr3t-value"],
        ["demo", "--handler-time", "3"],
        ["generate", "--cou", "3"],
        ["journal", "export", "--out", "x.jsonl"],
        ["--scen", CHAT],
        ["--them", "dark", "demo"],
    ],
)
def test_abbreviated_options_are_refused(argv, capsys):
    err = _refused(argv, capsys)
    abbreviated = next(arg for arg in argv if arg.startswith("--")).split("=")[0]
    assert f"unrecognized arguments: {abbreviated} (did you mean --" in err.splitlines()[0]
    assert "s3cr3t-value" not in err


@pytest.mark.parametrize(
    ("argv", "meant"),
    [
        (["demo", "--handlr", "crm.py"], "--handler"),
        (["demo", "--handle", "crm.py"], "--handler"),
        (["run", CHAT, "--handler-timout", "3"], "--handler-timeout"),
        (["run", "--trace", CHAT], "--trace-handlers"),
        (["generate", "--count", "3", "--outpt", "x.jsonl"], "--output"),
        (["journal", "runs", "--lats", "3"], "--last"),
        (["--scenaro", CHAT], "--scenario"),
    ],
)
def test_a_misspelt_option_says_which_was_meant(argv, meant, capsys):
    """``unrecognized arguments: --handlr`` named the typo and not what to write."""
    first = _refused(argv, capsys).splitlines()[0]
    assert first.endswith(f" (did you mean {meant}?)"), first


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["run", CHAT, "--rate", "1e-300"], "--rate"),
        (["run", CHAT, "--rate", "inf"], "--rate"),
        (["run", CHAT, "--rate", "nan"], "--rate"),
        (["run", CHAT, "--handler-timeout", "nan"], "--handler-timeout"),
        (["run", CHAT, "--handler-timeout", "-inf"], "--handler-timeout"),
        (["run", CHAT, "--handler-timeout", "1e308"], "--handler-timeout"),
        (["run", CHAT, "--repeat", "0"], "--repeat"),
        (["run", CHAT, "--repeat", "1e9"], "--repeat"),
        (["run", CHAT, "--repeat", "99999999999999"], "--repeat"),
        (["run", CHAT, "--seed", "-1"], "--seed"),
        (["run", CHAT, "--seed", str(2**64)], "--seed"),
        (["run", CHAT, "--page-timeout", "nan"], "--page-timeout"),
        (["run", CHAT, "--max-scenario-size", "1e-300"], "--max-scenario-size"),
        (["demo", "--webhook-backoff", "inf"], "--webhook-backoff"),
        (["demo", "--webhook-attempts", "100000"], "--webhook-attempts"),
        (["demo", "--seed", "nan"], "--seed"),
        (["generate", "--count", "0"], "--count"),
        (["generate", "--count", "3", "--seed", "1e9"], "--seed"),
        (["journal", "export", "--run", "nan"], "--run"),
    ],
)
def test_bad_numbers_are_one_line_naming_the_option(argv, option, capsys):
    err = _refused(argv, capsys)
    first, hint = err.splitlines()
    assert f"argument {option}" in first
    assert hint.startswith("hint: adsim ")
    assert "Traceback" not in err


def test_an_unknown_option_is_reported_by_its_subcommand(capsys):
    err = _refused(["run", "--bogus"], capsys)
    assert err.splitlines() == [
        "adsim run: unrecognized arguments: --bogus",
        "hint: adsim run --help",
    ]
    err = _refused(["journal", "export", "--bogus"], capsys)
    assert err.splitlines()[0] == "adsim journal export: unrecognized arguments: --bogus"


@pytest.mark.parametrize("before", [[], ["-o", "events.jsonl"]])
def test_a_scenario_whose_name_starts_with_a_dash_is_not_said_to_be_missing(before, capsys):
    """``adsim run -flow.yaml``: argparse takes it for an option, and said only that SCENARIO
    is required, of a scenario that was given."""
    err = _refused(["run", *before, "-flow.yaml"], capsys)
    assert err.splitlines() == [
        "adsim run: the following arguments are required: SCENARIO (-flow.yaml was read as an "
        "option: give a file so named as ./-flow.yaml)",
        "hint: adsim run --help",
    ]
    # an option's value is none: -oFILE, and a negative number (refused as a seed)
    assert "read as an option" not in _refused(["run", "-oevents.jsonl"], capsys)
    assert "read as an option" not in _refused(["run", "--seed", "-1"], capsys)


def test_argparse_errors_are_two_lines_not_a_usage_block(capsys):
    err = _refused(["generate"], capsys)
    assert err.splitlines() == [
        "adsim generate: the following arguments are required: --count",
        "hint: adsim generate --help",
    ]
    assert "usage:" not in _refused(["nosuchcommand"], capsys)


@pytest.mark.parametrize("option", [["--seed", "5"], ["--tenant", "broken.yaml"]])
def test_window_options_before_a_command_are_refused_not_ignored(option, capsys):
    err = _refused([*option, "demo"], capsys)
    assert f"{option[0]} before the command is an option of the window" in err
    assert len(err.splitlines()) == 2


def test_demo_runs_with_the_northwind_tenant(capsys):
    assert main(["demo", "--tenant", NORTHWIND, "--journal", ":memory:"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["service"] == "Card Services"
    assert record["disposition"] == "Card blocked"


def test_run_takes_a_tenant_for_every_scenario(tmp_path, capsys):
    out = tmp_path / "events.jsonl"
    # Chat's service is in the default tenant only: with northwind's the step is refused.
    code = main(["run", CHAT, "--tenant", NORTHWIND, "--journal", ":memory:", "-o", str(out)])
    assert code == 2
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("spelling", ["--output", "-o", "--events-out"])
def test_one_output_option_with_the_documented_old_spelling_hidden(spelling, tmp_path, capsys):
    out = tmp_path / "events.jsonl"
    assert main(["run", CHAT, "--journal", ":memory:", spelling, str(out)]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 15
    help_text = build_parser()._subparsers._group_actions[0].choices["run"].format_help()  # type: ignore[union-attr]
    assert "--output" in help_text and "--events-out" not in help_text


@pytest.mark.parametrize(
    "argv",
    [
        ["generate", "--count", "20000"],
        ["run", CHAT, "--journal", ":memory:", "--output", "-", "--repeat", "400"],
    ],
)
def test_a_closed_pipe_ends_quietly(argv):
    """``adsim ... | head -1``: the reader leaves early; no traceback, exit 141 as for SIGPIPE."""
    with subprocess.Popen(
        [sys.executable, "-m", "simulator", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline().startswith(b"{")
        process.stdout.close()  # what head does after its line
        err = process.stderr.read().decode()
        code = process.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert code == 141


def test_journal_export_into_a_closed_pipe_ends_quietly(tmp_path):
    journal = tmp_path / "j.sqlite"
    assert main(["run", CHAT, "--journal", str(journal), "--repeat", "200"]) == 0
    with subprocess.Popen(
        [sys.executable, "-m", "simulator", "journal", "export", "--journal", str(journal)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline().startswith(b"{")
        process.stdout.close()
        err = process.stderr.read().decode()
        code = process.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert code == 141


@pytest.mark.parametrize(
    ("argv", "absent"),
    [
        (["--help"], ["simulator.engine", "simulator.scenarios", "pydantic", "yaml"]),
        (["schema"], ["simulator.engine", "simulator.scenarios", "simulator.handlers"]),
        # Start-up (issue 11): what the demo does not use stays out of it. Faker's tables and
        # the fictional ranges are committed; multiprocessing and subprocess wait for a plugin
        # process, difflib for a misspelt event name, the later versions' models for a run of
        # those versions, httpx for a webhook; Faker's version is read without email.parser.
        (
            ["demo", "--journal", ":memory:"],
            [
                "simulator.scenarios",
                "simulator.web",
                "faker",
                "phonenumbers",
                "multiprocessing",
                "subprocess",
                "difflib",
                "email.parser",
                "httpx",
                "simulator.contract.models_5_24_1",
                "simulator.contract.models_2026",
            ],
        ),
    ],
)
def test_a_command_imports_only_what_it_needs(argv, absent):
    code = (
        "import sys\n"
        "from simulator.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"loaded = [name for name in {absent!r} if name in sys.modules]\n"
        "print(loaded, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr


def test_the_windows_api_version_metavar_lists_every_version():
    from simulator.cli import API_VERSIONS_METAVAR
    from simulator.contract.versions import API_VERSIONS

    assert "|".join(API_VERSIONS) == API_VERSIONS_METAVAR


def test_adsim_pauses_the_collector_while_it_imports_and_runs_the_command_with_it_on():
    # Start-up: the imports' objects are frozen for the collector (gc.freeze), the command
    # itself runs with the collector on; a caller's main([...]) leaves its collector alone.
    code = (
        "import gc, sys\n"
        "from simulator import cli, cli_commands\n"
        "seen = []\n"
        "real = cli_commands._cmd_demo\n"
        "def demo(args):\n"
        "    seen.append((gc.isenabled(), gc.get_freeze_count() > 0))\n"
        "    return real(args)\n"
        "cli_commands._cmd_demo = demo\n"
        "sys.argv = ['adsim', 'demo', '--journal', ':memory:']\n"
        "assert cli.main() == 0\n"
        "print(seen, gc.isenabled(), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "[(True, True)] True", done.stderr


def test_a_callers_main_leaves_its_collector_alone(capsys):
    frozen = gc.get_freeze_count()
    assert main(["schema"]) == 0
    assert capsys.readouterr().out.startswith("{")
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen


@pytest.mark.parametrize(
    ("given", "line"),
    [
        ("nan", "'nan' is not a finite number of megabytes"),
        ("inf", "'inf' is not a finite number of megabytes"),
        ("0", "0 is out of range: use more than 0 and at most 4,096 megabytes"),
        ("5000", "5000 is out of range: use more than 0 and at most 4,096 megabytes"),
    ],
)
def test_a_scenario_size_limit_out_of_range_says_what_was_given(given, line, capsys):
    """``--max-scenario-size nan`` was "must be more than 0 and at most 4096 MB", as if nan
    were a number below 0: the value given, and the words of every other number option."""
    err = _refused(["run", CHAT, "--max-scenario-size", given], capsys)
    assert err.splitlines()[0] == f"adsim run: argument --max-scenario-size: {line}"


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (
            ["run", CHAT, "--seed", "1", "--seed", "2"],
            "adsim run: argument --seed: given twice: give it once (the second replaced the first)",
        ),
        (
            ["run", CHAT, "--output", "a1.jsonl", "--events-out", "a2.jsonl"],
            "adsim run: argument --output: given twice, as --output and --events-out: give it "
            "once (the second replaced the first)",
        ),
        (
            ["run", CHAT, "-oa1.jsonl", "--output=a2.jsonl"],
            "adsim run: argument -o: given twice, as -o and --output: give it once (the second "
            "replaced the first)",
        ),
        (
            ["demo", "--webhook-secret", "s3cr3t-value", "--webhook-secret=other-s3cr3t"],
            "adsim demo: argument --webhook-secret: given twice: give it once (the second "
            "replaced the first)",
        ),
        (
            ["--seed", "4", "--seed", "5", "demo"],
            "adsim: argument --seed: given twice: give it once (the second replaced the first)",
        ),
    ],
)
def test_an_option_of_one_value_given_twice_is_refused(argv, line, capsys):
    """The last one won in silence: ``--output a1.jsonl --events-out a2.jsonl`` never wrote
    a1.jsonl, and a CI script that appends its own ``--seed`` ran with one the log did not say."""
    err = _refused(argv, capsys)
    assert err.splitlines()[0] == line
    assert "s3cr3t" not in err


def test_options_that_take_several_values_may_be_repeated(tmp_path, capsys):
    handler = tmp_path / "crm.py"
    handler.write_text("def register(ad_api):\n    pass\n", encoding="utf-8")
    other = tmp_path / "other.py"
    other.write_text("def register(ad_api):\n    pass\n", encoding="utf-8")
    argv = [
        "run",
        CHAT,
        "--journal",
        ":memory:",
        "--handler",
        str(handler),
        "--handler",
        str(other),
    ]
    assert main(argv) == 0
    assert "given twice" not in capsys.readouterr().err
