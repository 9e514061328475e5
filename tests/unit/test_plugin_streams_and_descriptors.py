"""What a plugin does to its output streams and descriptors cannot hide the run's report.

- Thread isolation: a plugin that replaced or closed ``sys.stderr``/``sys.stdout`` (or moved
  descriptor 2 with ``os.dup2``) took adsim's summary with it: exit 1 and nothing said.
- Process isolation: a plugin printing without a newline had the next plugin's line glued to
  the end of its output.
- Process isolation: a plugin that ``os.dup2``-ed over the descriptor its process answers adsim
  on made its call a ``timeout`` "stuck" in adsim's own code; now it is put back and said.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from tests.unit.plugin_demo import demo_through, run_adsim

ROOT = Path(__file__).resolve().parents[2]


def _demo(*args: str) -> subprocess.CompletedProcess[str]:
    return run_adsim("demo", "--journal", ":memory:", *args)


def test_a_plugin_replacing_sys_stderr_in_register_gets_adsims_back(tmp_path):
    source = """
import io
import json
import sys


def register(ad_api):
    sys.stderr = io.StringIO()
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", print)
"""
    before = sys.stderr
    host = demo_through(tmp_path, source, "thread")
    assert sys.stderr is before
    assert not isinstance(sys.stderr, io.StringIO)
    assert host.incidents == [
        "plugin crm: its register() replaced or closed adsim's sys.stderr; in adsim's own "
        "process (thread isolation) adsim's output (its summary, --output -) went there: adsim "
        "put its own back (write to a file of the plugin's own, or use process isolation)"
    ]


def test_a_redirect_inside_a_handler_is_no_incident(tmp_path):
    source = """
import contextlib
import io
import json


def save(activity):
    with contextlib.redirect_stdout(io.StringIO()):
        print(activity.interaction_id)


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""
    host = demo_through(tmp_path, source, "thread")
    assert host.incidents == []


HIDER = """
import os
import sys


def save(activity):
    sys.stdout.close()
    sys.stderr.close()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    raise RuntimeError("the CRM is down")


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""


def test_a_plugin_closing_adsims_streams_and_moving_its_stderr_leaves_the_summary(tmp_path):
    plugin = tmp_path / "crm.py"
    plugin.write_text(HIDER, encoding="utf-8")
    result = _demo("--handler", str(plugin), "--handler-isolation", "thread")
    assert result.returncode == 1, result.stderr
    assert "adsim: handlers: 1 of 1 calls failed (1 error); 1 plugin problem(s)" in result.stderr
    assert (
        "adsim:   plugin crm: save replaced or closed adsim's descriptor 2 and sys.stdout and "
        "sys.stderr; "
    ) in result.stderr, result.stderr
    assert "crm:save error in " in result.stderr
    assert "lost sys.stderr" not in result.stderr


def test_a_plugins_line_left_open_is_ended_before_the_next_plugin_prints(tmp_path):
    (tmp_path / "a_long.py").write_text(
        "import sys\n\n\ndef save(activity):\n    sys.stdout.write('A' * 3_000_000)\n\n\n"
        "def register(ad_api):\n    ad_api.on('ON_SAVE_ACTIVITY_RECORD', save)\n",
        encoding="utf-8",
    )
    (tmp_path / "b_short.py").write_text(
        "def save(activity):\n    print('short line')\n\n\n"
        "def register(ad_api):\n    ad_api.on('ON_SAVE_ACTIVITY_RECORD', save)\n",
        encoding="utf-8",
    )
    result = _demo("--handler", str(tmp_path))
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stderr.splitlines()
    assert "A" * 3_000_000 in lines
    assert "short line" in lines


WRONG_DUP2 = """
import os
import sys

PIPE = int(sys.argv[2])  # what its process writes to adsim on (a wrong number, say)


def save(activity):
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, PIPE)
    return ad_api.get_agent_state().data["state"]


def register(api):
    global ad_api
    ad_api = api
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""


def test_a_handler_that_dup2s_over_its_pipe_is_put_right_and_said(tmp_path):
    host = demo_through(tmp_path, WRONG_DUP2, "process", timeout=60)
    assert [(o.status, o.result) for o in host.outcomes] == [("ok", "ready")]
    assert len(host.incidents) == 1, host.incidents
    assert host.incidents[0].startswith("plugin crm: save replaced or closed descriptor(s) "), (
        host.incidents
    )
    assert (
        "which it talks to adsim on (os.dup2, os.close); adsim put it back" in (host.incidents[0])
    )


BUILTINS = """
import builtins


def save(activity):
    builtins.print = lambda *args, **kwargs: None  # adsim's summary is printed with it
    builtins.{name} = lambda *args: 0
    builtins._ = str  # a name of its own (gettext.install): left alone
    raise RuntimeError("the CRM is down")


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""


def test_a_handler_replacing_builtins_gets_them_put_back_in_adsims_process(tmp_path):
    import builtins

    real_print = builtins.print
    host = demo_through(tmp_path, BUILTINS.replace("{name}", "input"), "thread")
    assert builtins.print is real_print
    assert builtins.__dict__.pop("_") is str
    [outcome] = host.outcomes
    assert (outcome.status, outcome.error) == ("error", "RuntimeError: the CRM is down")
    assert host.incidents == [
        "plugin crm: save replaced or deleted the builtin(s) input, print, which adsim's own "
        "code (all of adsim, in thread isolation) uses; adsim put them back (change a name of "
        "the plugin's own, not builtins)"
    ]


def test_a_handler_replacing_len_in_its_process_is_its_error_not_a_hang(tmp_path):
    # len() frames the process's answers to adsim: they went out wrong, or its traceback could
    # not be written and the process ended with adsim's own.
    host = demo_through(tmp_path, BUILTINS.replace("{name}", "len"), "process")
    [outcome] = host.outcomes
    assert (outcome.status, outcome.error) == ("error", "RuntimeError: the CRM is down")
    assert 'crm.py", line 9, in save' in (outcome.traceback or ""), outcome.traceback
    assert host.incidents == [
        "plugin crm: save replaced or deleted the builtin(s) len, print, which adsim's own code "
        "in its process uses; adsim put them back (change a name of the plugin's own, not "
        "builtins)"
    ]


def test_a_plugin_closing_sys_stdout_leaves_the_events_of_output_dash_whole(tmp_path):
    plugin = tmp_path / "crm.py"
    plugin.write_text(
        "import sys\n\n\ndef changed(*args):\n    sys.stdout.close()\n\n\n"
        "def register(ad_api):\n    ad_api.on('ON_INTERACTION_STATE_CHANGE', changed)\n",
        encoding="utf-8",
    )
    scenario = str(ROOT / "fixtures" / "scenarios" / "consult_transfer.yaml")
    result = run_adsim(
        "run",
        scenario,
        "--output",
        "-",
        "--journal",
        ":memory:",
        "--handler",
        str(plugin),
        "--handler-isolation",
        "thread",
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr  # it was adsim's, writing the events
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(events) == 25
    assert "adsim:   plugin crm: changed replaced or closed adsim's sys.stdout; " in result.stderr
