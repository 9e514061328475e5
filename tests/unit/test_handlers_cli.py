"""``adsim`` with handlers: options, exit codes and summary, ``adsim journal export|show``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.journal import Journal
from tests.unit.give_up import hangs_given_up

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "handlers"
CHAT = str(FIXTURES.parent / "scenarios" / "chat.yaml")
SECRET = "hush-hush-0451"


@pytest.fixture
def journal(tmp_path) -> str:
    return str(tmp_path / "journal.sqlite3")


def _demo(journal: str, *extra: str) -> int:
    return main(["demo", "--journal", journal, "--no-entry-points", *extra])


def test_a_clean_run_exits_0(journal, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ADSIM_CSV_LOG", str(tmp_path / "log.csv"))
    assert _demo(journal, "--handler", str(FIXTURES / "csv_logger.py")) == 0
    out, err = capsys.readouterr()
    record = json.loads(out)
    assert record["interactionId"] in (tmp_path / "log.csv").read_text(encoding="utf-8")
    assert "handlers:" not in err


def test_a_run_whose_handlers_failed_exits_1_with_a_summary(journal, monkeypatch, capsys):
    monkeypatch.setenv("ADSIM_MISBEHAVING_HANG", "60")
    # Its hang is given up at once; any other call has the time a busy machine may take.
    hangs_given_up(monkeypatch)
    code = _demo(
        journal,
        "--handler",
        str(FIXTURES / "misbehaving.py"),
        "--handler-timeout",
        "30",
        "--trace-handlers",
        # In-process: its "hang once" state lives on (a killed process forgets it).
        "--handler-isolation",
        "thread",
    )
    out, err = capsys.readouterr()
    assert code == 1
    assert json.loads(out)["state"] == "completed", "the run went on"
    assert "adsim: handlers: 2 of " in err
    assert "(1 error, 1 timeout)" in err
    assert "RuntimeError: CRM lookup failed" in err
    assert f"journal: {journal}" in err
    assert "Traceback" not in err, "the summary is one line per failure"


def test_load_errors_name_file_and_line_and_the_run_goes_on(journal, tmp_path, capsys):
    bad = tmp_path / "typo.py"
    bad.write_text(
        "def register(ad_api):\n    ad_api.on('ON_SAVE_ACTIVITY_RECORDS', print)\n",
        encoding="utf-8",
    )
    code = _demo(journal, "--handler", str(bad), "--handler", str(FIXTURES / "mini_crm.py"))
    out, err = capsys.readouterr()
    assert code == 1
    assert json.loads(out)["disposition"] == "Product sold"
    assert (
        f"adsim: handler not loaded: {bad}:2: unknown event 'ON_SAVE_ACTIVITY_RECORDS'; "
        "did you mean 'ON_SAVE_ACTIVITY_RECORD'?"
    ) in err
    assert "1 plugin(s) did not load" in err


@pytest.mark.parametrize("repeat", [[], ["--repeat", "2"]], ids=["one-run", "load-mode"])
def test_a_handler_that_did_not_load_is_no_pass_in_the_summary(tmp_path, capsys, repeat):
    """The command exited 1 (the integration never ran) under a summary that said PASS; in load
    mode it also said to load handlers with --handler, which the user had done."""
    bad = tmp_path / "broken.py"
    bad.write_text("def register(ad_api):\n    raise RuntimeError('no CRM')\n")
    argv = ["run", CHAT, "--journal", ":memory:", "--handler", str(bad), *repeat]
    assert main(argv) == 1
    out, err = capsys.readouterr()
    assert "PASS" not in out
    assert out.startswith("FAIL  ")
    assert "load handlers with --handler" not in out
    assert f"not loaded: {bad}:2: RuntimeError: no CRM" in err


def test_a_missing_handler_path_is_bad_input(journal, tmp_path, capsys):
    assert _demo(journal, "--handler", str(tmp_path / "gone.py")) == 2
    _, err = capsys.readouterr()
    assert err.strip() == f"adsim: {tmp_path / 'gone.py'}: no such handler file or directory"


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--handler-timeout", "0", "out of range: use 0.001 to 86,400 seconds"),
        ("--handler-timeout", "soon", "not a number"),
        ("--webhook-events", "ON_SAVE_ACTIVITY", "did you mean 'ON_SAVE_ACTIVITY_RECORD'"),
    ],
)
def test_bad_options_exit_2(journal, capsys, option, value, message):
    with pytest.raises(SystemExit) as exit_info:
        _demo(journal, option, value)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_an_unusable_journal_is_bad_input(tmp_path, capsys):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database" * 200)
    assert _demo(str(junk)) == 2
    assert "not a usable adsim journal" in capsys.readouterr().err


def test_journal_export_and_show(journal, capsys):
    assert _demo(journal) == 0
    iid = json.loads(capsys.readouterr().out)["interactionId"]

    assert main(["journal", "export", "--journal", journal, "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows[0]["event"] == "ON_LOGIN"
    assert any(r["event"] == "ON_SAVE_ACTIVITY_RECORD" for r in rows)

    assert main(["journal", "export", "--journal", journal, "--format", "csv",
                 "--interaction", iid])  == 0  # fmt: skip
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert table
    assert {r["interactionId"] for r in table} == {iid}

    assert main(["journal", "show", iid, "--journal", journal]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith(f"run 1: interaction {iid}")
    assert "ON_SAVE_ACTIVITY_RECORD" in shown

    assert main(["journal", "show", "NO-SUCH-ID", "--journal", journal]) == 2
    assert "no events of interaction 'NO-SUCH-ID'" in capsys.readouterr().err


def test_journal_commands_need_an_existing_journal(tmp_path, capsys):
    missing = str(tmp_path / "none.sqlite3")
    assert main(["journal", "export", "--journal", missing, "--format", "jsonl"]) == 2
    assert "no journal here" in capsys.readouterr().err


def test_the_webhook_secret_never_reaches_the_journal_or_the_output(
    journal, tmp_path, capsys, httpserver
):
    httpserver.expect_request("/hook").respond_with_data("nope", status=500)
    url = httpserver.url_for("/hook")
    code = _demo(
        journal,
        *("--webhook", url, "--webhook-secret", SECRET, "--trace-handlers"),
        *("--webhook-attempts", "3", "--webhook-backoff", "0.001"),
    )
    out, err = capsys.readouterr()
    assert code == 1
    assert "webhook" in err
    assert SECRET not in out + err
    assert len(httpserver.log) == 3, "retried"
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert SECRET.encode() not in raw
    assert main(["journal", "export", "--journal", journal, "--format", "jsonl"]) == 0
    assert SECRET not in capsys.readouterr().out


SCENARIO = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios"


@pytest.mark.parametrize(
    "broken",
    [
        ("def register(ad_api):\n    ad_api.on('ON_SAVE_ACTIVTY_RECORD', print)\n", 2, "unknown"),
        ("def register(ad_api):\n    ad_api.on(\n", 2, "syntax error"),
    ],
)
@pytest.mark.parametrize("repeat", ["1", "3"])
def test_run_exits_1_when_a_handler_plugin_does_not_load(journal, tmp_path, capsys, broken, repeat):
    text, line, message = broken
    bad = tmp_path / "broken.py"
    bad.write_text(text, encoding="utf-8")
    code = main(
        [
            "run",
            str(SCENARIO / "inbound_acw_disposition.yaml"),
            "--handler",
            str(bad),
            "--journal",
            journal,
            "--no-entry-points",
            "--repeat",
            repeat,
        ]
    )
    _, err = capsys.readouterr()
    assert code == 1, "CI must not go green while the integration never ran"
    assert f"not loaded: {bad}:{line}: {message}" in err


def test_load_mode_builds_the_host_and_scans_entry_points_once(tmp_path, monkeypatch, capsys):
    import importlib.metadata

    from simulator.handlers import entry_points

    registered = tmp_path / "registered.txt"
    plugin = tmp_path / "counts.py"
    plugin.write_text(
        "import os\n\n\ndef register(ad_api):\n"
        f"    with open({str(registered)!r}, 'a') as f:\n"
        "        f.write(f'{os.getpid()}\\n')\n"
        "    ad_api.on('ON_SAVE_ACTIVITY_RECORD', lambda activity: None)\n",
        encoding="utf-8",
    )
    scans = []
    real = importlib.metadata.entry_points

    def counted(**kwargs):
        scans.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(importlib.metadata, "entry_points", counted)
    monkeypatch.setattr(entry_points, "_ENTRIES", {})
    path = tmp_path / "journal.sqlite3"
    code = main(
        [
            "run",
            str(SCENARIO / "inbound_acw_disposition.yaml"),
            *("--repeat", "3", "--handler", str(plugin), "--journal", str(path)),
        ]
    )
    assert code == 0, capsys.readouterr().err
    assert len(registered.read_text(encoding="utf-8").splitlines()) == 1, "one host, one load"
    assert len(scans) <= 2, "the entry points are read once for the host (and once to decide)"
    with Journal.open(path) as journal:
        runs = journal.runs()
        assert len(runs) == 3, "each repeat is its own journal run"
        assert {len(journal.events(run_id=run[0])) for run in runs} == {16}
        assert len(journal.outcomes()) == 3


MULTI_LINE_HANDLER = """\
def register(ad_api):
    def on_new(data):
        raise ValueError("first line\\nsecond line \\x1b[2J")
    ad_api.on("ON_NEW_INTERACTION", on_new)
