"""Ordinary hostile conditions on the command line: a locale that cannot encode the text, an
output folder that is not there, a handler folder with no plugins, Ctrl-C and SIGTERM mid-run.
Each runs ``adsim`` as a real process, as a CI job would."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.handlers.plugins import NO_PLUGINS
from simulator.journal.store import ENV_JOURNAL

ROOT = Path(__file__).resolve().parents[2]
CHAT = str(ROOT / "fixtures" / "scenarios" / "chat.yaml")
WAIT = 60
"""Seconds a child process has for what takes well under one (a loaded 2-core machine)."""

UNICODE_SCENARIO = """\
name: Zoë's café call ✓
seed: 3
steps:
  - call:
      service: Sales
      customer: {first_name: Zoë, last_name: Ünal, phone: "+1 415 555 0134"}
  - wait: 4s
  - accept
  - hang_up: customer
  - disposition: Product sold
  - note: "Café crème ☕"
  - complete
"""


def _adsim(argv: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "simulator", *argv],
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=WAIT * 2,
        check=False,
    )


@pytest.mark.parametrize(
    "env",
    [
        {"PYTHONIOENCODING": "ascii"},
        {"PYTHONIOENCODING": "cp1252"},  # a Windows console's code page
        {"LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"},
    ],
    ids=["ascii", "cp1252", "C-locale"],
)
def test_text_the_locale_cannot_encode_is_written_not_a_traceback(tmp_path, env):
    scenario = tmp_path / "café.yaml"
    scenario.write_text(UNICODE_SCENARIO, encoding="utf-8")
    env = {**env, "ADSIM_JOURNAL": str(tmp_path / "j.sqlite")}
    summary = _adsim(["run", str(scenario)], env)
    assert summary.returncode == 0, summary.stderr.decode(errors="replace")
    assert b"Traceback" not in summary.stderr
    # Data on a pipe is UTF-8 whatever the locale (JSON must be): every line parses.
    events = _adsim(["run", str(scenario), "--output", "-"], env)
    assert events.returncode == 0, events.stderr.decode(errors="replace")
    assert "PASS  Zo" in events.stderr.decode("ascii", errors="replace")
    records = [json.loads(line) for line in events.stdout.decode("utf-8").splitlines()]
    saved = [r for r in records if r["event"] == "ON_SAVE_ACTIVITY_RECORD"]
    assert saved[0]["args"][0]["description"] == "Café crème ☕"


@pytest.mark.parametrize("where", ["missing/out.jsonl", "."], ids=["missing-folder", "a-folder"])
def test_journal_export_to_an_unwritable_output_is_one_line(tmp_path, capsys, where):
    journal = str(tmp_path / "j.sqlite")
    assert main(["run", CHAT, "--journal", journal]) == 0
    capsys.readouterr()
    target = str(tmp_path / where)
    assert main(["journal", "export", "--journal", journal, "--output", target]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"adsim: {target}: cannot write the export: ")
    assert len(err.splitlines()) == 1


def test_a_handler_folder_with_no_plugins_is_refused_not_a_green_run(tmp_path, capsys):
    """``--handler DIR`` where DIR has no plugin loaded nothing and passed: CI went green while
    the integration never ran."""
    folder = tmp_path / "handlers"
    folder.mkdir()
    (folder / "_shared.py").write_text("X = 1\n")  # not a plugin: names starting with _
    for argv in (["run", CHAT], ["demo"]):
        code = main([*argv, "--journal", ":memory:", "--handler", str(folder)])
        err = capsys.readouterr().err
        assert code == 2, (argv, err)
        assert err == f"adsim: {folder}: {NO_PLUGINS}; check --handler\n"


def test_a_scenario_handlers_folder_with_no_plugins_is_refused_at_its_line(tmp_path, capsys):
    (tmp_path / "none").mkdir()
    scenario = tmp_path / "flow.yaml"
    scenario.write_text("name: x\nhandlers: [none]\nsteps: [login]\n")
    assert main(["run", str(scenario)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"adsim: {scenario}:2:12: '{tmp_path / 'none'}': {NO_PLUGINS}")


SAVE_HANDLER = """\
def save(activity):
    return activity.interaction_id


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""

