"""A scenario's own ``handlers:`` run in the host ``adsim run``'s options build.

Run without ``--handler`` (nor ``--journal``, ``--webhook``), they ran in a host of the runner's
own, with its defaults: ``--handler-timeout``, ``--handler-isolation``, ``--trace-handlers`` ...
were ignored, and the plugins ran in adsim's process although process isolation is the
documented default (a hung handler could not be stopped; it held the run for 20 s whatever
``--handler-timeout`` said).
"""

from __future__ import annotations

import os
from pathlib import Path

from simulator.cli import main

HANDLER = """\
import os

def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: os.getpid())
"""


def _scenario(folder: Path) -> Path:
    (folder / "pid.py").write_text(HANDLER, encoding="utf-8")
    flow = folder / "flow.yaml"
    flow.write_text(
        "name: Flow\nseed: 1\nhandlers: [pid.py]\nsteps:\n  - call: Sales\n  - wait: 4s\n"
        "  - accept\n  - hang_up: customer\n  - disposition: Product sold\n  - complete\n"
        "  - expect:\n      handler: {event: ON_SAVE_ACTIVITY_RECORD, result: {not: "
        f"{os.getpid()}}}}}\n",
        encoding="utf-8",
    )
    return flow


def test_a_scenario_s_handlers_run_in_their_own_process_and_are_traced(tmp_path, capsys):
    flow = _scenario(tmp_path)
    assert main(["run", str(flow), "--trace-handlers"]) == 0, capsys.readouterr()
    out, err = capsys.readouterr()
    assert out.startswith("PASS  Flow  (")
    traced = [line for line in err.splitlines() if "ON_SAVE_ACTIVITY_RECORD -> pid:" in line]
    assert len(traced) == 1, err
    assert traced[0].startswith("adsim: #")


def test_a_scenario_s_handlers_take_the_isolation_asked_for(tmp_path, capsys):
    flow = _scenario(tmp_path)
    # In this process, the handler answers this process's id: the expectation fails.
    assert main(["run", str(flow), "--handler-isolation", "thread"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("FAIL  Flow  (")


def test_a_scenario_s_handlers_make_the_stop_line_say_how_not_to_wait(tmp_path, capsys):
    # Loaded after the host was built, they were not counted: Ctrl-C's line left out "Ctrl-C
    # again stops without waiting for a handler still running" while one was.
    from simulator import interrupts

    flow = _scenario(tmp_path)
    with interrupts.stop_on_signals():
        assert main(["run", str(flow)]) == 0, capsys.readouterr()
        assert interrupts._ACTIVE[0].handlers