"""


def test_a_handler_error_over_several_lines_is_one_line_of_adsim(tmp_path, capsys):
    """An exception message with a newline split the failure: its second line did not start
    with ``adsim:`` (read as adsim's own, missed by a grep), and an escape sequence in it
    reached the terminal. Printed with escapes; the journal keeps the exact text."""
    handler = tmp_path / "multi.py"
    handler.write_text(MULTI_LINE_HANDLER)
    journal = tmp_path / "j.sqlite3"
    argv = ["run", CHAT, "--journal", str(journal), "--handler", str(handler)]
    assert main([*argv, "--handler-isolation", "thread"]) == 1
    out, err = capsys.readouterr()
    escaped = "ValueError: first line\\nsecond line \\x1b[2J"
    assert all(line.startswith("adsim:") for line in err.splitlines()), err
    assert sum(escaped in line for line in err.splitlines()) == 1
    assert f"error {escaped}" in out
    assert "\x1b" not in out + err
    with Journal.open(journal, writing=False) as read:
        [outcome] = read.outcomes()
        iid = outcome.interaction_id
    assert outcome.error == "ValueError: first line\nsecond line \x1b[2J"
    assert main(["journal", "show", iid, "--journal", str(journal)]) == 0
    shown = capsys.readouterr().out
    assert escaped in shown
    assert "\x1b" not in shown


SAVE_HANDLER = """\
def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda record: None)
"""


@pytest.mark.parametrize("twice", ["file-twice", "folder-and-its-file"])
def test_a_plugin_given_twice_is_refused_not_loaded_twice(tmp_path, capsys, twice):
    """Loaded twice (``save`` and ``save#2``), a plugin got every event twice: the CRM got each
    record twice, as if the integration saved twice."""
    folder = tmp_path / "handlers"
    folder.mkdir()
    save = folder / "save.py"
    save.write_text(SAVE_HANDLER)
    first = str(save) if twice == "file-twice" else str(folder)
    argv = ["run", CHAT, "--journal", ":memory:", "--no-entry-points"]
    assert main([*argv, "--handler", first, "--handler", str(save)]) == 2
    out, err = capsys.readouterr()
    what = (
        "given twice with --handler"
        if twice == "file-twice"
        else f"save.py is loaded already by --handler {folder}"
    )
    assert out == ""
    assert err == (
        f"adsim: {save}: {what}: give each plugin once (loaded twice, it gets every event twice)\n"
    )
    assert main([*argv, "--handler", first]) == 0


@pytest.mark.parametrize("isolation", ["process", "thread"])
def test_a_scenarios_handler_also_given_with_handler_is_loaded_once(tmp_path, isolation):
    """A scenario's ``handlers: [save.py]`` run with ``--handler save.py`` (the scenario needs
    it, the command line names it): ``save`` and ``save#2`` both got every event."""
    save = tmp_path / "save.py"
    save.write_text(SAVE_HANDLER)
    scenario = tmp_path / "flow.yaml"
    scenario.write_text(Path(CHAT).read_text().replace("seed: 12", "handlers: [save.py]"))
    journal = tmp_path / "j.sqlite3"
    argv = ["run", str(scenario), "--journal", str(journal), "--handler", str(save)]
    assert main([*argv, "--no-entry-points", "--handler-isolation", isolation]) == 0
    with Journal.open(journal, writing=False) as read:
        outcomes = read.outcomes()
    assert [(o.plugin, o.event_name) for o in outcomes] == [("save", "ON_SAVE_ACTIVITY_RECORD")]