STUCK_HANDLER = """\
import sys


def save(activity):
    sys.stderr.write("stuck in save\\n")
    sys.stderr.flush()
    while True:
        pass


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""

PRINTING_HANDLER = """\
import sys


def save(activity):
    print("plugin says", activity.interaction_id)
    print("plugin warns \u2713", file=sys.stderr)


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""


def test_a_plugins_print_goes_to_stderr_and_the_output_stays_json(tmp_path):
    """A plugin's debugging ``print`` went to adsim's stdout, into the JSON lines of
    ``--output -``; in an ASCII locale a ``✓`` in it failed the handler."""
    (tmp_path / "loud.py").write_text(PRINTING_HANDLER, encoding="utf-8")
    argv = ["run", CHAT, "--journal", ":memory:", "--handler", str(tmp_path / "loud.py")]
    done = _adsim([*argv, "--output", "-"], {"PYTHONIOENCODING": "ascii"})
    err = done.stderr.decode("ascii")
    assert done.returncode == 0, err
    events = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    (saved,) = [e for e in events if e["event"] == "ON_SAVE_ACTIVITY_RECORD"]
    assert f"plugin says {saved['interactionId']}\n" in err
    assert "plugin warns \\u2713\n" in err


CLOSES_STDOUT = """\
import sys


def save(activity):
    sys.stdout.close()


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""


def test_a_handler_that_closes_stdout_is_one_line_not_a_traceback(tmp_path):
    """In thread isolation a handler shares adsim's stdout: closing it left the report unwritten
    with a ``ValueError`` traceback (then a line saying the report could not be written). The
    close is refused: the report is written, and the summary names who closed it."""
    (tmp_path / "closes.py").write_text(CLOSES_STDOUT, encoding="utf-8")
    argv = ["run", CHAT, "--journal", ":memory:", "--handler", str(tmp_path / "closes.py")]
    done = _adsim([*argv, "--handler-isolation", "thread"])
    err = done.stderr.decode("utf-8")
    assert done.returncode == 1, err
    assert "Traceback" not in err
    assert done.stdout.decode("utf-8").startswith("FAIL  Chat  ")
    assert "adsim:   plugin closes: save replaced or closed adsim's sys.stdout; " in err


# A thread printing to adsim's stderr beside the main thread writing whole lines there, as the
# first Ctrl-C's notice is written (os.write, from the signal handler).
_THREADS_ON_STDERR = """\
import os, sys, threading

sys.argv = ["adsim", "--version"]
from simulator.cli import main

try:
    main()  # sets up adsim's streams
except SystemExit:
    pass


def spam():
    for _ in range(2000):
        print("x" * 60, file=sys.stderr)


thread = threading.Thread(target=spam)
thread.start()
for _ in range(2000):
    os.write(2, b"y" * 60 + b"\\n")
thread.join()
"""


def test_lines_from_several_threads_on_stderr_stay_whole():
    """Python's stderr, when it is not a terminal, writes a line's text and its newline
    separately: a line written in between was glued into the middle of another
    (``... save okadsim: interrupted ...``)."""
    done = subprocess.run(
        [sys.executable, "-c", _THREADS_ON_STDERR],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=WAIT * 2,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stderr.splitlines()
    assert len(lines) == 4000
    assert set(lines) == {"x" * 60, "y" * 60}


posix_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="signals and /proc: Linux"
)


def _session_processes(sid: int) -> list[tuple[int, str]]:
    """(pid, command line) of the live processes of session ``sid`` (zombies excluded): adsim
    started with ``start_new_session``, its plugin processes (each leads a process group of its
    own) and whatever they started."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:  # it ended meanwhile
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after "pid (comm)": state ppid pgrp session
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append((int(entry), cmdline.replace(b"\0", b" ").decode(errors="replace")))
    return found


