"""A signal a plugin's code sends adsim from a process of its own (process isolation, adsim's
default) is refused there: a ``PermissionError`` in the plugin and a summary line naming it.

Before: ``os.kill(os.getppid(), signal.SIGTERM)`` in a handler stopped the run as the user's
SIGTERM does (``adsim: interrupted (SIGTERM): stopping``, exit 143, the journal's run
``interrupted``), with nothing naming the plugin; SIGKILL ended adsim with no summary (exit -9,
the run ``unfinished``)."""

from __future__ import annotations

from tests.unit.plugin_demo import run_adsim, save_runs


def _run(tmp_path, body: str):
    plugin = save_runs(tmp_path, body)
    journal = tmp_path / "j.sqlite3"
    result = run_adsim("demo", "--journal", str(journal), "--handler", str(plugin))
    runs = run_adsim("journal", "runs", "--journal", str(journal), "--format", "jsonl")
    return result, runs.stdout


def test_a_handlers_sigterm_to_adsim_is_refused_and_named(tmp_path):
    result, runs = _run(tmp_path, "os.kill(os.getppid(), signal.SIGTERM)")
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "interrupted" not in result.stderr
    assert (
        f"adsim:   plugin crm: save sent SIGTERM (15) to adsim's process (os.kill at "
        f"{tmp_path / 'crm.py'}:8); adsim refused it (a PermissionError there) and went on"
    ) in result.stderr
    assert "save error in" in result.stderr
    assert "PermissionError: [Errno 1] adsim refused os.kill(" in result.stderr
    assert '"end":"finished"' in runs


def test_a_sigkill_to_adsim_no_longer_ends_it_without_a_summary(tmp_path):
    result, runs = _run(tmp_path, "os.kill(os.getppid(), signal.SIGKILL)")
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "save sent SIGKILL (9) to adsim's process" in result.stderr
    assert '"end":"finished"' in runs


def test_one_sent_from_a_thread_and_caught_still_fails_the_run(tmp_path):
    body = (
        "def send():\n"
        "        try:\n"
        "            os.kill(os.getppid(), signal.SIGHUP)\n"
        "        except OSError:\n"
        "            pass\n"
        "    sender = threading.Thread(target=send, name='sender')\n"
        "    sender.start()\n"
        "    sender.join()"
    )
    result, _runs = _run(tmp_path, body)
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "interrupted" not in result.stderr
    assert (
        f"plugin crm: its thread sender sent SIGHUP (1) to adsim's process (os.kill at "
        f"{tmp_path / 'crm.py'}:10)"
    ) in result.stderr


def test_signal_zero_asks_whether_adsim_runs_and_is_let_through(tmp_path):
    result, _runs = _run(tmp_path, "os.kill(os.getppid(), 0)")
    assert result.returncode == 0, (result.returncode, result.stderr)
    assert "refused" not in result.stderr