BROKEN_STR_HANDLER = """\
class CrmError(Exception):
    def __str__(self):
        raise ValueError("the message cannot be built")


def register(ad_api):
    def on_new(data):
        raise CrmError()

    ad_api.on("ON_NEW_INTERACTION", on_new)
    if ad_api.api_version == "2026":
        raise CrmError()
"""


@pytest.mark.parametrize("isolation", ["thread", "process"])
@pytest.mark.parametrize("when", ["call", "load"])
def test_an_exception_whose_str_raises_is_the_handlers_error_not_adsims(
    tmp_path, capsys, when, isolation
):
    """Its message could not be formatted: the handler's fault became "internal error while
    handling event #4 (please report it)", its outcome was lost ("0 of 5 calls failed"), and at
    load the formatting error escaped the loader; in a plugin process, the process died and the
    call was reported ``crashed``."""
    handler = tmp_path / "broken_str.py"
    handler.write_text(BROKEN_STR_HANDLER)
    argv = ["run", CHAT, "--journal", ":memory:", "--handler", str(handler)]
    argv += ["--handler-isolation", isolation, "--no-entry-points"]
    if when == "load":
        argv += ["--api-version", "2026"]
    assert main(argv) == 1
    out, err = capsys.readouterr()
    assert "internal error" not in err
    assert "Traceback" not in err
    if when == "call":
        assert "error CrmError: <exception str() failed>" in out
        assert "1 of 1 calls failed (1 error)" in err
    else:
        assert f"not loaded: {handler}:12: CrmError: <exception str() failed>" in err


