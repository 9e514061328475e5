"""With thread isolation a plugin that sets its own handler of SIGINT, SIGTERM or SIGHUP (at
import or in ``register()``, itself or through a library) does not decide how adsim stops.

Before: its handler replaced adsim's. ``signal.signal(SIGTERM, lambda *a: sys.exit(0))`` (a
CRM SDK's "flush and exit") made a SIGTERM (``timeout``, ``docker stop``, a CI job's end) end
``adsim run`` with exit 0, no summary and an unfinished journal; ``SIG_IGN`` made adsim ignore
it. Now adsim puts its own handlers back after the plugin's import and ``register()``, and a
line on stderr names the plugin and the signals.
"""

from __future__ import annotations

import signal

import pytest

from simulator.engine import Simulator
from simulator.handlers import HandlerHost
from simulator.journal import Journal

PLUGIN = """
import signal
import sys

signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))  # "flush and exit"


def register(ad_api):
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: None)
"""


def adsims(signum, frame):
    """Stands for adsim's stopper (simulator.interrupts)."""


@pytest.fixture
def adsims_handlers():
    signums = (signal.SIGTERM, signal.SIGHUP)
    before = {signum: signal.getsignal(signum) for signum in signums}
    for signum in signums:
        signal.signal(signum, adsims)
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_adsims_signal_handlers_are_its_own_after_a_plugin_loads(
    tmp_path, capsys, adsims_handlers, isolation
):
    from simulator.data import load_tenant

    plugin = tmp_path / "crm.py"
    plugin.write_text(PLUGIN, encoding="utf-8")
    host = HandlerHost(
        Simulator(load_tenant(), seed=7),
        journal=Journal.open(":memory:"),
        isolation=isolation,
    )
    try:
        (status,) = host.load(plugin)
        assert status.error is None
        assert signal.getsignal(signal.SIGTERM) is adsims
        assert signal.getsignal(signal.SIGHUP) is adsims
    finally:
        host.close()
        host.journal.close()
    said = capsys.readouterr().err
    if isolation == "process":  # its process's own signals: nothing of adsim's changed
        assert "signal.signal" not in said
        return
    assert f"adsim: {plugin} set its own handler of SIGTERM (signal.signal); " in said, said
    assert "adsim: crm set its own handler of SIGHUP (signal.signal); " in said, said