def _group(sid: int) -> list[str]:
    """The command lines of the live processes of session ``sid`` (see ``_session_processes``)."""
    return [command for _pid, command in _session_processes(sid)]


def _kill_session(sid: int) -> None:
    for pid, _command in _session_processes(sid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


# ``adsim`` as a terminal starts it: SIGINT and SIGTERM neither ignored nor blocked. A child
# inherits both from its parent, and pytest run as a background job (``make test &``: POSIX has
# such jobs ignore SIGINT) would hand that on; adsim then rightly keeps ignoring the signal.
_AS_FOREGROUND_JOB = (
    "import signal, sys; "
    "signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}); "
    "signal.signal(signal.SIGINT, signal.default_int_handler); "
    "signal.signal(signal.SIGTERM, signal.SIG_DFL); "
    "signal.signal(signal.SIGHUP, signal.SIG_DFL); "
    "from simulator.cli import main; "
    "sys.exit(main())"
)


class _Adsim:
    """``adsim`` in a session (process group) of its own, its stderr read line by line."""

    def __init__(self, argv: list[str]):
        self.process = subprocess.Popen(
            [sys.executable, "-c", _AS_FOREGROUND_JOB, *argv],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            start_new_session=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_for(self, text: str) -> str:
        """The first stderr line containing ``text`` (fails after ``WAIT`` s or at the end)."""
        while True:
            line = self.lines.get(timeout=WAIT)
            assert line is not None, f"adsim ended before {text!r}: {self.seen}"
            self.seen.append(line)
            if text in line:
                return line

    def rest(self) -> list[str]:
        """The remaining stderr lines, once the process has ended."""
        while (line := self.lines.get(timeout=WAIT)) is not None:
            self.seen.append(line)
        return self.seen

    def kill_group(self) -> None:
        _kill_session(self.process.pid)
        self.process.wait(timeout=WAIT)
        self.reader.join(WAIT)
        assert self.process.stderr is not None
        self.process.stderr.close()


@posix_only
@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM", "SIGHUP"])
def test_a_signal_mid_load_run_stops_it_cleanly(tmp_path, name):
    """Ctrl-C or SIGTERM during ``--repeat``: one line, the runs so far, 128 + the signal, no
    plugin process left, and a journal that ``export`` and ``show`` still read."""
    signum = getattr(signal, name)  # SIGHUP: POSIX only
    (tmp_path / "save.py").write_text(SAVE_HANDLER)
    journal = str(tmp_path / "j.sqlite")
    argv = ["run", str(ROOT / "fixtures" / "scenarios" / "inbound_acw_disposition.yaml")]
    argv += ["--repeat", "100000", "--handler", str(tmp_path / "save.py"), "--trace-handlers"]
    adsim = _Adsim([*argv, "--journal", journal])
    try:
        adsim.wait_for("ON_SAVE_ACTIVITY_RECORD -> save:save ok")  # runs are going
        plugins = [c for c in _group(adsim.process.pid) if "simulator.handlers.child" in c]
        assert len(plugins) == 1, plugins
        adsim.process.send_signal(signum)
        code = adsim.process.wait(timeout=WAIT)
        err = adsim.rest()
        assert _group(adsim.process.pid) == []  # the plugin process is gone, not orphaned
    finally:
        adsim.kill_group()
    assert code == 128 + signum, err
    assert not any("Traceback" in line for line in err), err
    said = [line for line in err if line.startswith("adsim: interrupted")]
    assert said == [
        f"adsim: interrupted ({name}): stopping; {'Ctrl-C' if name == 'SIGINT' else name} "
        "again stops without waiting for a handler still running"
    ]
    assert any("runs finished before the stop" in line for line in err), err
    assert not Path(plugins[0].split()[-1]).exists()  # its stacks file is removed
    exported = _adsim(["journal", "export", "--journal", journal])
    assert exported.returncode == 0, exported.stderr
    rows = [json.loads(line) for line in exported.stdout.splitlines()]
    saved = [r for r in rows if r.get("event") == "ON_SAVE_ACTIVITY_RECORD"]
    assert saved, "the runs before the stop are in the journal"
    shown = _adsim(["journal", "show", saved[0]["interactionId"], "--journal", journal])
    assert shown.returncode == 0, shown.stderr
    assert b"save:save ok" in shown.stdout
    # The run the signal cut is marked so (unless it came between two runs: then none was cut).
    listed = _adsim(["journal", "runs", "--all", "--journal", journal])
    assert listed.returncode == 0, listed.stderr
    header, *rows = listed.stdout.decode().splitlines()
    start, stop = header.index("END"), header.index("WHAT")
    ends = [row[start:stop].strip() for row in rows]
    assert set(ends[:-1]) <= {"finished"}, ends
    assert ends[-1] in ("finished", f"interrupted({name})"), ends


@posix_only
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("repeat", [[], ["--repeat", "1000"]], ids=["one-run", "load"])
def test_a_signal_while_a_handler_is_stuck_ends_its_process(tmp_path, signum, repeat):
    """A handler in an endless loop with an hour's timeout: the first signal waits for it, a
    second one stops at once; its process is killed, not left spinning after adsim."""
    (tmp_path / "stuck.py").write_text(STUCK_HANDLER)
    argv = ["run", str(ROOT / "fixtures" / "scenarios" / "inbound_acw_disposition.yaml")]
    argv += [*repeat, "--handler", str(tmp_path / "stuck.py"), "--handler-timeout", "3600"]
    adsim = _Adsim([*argv, "--journal", str(tmp_path / "j.sqlite")])
    try:
        adsim.wait_for("stuck in save")
        adsim.process.send_signal(signum)
        adsim.wait_for("adsim: interrupted")
        code = None
        for _attempt in range(WAIT):  # again until it stops: once it is waiting, one does
            adsim.process.send_signal(signum)
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = adsim.process.wait(timeout=1)
                break
        assert code is not None, adsim.seen
        assert _group(adsim.process.pid) == []  # the stuck process was ended before adsim
        err = adsim.rest()
    finally:
        adsim.kill_group()
    assert code == 128 + signum, err
    assert not any("Traceback" in line for line in err), err


REGISTER_WAITS = """\
import sys
import threading

{where}


def register(ad_api):
    {body}
"""


@posix_only
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("where", ["import", "register"])
def test_a_signal_while_a_thread_plugin_loads_stops_the_run(tmp_path, signum, where):
    """``--handler-isolation thread``, a plugin waiting in its import or ``register()``: adsim
    waited with nothing said (now a line after the load timeout), and the signal was taken for
    the plugin's load error ("not loaded: ...: Interrupted: 15"), then the whole scenario ran
    and adsim exited 1, not 128 + the signal."""
    wait = 'print("loading", file=sys.stderr, flush=True)\n    threading.Event().wait()'
    text = REGISTER_WAITS.format(
        where=wait.replace("\n    ", "\n") if where == "import" else "",
        body="pass" if where == "import" else wait,
    )
    (tmp_path / "waits.py").write_text(text)
    argv = ["run", CHAT, "--handler", str(tmp_path / "waits.py")]
    argv += ["--handler-isolation", "thread", "--handler-load-timeout", "0.5"]
    adsim = _Adsim([*argv, "--journal", ":memory:"])
    try:
        adsim.wait_for("loading")
        told = adsim.wait_for("still running after 0.5 s")
        adsim.process.send_signal(signum)
        code = adsim.process.wait(timeout=WAIT)
        err = adsim.rest()
    finally:
        adsim.kill_group()
    assert code == 128 + signum, err
    assert not any("not loaded" in line or "Traceback" in line for line in err), err
    what = "importing it" if where == "import" else "register(ad_api)"
    assert told == (
        f"adsim: {tmp_path / 'waits.py'}: {what} still running after 0.5 s; with thread "
        "isolation it cannot be stopped: Ctrl-C stops adsim (process isolation would kill it)"
    )


def test_an_unusable_default_journal_says_how_to_choose_another(tmp_path, capsys, monkeypatch):
    """HOME (or XDG_DATA_HOME) where no folder can be made: the default journal cannot open; the
    line says which journal that was and how to pick another."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.delenv("ADSIM_JOURNAL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))
    monkeypatch.setenv("HOME", str(blocker))
    (tmp_path / "save.py").write_text(SAVE_HANDLER)
    assert main(["demo", "--handler", str(tmp_path / "save.py")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"adsim: {blocker}{os.sep}")
    assert err.endswith(
        "(the default journal; pass --journal PATH, or --journal :memory: to keep none)\n"
    )
    monkeypatch.setenv("ADSIM_JOURNAL", str(blocker / "j.sqlite"))
    assert main(["run", CHAT, "--handler", str(tmp_path / "save.py")]) == 2
    assert "($ADSIM_JOURNAL; pass --journal PATH" in capsys.readouterr().err


def test_adsim_journal_in_the_environment_journals_a_run_without_handlers(
    tmp_path, capsys, monkeypatch
):
    """``ADSIM_JOURNAL`` chooses the journal as ``--journal`` does; a run with no handler
    journaled nothing under it, and ``adsim journal export`` then said there was no journal."""
    journal = tmp_path / "ci.sqlite3"
    monkeypatch.setenv(ENV_JOURNAL, str(journal))
    assert main(["run", CHAT]) == 0
    capsys.readouterr()
    assert main(["journal", "export"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["seq"] for row in rows] == list(range(1, 16))  # the summary's 15 events
    assert rows[0]["event"] == "ON_LOGIN"
    assert "ON_SAVE_ACTIVITY_RECORD" in {row["event"] for row in rows}
    assert {row["run"] for row in rows} == {1}


def test_an_empty_adsim_journal_is_as_unset(tmp_path, capsys, monkeypatch):
    """``ADSIM_JOURNAL=`` (a CI file's empty value) chose the default journal for a run with no
    handler, which journals nothing when the variable is unset."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv(ENV_JOURNAL, "")
    assert main(["run", CHAT]) == 0
    capsys.readouterr()
    assert not (tmp_path / "data").exists()


def _overwrite_cases(tmp_path: Path) -> dict[str, tuple[list[str], Path, str]]:
    """argv, the input file the output names, and what the line calls it."""
    journal = tmp_path / "j.sqlite3"
    assert main(["run", CHAT, "--journal", str(journal)]) == 0
    scenario = tmp_path / "flow.yaml"
    scenario.write_bytes(Path(CHAT).read_bytes())
    tenant = tmp_path / "tenant.yaml"
    tenant.write_bytes((ROOT / "fixtures" / "tenants" / "northwind-bank.yaml").read_bytes())
    return {
        "export-over-its-journal": (
            ["journal", "export", "--journal", str(journal), "-o", str(journal)],
            journal,
            "the journal",
        ),
        "run-over-its-scenario": (
            ["run", str(scenario), "-o", str(scenario)],
            scenario,
            "a scenario file",
        ),
        "run-over-its-journal": (
            ["run", CHAT, "--journal", str(journal), "--output", str(journal)],
            journal,
            "the journal",
        ),
        "generate-over-its-tenant": (
            ["generate", "--count", "1", "--tenant", str(tenant), "-o", str(tenant)],
            tenant,
            "the tenant file",
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "export-over-its-journal",
        "run-over-its-scenario",
        "run-over-its-journal",
        "generate-over-its-tenant",
    ],
)
def test_an_output_that_is_one_of_the_inputs_is_refused_before_it_is_opened(tmp_path, capsys, case):
    """``-o`` naming the journal, scenario or tenant the command uses: the output's open
    truncated it (an emptied journal and a traceback; a scenario replaced by its events; a run
    that passed with a journal that was no longer a database)."""
    argv, victim, what = _overwrite_cases(tmp_path)[case]
    before = victim.read_bytes()
    capsys.readouterr()
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"adsim: {victim}: is also {what} of this command ({victim}); writing the output there"
        " would destroy it: give --output another file\n"
    )
    assert victim.read_bytes() == before


@posix_only
@pytest.mark.parametrize("command", ["run", "generate", "export"])
@pytest.mark.parametrize("into", ["pipe", "file"])
def test_output_to_stdout_by_another_name_is_stdout(tmp_path, command, into):
    """``-o /dev/stdout``: stdout opened a second time. Into a pipe the run's summary went into
    the JSON lines (``| jq`` failed); into a file the two opens wrote over each other."""
    journal = tmp_path / "j.sqlite3"
    argv = {
        "run": ["run", CHAT, "--journal", str(journal)],
        "generate": ["generate", "--count", "3"],
        "export": ["journal", "export", "--journal", str(journal)],
    }[command]
    if command == "export":
        assert _adsim(["run", CHAT, "--journal", str(journal)]).returncode == 0
    captured = tmp_path / "stdout.txt"
    with captured.open("wb") as sink:
        done = subprocess.run(
            [sys.executable, "-m", "simulator", *argv, "-o", "/dev/stdout"],
            stdout=subprocess.PIPE if into == "pipe" else sink,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            timeout=WAIT * 2,
            check=False,
        )
    out = done.stdout if into == "pipe" else captured.read_bytes()
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in out.decode().splitlines()]
    assert len(rows) == (3 if command == "generate" else 15)
    if command == "run":
        assert done.stderr.decode().startswith("PASS  Chat")


@posix_only
def test_trace_handlers_into_a_closed_stderr_does_not_hang_the_run(tmp_path):
    """``adsim run ... --trace-handlers 2>&1 | head -1``: the trace's first write after the
    reader left failed on the handler thread, whose call then never finished, and the run
    waited for it for ever."""
    (tmp_path / "save.py").write_text(SAVE_HANDLER)
    argv = ["run", str(ROOT / "fixtures" / "scenarios" / "inbound_acw_disposition.yaml")]
    argv += ["--repeat", "20", "--handler", str(tmp_path / "save.py"), "--trace-handlers"]
    argv += ["--journal", str(tmp_path / "j.sqlite")]
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has already left: every write to stderr fails
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", *argv],
        stdout=subprocess.PIPE,
        stderr=write_end,
        cwd=ROOT,
        start_new_session=True,
    )
    os.close(write_end)
    try:
        out, _err = process.communicate(timeout=WAIT * 2)
    finally:
        _kill_session(process.pid)
        process.wait(timeout=WAIT)
    assert process.returncode == 0
    assert out.decode().startswith("PASS  Inbound call answered")