def test_api_expectations_in_load_mode_see_their_own_runs_calls(tmp_path, capsys):
    """The envelopes handlers got were kept across the repeats: run 2 of a scenario expecting
    one setDisposition saw 2 ("2 came"), and a call of run 1 could pass run 5."""
    plugin = tmp_path / "crm.py"
    plugin.write_text(
        "def on_state(interaction):\n"
        "    if interaction.state.value == 'wrap_up' and not interaction.disposition:\n"
        "        API.set_disposition('Product sold', interaction.interaction_id)\n\n"
        "def register(ad_api):\n"
        "    global API\n"
        "    API = ad_api\n"
        "    ad_api.on('ON_INTERACTION_STATE_CHANGE', on_state)\n",
        encoding="utf-8",
    )
    scenario = tmp_path / "flow.yaml"
    scenario.write_text(
        "name: one disposition a run\nseed: 5\nsteps:\n  - call: Sales\n  - wait: 4s\n"
        "  - accept\n  - hang_up: customer\n  - complete\n"
        "  - expect: {api: {method: setDisposition, count: 1}}\n",
        encoding="utf-8",
    )
    argv = ["run", str(scenario), "--handler", str(plugin), "--journal", ":memory:"]
    argv += ["--handler-isolation", "thread", "--no-entry-points", "--repeat", "3"]
    code = main(argv)
    out, _ = capsys.readouterr()
    assert code == 0, out
    assert "3 runs, 0 failed runs" in out


@pytest.mark.parametrize(
    ("expectation", "said"),
    [
        (
            "{handler: {plugin: crm_sycn, count: 0}}",
            "`plugin: crm_sycn` names no plugin this run loaded (did you mean `crm_sync`?); "
            "plugins: crm_sync",
        ),
        (
            "{handler: {handler: on_sav, count: 0}}",
            "`handler: on_sav` names no handler a plugin registered (did you mean `on_save`?); "
            "handlers: on_save",
        ),
        (
            "{api: {method: setDisposition, plugin: crm_sycn, count: 0}}",
            "`plugin: crm_sycn` names no plugin this run loaded (did you mean `crm_sync`?); "
            "plugins: crm_sync",
        ),
    ],
)
def test_an_expectation_naming_no_loaded_plugin_or_handler_fails(
    tmp_path, capsys, expectation, said
):
    """`count: 0` of a misspelt plugin matched no outcome, so "never called" passed whatever
    the plugin did."""
    plugin = tmp_path / "crm_sync.py"
    plugin.write_text(
        "def on_save(activity):\n    return 'saved'\n\n"
        "def register(ad_api):\n    ad_api.on('ON_SAVE_ACTIVITY_RECORD', on_save)\n",
        encoding="utf-8",
    )
    scenario = tmp_path / "flow.yaml"
    scenario.write_text(
        "name: typo\nseed: 5\nsteps:\n  - call: Sales\n  - wait: 4s\n  - accept\n"
        f"  - hang_up: customer\n  - disposition: Product sold\n  - complete\n"
        f"  - expect: {expectation}\n",
        encoding="utf-8",
    )
    argv = ["run", str(scenario), "--handler", str(plugin), "--journal", ":memory:"]
    code = main([*argv, "--handler-isolation", "thread", "--no-entry-points"])
    out, _ = capsys.readouterr()
    assert code == 1, out
    assert f"flow.yaml:10:5: {said}" in out


@pytest.mark.parametrize("isolation", ["process", "thread"])
def test_a_demo_step_a_handler_did_first_is_noted_not_passed_over(
    journal, tmp_path, capsys, isolation
):
    # An integration that answers the call itself (ON_NEW_INTERACTION -> acceptInteraction)
    # leaves the demo's own accept nothing to do: the engine refuses it, and the demo says so
    # (it said nothing: the record printed read as the demo's own call).
    plugin = tmp_path / "auto_answer.py"
    plugin.write_text(
        "def register(ad_api):\n"
        "    ad_api.on('ON_NEW_INTERACTION',\n"
        "              lambda i: ad_api.accept_interaction(i.interaction_id))\n",
        encoding="utf-8",
    )
    code = _demo(journal, "--handler", str(plugin), "--handler-isolation", isolation)
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)["state"] == "completed"
    notes = [line for line in err.splitlines() if "the demo's step" in line]
    assert notes == [
        "adsim: note: the demo's step accept_interaction was refused: not_suitable_state (15): "
        "cannot accept a voice interaction in state delivered"
    ]


def test_a_demo_whose_steps_all_went_through_notes_nothing(journal, capsys):
    assert _demo(journal) == 0
    assert "note:" not in capsys.readouterr().err
