"""A stop (SIGTERM, SIGINT, SIGHUP) a plugin's code sends its own process, which is adsim's with
``--handler-isolation thread``, is the plugin's: named in the summary, and the run goes on.

Before: ``os.kill(os.getpid(), signal.SIGTERM)`` in a handler stopped the run as the user's
SIGTERM does (``adsim: interrupted (SIGTERM): stopping``, exit 143), and nothing named the
plugin; in a process of its own the same handler is a crashed call and the run goes on."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading

import pytest

from simulator.handlers import exit_guard
from simulator.handlers.stray_signals import RefusedStopError, StraySignals, _own
from tests.unit.plugin_demo import ROOT, SAVE_RUNS, run_adsim, save_runs

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.usefixtures("sigint_heard")


def _thread_run(tmp_path, body: str):
    plugin = save_runs(tmp_path, body)
    return run_adsim(
        "demo", "--journal", ":memory:", "--handler", str(plugin), "--handler-isolation", "thread"
    )


def test_a_handlers_sigterm_to_adsims_process_names_it_and_stops_nothing(tmp_path):
    result = _thread_run(tmp_path, "os.kill(os.getpid(), signal.SIGTERM)")
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "interrupted" not in result.stderr
    assert "adsim: handlers: 0 of 1 calls failed; 1 plugin problem(s)" in result.stderr
    assert (
        f"adsim:   plugin crm: save sent SIGTERM (15) to adsim's own process (os.kill at "
        f"{tmp_path / 'crm.py'}:8); in adsim's own process (thread isolation) adsim took it as "
        "the plugin's, not as a stop, and went on"
    ) in result.stderr


@pytest.mark.parametrize(
    ("body", "call"),
    [
        ("signal.raise_signal(signal.SIGINT)", "signal.raise_signal"),
        ("_thread.interrupt_main()", "_thread.interrupt_main"),
        (
            "signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)",
            "signal.pthread_kill",
        ),
    ],
)
def test_a_ctrl_c_a_handler_makes_another_way_is_the_plugins(tmp_path, body: str, call: str):
    """No ``os.kill`` audits these: they stopped the run as the user's Ctrl-C (exit 130)."""
    result = _thread_run(tmp_path, f"import _thread; {body}")
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "interrupted" not in result.stderr
    assert (
        f"adsim:   plugin crm: save sent SIGINT (2) to adsim's own process ({call} at "
        f"{tmp_path / 'crm.py'}:8); in adsim's own process (thread isolation) adsim took it as "
        "the plugin's, not as a stop, and went on"
    ) in result.stderr


def test_a_plugins_thread_calling_interrupt_main_is_named_where_it_was_started(tmp_path):
    body = "import _thread; t = threading.Thread(target=_thread.interrupt_main); t.start()"
    body += "; t.join()"
    result = _thread_run(tmp_path, body)
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "interrupted" not in result.stderr
    assert (
        f"adsim:   plugin crm sent SIGINT (2) to adsim's own process (_thread.interrupt_main at "
        f"{tmp_path / 'crm.py'}:8 (on a thread started there))"
    ) in result.stderr


def test_one_a_thread_of_the_plugins_sends_names_where_it_was_started(tmp_path):
    body = (
        "sender = threading.Thread(target=os.kill, args=(os.getpid(), signal.SIGHUP))\n"
        "    sender.start()\n"
        "    sender.join()"
    )
    result = _thread_run(tmp_path, body)
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "interrupted" not in result.stderr
    assert (
        f"adsim:   plugin crm sent SIGHUP (1) to adsim's own process (os.kill at "
        f"{tmp_path / 'crm.py'}:9 (on a thread started there))"
    ) in result.stderr


def test_without_adsims_stopper_a_plugins_stop_is_refused(monkeypatch, capfd):
    """Under pytest or in the window the stop was theirs to handle (pytest's SIGINT: the
    session ended, "KeyboardInterrupt, no tests ran", the line naming the sender lost to the
    capture): refused, as a plugin's process's signal to adsim's is."""
    monkeypatch.setattr(exit_guard, "before_saying", [])  # pytest's capture stays as it is
    reports: list[str] = []
    catcher = StraySignals(reports.append, lambda: "plugin crm: save")
    try:
        with pytest.raises(RefusedStopError, match=r"adsim refused os.kill\(SIGTERM\)"):
            catcher.sending("os.kill", signal.SIGTERM, None)
    finally:
        catcher.release()
    assert reports == [
        "plugin crm: save sent SIGTERM (15) to adsim's own process (os.kill); adsim refused it "
        "(a PermissionError there) and went on: where adsim's own handler of the stops is not "
        "in place (under pytest, the window) it stopped them as the user's stop does (to fail "
        "the call, raise)"
    ]
    assert capfd.readouterr().err == ""


TEST = """
def test_save(adsim):
    adsim.login()
    adsim.set_agent_state("ready")
    adsim.offer_call("Sales")
    adsim.accept_interaction()
    adsim.customer_hang_up()
    adsim.set_disposition("Product sold")
    adsim.complete_interaction()


def test_after():
    pass
"""


@pytest.mark.parametrize(
    "body",
    ["_thread.interrupt_main()", "os.kill(os.getpid(), signal.SIGINT)"],
)
def test_under_pytest_a_plugins_ctrl_c_fails_its_test_and_the_session_goes_on(pytester, body):
    """It ended the session as the user's Ctrl-C: "KeyboardInterrupt", "no tests ran"."""
    plugin = SAVE_RUNS.format(body=f"import _thread; {body}")
    pytester.makepyfile(crm=plugin, test_crm=TEST)
    pytester.makeini("[pytest]\nadsim_handlers = crm.py\n")
    result = pytester.runpytest_subprocess(
        "-p", "no:pytest-qt", "-p", "no:cacheprovider", timeout=120.0
    )
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*RefusedStopError: *adsim refused *(SIGINT)*"])
    assert "KeyboardInterrupt" not in result.stdout.str()