@posix_only
def test_bad_input_into_a_closed_stderr_still_exits_2(tmp_path):
    """The error line cannot be written (``2>&1 | head -0``): the exit code still says bad
    input (it was 1, an uncaught BrokenPipeError, read by CI as a failed test)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "simulator", "run", str(tmp_path / "missing.yaml")],
            stdout=subprocess.PIPE,
            stderr=write_end,
            cwd=ROOT,
            timeout=WAIT * 2,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 2
    assert done.stdout == b""


@pytest.mark.parametrize("command", [["export"], ["show", "some-id"]])
def test_reading_a_journal_that_is_a_folder_says_so(tmp_path, capsys, command):
    assert main(["journal", *command, "--journal", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"adsim: {tmp_path}: is a folder; pass the journal file itself with --journal PATH\n"
    )


@pytest.mark.parametrize("command", [["run", CHAT], ["demo"]])
def test_writing_a_journal_that_is_a_folder_says_so(tmp_path, capsys, command):
    """``--journal DIR`` for a run: "cannot be written (unable to open database file)" sent the
    user checking permissions on a folder they could write."""
    assert main([*command, "--journal", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"adsim: {tmp_path}: is a folder; pass a journal file (such as "
        f"{tmp_path / 'journal.sqlite3'})\n"
    )


@posix_only
def test_a_signal_with_no_handlers_is_one_plain_line():
    """``adsim generate`` has no handlers: its line promises nothing about them."""
    process = subprocess.Popen(
        [sys.executable, "-c", _AS_FOREGROUND_JOB, "generate", "--count", "10000000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith(b"{")  # it is generating
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=WAIT)
    finally:
        _kill_session(process.pid)
        process.wait(timeout=WAIT)
    assert process.returncode == 130
    assert err == b"adsim: interrupted (SIGINT): stopping\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "argv",
    [
        ["generate", "--count", "50"],
        ["demo"],
        ["run", CHAT, "--output", "/dev/full"],
        ["--help"],
        ["run", "--help"],
        ["--version"],
    ],
    ids=["generate", "demo", "run-output", "help", "run-help", "version"],
)
def test_a_full_disk_is_one_line_not_a_traceback(argv):
    """Help and the version too: argparse swallowed the failed write, and ``adsim --help >
    /dev/full`` exited 0 having printed nothing."""
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "simulator", *argv],
            stdout=full,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env={**os.environ, "ADSIM_JOURNAL": ":memory:"},
            timeout=WAIT * 2,
            check=False,
        )
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert err.splitlines()[-1] == (
        "adsim: cannot write the output: No space left on device; free some space or write "
        "elsewhere"
    )


@posix_only
def test_a_closed_stdout_is_dev_null_not_a_traceback_nor_the_journal(tmp_path):
    """``adsim run ... >&-``: fd 1 closed. A plugin process inherited it, and its handler's
    print failed (a handler error: the integration blamed, exit 1); adsim ended in an
    AttributeError; a file adsim opened could take fd 1, where plugin processes print."""
    (tmp_path / "printer.py").write_text(
        "def save(activity):\n    print('saved', activity.interaction_id)\n\n\n"
        "def register(ad_api):\n    ad_api.on('ON_SAVE_ACTIVITY_RECORD', save)\n"
    )
    journal = str(tmp_path / "j.sqlite")
    argv = [sys.executable, "-m", "simulator", "run", CHAT]
    argv += ["--handler", str(tmp_path / "printer.py"), "--journal", journal]
    done = subprocess.run(
        ["sh", "-c", 'exec "$@" >&-', "sh", *argv],
        stderr=subprocess.PIPE,
        cwd=ROOT,
        timeout=WAIT * 2,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert b"Traceback" not in done.stderr
    exported = _adsim(["journal", "export", "--journal", journal])
    assert exported.returncode == 0, exported.stderr
    assert all(json.loads(line) for line in exported.stdout.splitlines())


LEAVES_A_PROCESS = """\
import subprocess
import sys


def save(activity):
    subprocess.Popen([sys.executable, "-c", "import threading; threading.Event().wait(3600)"])
    return activity.interaction_id


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""


@posix_only
def test_a_process_a_plugin_left_running_ends_with_the_run(tmp_path):
    """A handler that starts a process and leaves it running: that process held adsim's stderr
    open, so ``adsim run ... 2>&1 | tee log`` waited for it (an hour here). It is killed once the
    plugin's process ends, and the summary says so (exit 1, as for threads left running)."""
    (tmp_path / "leaves.py").write_text(LEAVES_A_PROCESS)
    argv = ["run", str(ROOT / "fixtures" / "scenarios" / "inbound_acw_disposition.yaml")]
    argv += ["--handler", str(tmp_path / "leaves.py"), "--journal", ":memory:"]
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        _out, err = process.communicate(timeout=WAIT)  # both pipes' ends: nobody holds them
        left = _group(process.pid)
    finally:
        _kill_session(process.pid)
        process.wait(timeout=WAIT)
    assert left == []
    assert process.returncode == 1, err
    assert b"plugin leaves: 1 process(es) it started still running when its process ended" in err
