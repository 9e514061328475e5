"""``adsim demo --webhook URL`` stopped (SIGTERM) while a delivery is in flight: the delivery
ends within the stop's grace, its outcome is journaled and said, as under ``adsim run``.

The demo abandoned its host at once: the webhook's outcome came after the journal was closed,
and the journal (``adsim journal runs``: 0 calls) said nothing of a record the endpoint may
have had."""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import threading
from pathlib import Path

import pytest

from simulator import interrupts
from simulator.cli import main

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM handlers are POSIX")


def test_a_stop_during_a_delivery_journals_its_outcome(tmp_path, monkeypatch, capsys):
    assert threading.current_thread() is threading.main_thread()
    # Past the 1 s the abandoned host waits for its dispatcher: the outcome came after it.
    monkeypatch.setattr(interrupts, "STOP_GRACE", 2.0)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(60.0)
    port = listener.getsockname()[1]
    held: list[socket.socket] = []
    main_thread = threading.main_thread().ident
    assert main_thread is not None

    def endpoint() -> None:  # takes the request, stops adsim, never answers
        connection, _ = listener.accept()
        held.append(connection)
        connection.settimeout(60.0)
        if connection.recv(65536):
            signal.pthread_kill(main_thread, signal.SIGTERM)  # the user's SIGTERM

    server = threading.Thread(target=endpoint, daemon=True)
    server.start()
    journal = tmp_path / "j.db"
    argv = ["demo", "--webhook", f"http://127.0.0.1:{port}/hook", "--journal", str(journal)]
    try:
        with interrupts.stop_on_signals():  # as the ``adsim`` program has them
            assert main(argv) == 143
    finally:
        server.join(60.0)
        for connection in held:
            connection.close()
        listener.close()
    err = capsys.readouterr().err
    line = next((line for line in err.splitlines() if "cut short" in line), err)
    assert line.startswith(
        "adsim: demo: the run the stop cut short (seed 0): 1 of 1 handler calls failed, the "
        "first: #"
    ), err
    assert "did not take ON_SAVE_ACTIVITY_RECORD before adsim stopped" in line
    assert main(["journal", "runs", "--journal", str(journal), "--format", "jsonl"]) == 0
    [run] = [json.loads(text) for text in capsys.readouterr().out.splitlines()]
    assert (run["calls"], run["failed"], run["end"], run["signal"]) == (
        1,
        1,
        "interrupted",
        "SIGTERM",
    )


PLUGIN = """
import os


def save(activity):
    os.write(int(os.environ["ADSIM_TEST_STARTED"]), b"x")  # the call is running
    os.read(int(os.environ["ADSIM_TEST_RELEASE"]), 1)  # until the test is over


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""


def _demo_stopped_mid_call(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    source: str,
    timeout: str,
    *,
    release_after_stop: bool = False,
) -> Path:
    """Run ``adsim demo`` with ``source`` as a thread-isolated handler (its call writes to the
    pipe ``ADSIM_TEST_STARTED``, then waits on ``ADSIM_TEST_RELEASE``), SIGTERM it once the
    call has started, as the user does, and check it exits 143; the call is released right
    after the stop (``release_after_stop``) or once the demo has returned. Its journal."""
    started_r, started_w = os.pipe()
    release_r, release_w = os.pipe()
    monkeypatch.setenv("ADSIM_TEST_STARTED", str(started_w))
    monkeypatch.setenv("ADSIM_TEST_RELEASE", str(release_r))
    plugin = tmp_path / "crm.py"
    plugin.write_text(source, encoding="utf-8")
    main_thread = threading.main_thread().ident
    assert main_thread is not None

    def stopper() -> None:
        if os.read(started_r, 1):
            signal.pthread_kill(main_thread, signal.SIGTERM)  # the user's SIGTERM
            if release_after_stop:
                os.write(release_w, b"x")  # then the handler goes on

    thread = threading.Thread(target=stopper, daemon=True)
    thread.start()
    journal = tmp_path / "j.db"
    argv = ["demo", "--handler", str(plugin), "--handler-isolation", "thread"]
    argv += ["--handler-timeout", timeout, "--journal", str(journal)]
    try:
        with interrupts.stop_on_signals():
            assert main(argv) == 143
    finally:
        thread.join(60.0)  # before its pipe closes: it may still write to it
        os.close(release_w)  # a call still waiting returns
        for fd in (started_r, started_w, release_r):
            os.close(fd)
    return journal


def test_a_stop_during_a_thread_isolated_call_journals_its_timeout(tmp_path, monkeypatch, capsys):
    """With thread isolation the call cannot be ended: it gets its timeout, as under ``adsim
    run``, and its ``timeout`` is journaled (the journal had no outcome for it)."""
    journal = _demo_stopped_mid_call(tmp_path, monkeypatch, PLUGIN, "3")  # past the close's 1 s
    err = capsys.readouterr().err
    assert "-> crm:save timeout in " in err, err
    assert main(["journal", "runs", "--journal", str(journal), "--format", "jsonl"]) == 0
    [run] = [json.loads(text) for text in capsys.readouterr().out.splitlines()]
    assert (run["calls"], run["failed"], run["end"]) == (1, 1, "interrupted")


API_PLUGIN = """
import os


def save(activity, ad_api=None):
    os.write(int(os.environ["ADSIM_TEST_STARTED"]), b"x")  # the call is running
    os.read(int(os.environ["ADSIM_TEST_RELEASE"]), 1)  # the stop has been sent
    assert API[0].get_config().ok  # answered while adsim waits for this call


API = []


def register(ad_api):
    API.append(ad_api)
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""


def test_a_thread_isolated_call_waited_for_after_a_stop_has_its_ad_api_calls_answered(
    tmp_path, monkeypatch, capsys
):
    """The wait for a thread-isolated call after a stop runs its ``ad_api`` calls, as
    ``adsim run``'s does: they went unanswered until the call's timeout, journaled as the
    plugin's ``timeout``."""
    journal = _demo_stopped_mid_call(
        tmp_path, monkeypatch, API_PLUGIN, "5", release_after_stop=True
    )
    capsys.readouterr()
    assert main(["journal", "runs", "--journal", str(journal), "--format", "jsonl"]) == 0
    [run] = [json.loads(text) for text in capsys.readouterr().out.splitlines()]
    assert (run["calls"], run["failed"], run["end"]) == (1, 0, "interrupted")