def test_adsims_own_kills_and_other_signals_are_not_the_plugins():
    reports: list[str] = []
    catcher = StraySignals(reports.append, lambda: None)
    try:
        catcher.sending("os.kill", signal.SIGTERM, None)  # no plugin's code on this thread
    finally:
        catcher.release()
    assert reports == []


_AGENTS_PLUGIN = """
import os
import signal
import threading

AGENT = None


def save(activity):
    if AGENT == "omar":
        raise ValueError("omar's own failure")
    {body}
    return "went on"


def register(ad_api):
    global AGENT
    AGENT = ad_api.agent
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""


def _agents_run(tmp_path, body: str):
    """The colleague scenario (jane, then omar, each a host of its own) through a plugin whose
    save sends a signal on jane's desktop and raises on omar's: each host's summary is its own."""
    plugin = tmp_path / "crm.py"
    plugin.write_text(_AGENTS_PLUGIN.format(body=body), encoding="utf-8")
    return run_adsim(
        "run",
        "fixtures/scenarios/colleague_blind_transfer.yaml",
        "--journal",
        ":memory:",
        "--handler",
        str(plugin),
        "--handler-isolation",
        "thread",
    )


def _blocks(stderr: str) -> list[str]:
    """The hosts' summaries, one text each (from each ``adsim: handlers:`` line)."""
    lines = [line for line in stderr.splitlines() if line.startswith("adsim:")]
    blocks: list[list[str]] = []
    for line in lines:
        if line.startswith("adsim: handlers:"):
            blocks.append([])
        if blocks:
            blocks[-1].append(line)
    return ["\n".join(block) for block in blocks]


def test_with_several_agents_the_stop_is_credited_to_the_host_whose_plugin_sent_it(tmp_path):
    """It went to the last host made (omar's), as ``plugin crm`` with no handler named."""
    result = _agents_run(tmp_path, "os.kill(os.getpid(), signal.SIGTERM)")
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "interrupted" not in result.stderr
    jane, omar = _blocks(result.stderr)
    assert jane == (
        "adsim: handlers: 0 of 1 calls failed; 1 plugin problem(s)\n"
        f"adsim:   plugin crm: save sent SIGTERM (15) to adsim's own process (os.kill at "
        f"{tmp_path / 'crm.py'}:12); in adsim's own process (thread isolation) adsim took it as "
        "the plugin's, not as a stop, and went on (a process of the plugin's own ends: a "
        "crashed call)"
    )
    assert omar.startswith("adsim: handlers: 1 of 1 calls failed (1 error)\n"), omar
    assert "sent" not in omar


def test_with_several_agents_a_caught_signal_from_a_plugins_thread_is_its_hosts(tmp_path):
    """A thread started by jane's plugin sends SIGUSR1: the handler catching it was set by the
    first host, but the line goes to the sender's."""
    body = (
        "sender = threading.Thread(target=os.kill, args=(os.getpid(), signal.SIGUSR1))\n"
        "    sender.start()\n"
        "    sender.join()"
    )
    result = _agents_run(tmp_path, body)
    assert result.returncode == 1, (result.returncode, result.stderr)
    jane, omar = _blocks(result.stderr)
    assert jane.startswith("adsim: handlers: 0 of 1 calls failed; 1 plugin problem(s)\n"), jane
    assert (
        f"plugin crm sent it (os.kill at {tmp_path / 'crm.py'}:13 (on a thread started there))"
    ) in jane
    assert "SIGUSR1" not in omar


def test_a_pthread_kill_to_a_thread_that_has_ended_is_not_taken_as_coming():
    """It delivers nothing: marked as the plugin's signal on its way, it made the user's next
    Ctrl-C (or SIGTERM) the plugin's, and adsim ignored it (a run of 20,000 repeats went on)."""
    ended = threading.Thread(target=lambda: None)
    ended.start()
    ended.join()
    assert ended.ident is not None
    assert not _own("signal.pthread_kill", ended.ident)
    assert _own("signal.pthread_kill", threading.main_thread().ident or 0)
    assert _own("signal.pthread_kill", threading.get_ident())


def test_a_stop_the_process_ignores_is_not_refused(tmp_path):
    """adsim started with SIGINT ignored (a script's background job, ``nohup``) leaves it
    ignored: a plugin's ``raise_signal(SIGINT)`` then stops nothing, and was refused all the
    same (a failed call, an incident blaming pytest or the window), unlike main's silence."""
    plugin = tmp_path / "crm.py"
    plugin.write_text(
        "import signal\n\n\ndef save(activity):\n    signal.raise_signal(signal.SIGINT)\n\n\n"
        "def register(ad_api):\n    ad_api.on('ON_SAVE_ACTIVITY_RECORD', save)\n",
        encoding="utf-8",
    )
    launcher = (
        "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
        "sys.argv[0] = 'adsim'; runpy.run_module('simulator', run_name='__main__')"
    )
    argv = ["run", "fixtures/scenarios/inbound_acw_disposition.yaml", "--handler", str(plugin)]
    argv += ["--handler-isolation", "thread", "--journal", ":memory:"]
    result = subprocess.run(
        [sys.executable, "-c", launcher, *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        timeout=120.0,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "refused" not in result.stderr
