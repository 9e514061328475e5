"""Thread isolation: a plugin's own ``sys.unraisablehook`` (set in its ``register()`` or a
handler) does not swallow a Ctrl-C that lands in a finalizer: adsim's hook, which keeps that
stop for the next ``check``, is put back in front of the plugin's, which gets everything else."""

from __future__ import annotations

import gc
import signal
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from simulator import interrupts
from simulator.data import load_tenant
from simulator.engine import Simulator
from simulator.handlers import HandlerHost

HOOKING = """
import sys

seen = []


def register(ad_api):
    sys.unraisablehook = seen.append  # a crash reporter's, a library's
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: None)
"""


class _SignalledWhenCollected:
    def __del__(self) -> None:
        handler = signal.getsignal(signal.SIGTERM)
        assert callable(handler), handler  # adsim's (stop_on_signals)
        handler(signal.SIGTERM, None)  # a stop at this very point: in a finalizer


class _Broken:
    def __del__(self) -> None:
        raise ValueError("not a stop")


def _module(plugin: Path) -> dict[str, Any]:
    [loaded] = [m for m in list(sys.modules.values()) if getattr(m, "__file__", 0) == str(plugin)]
    return vars(loaded)


def test_a_plugins_unraisablehook_does_not_lose_a_ctrl_c_in_a_finalizer(tmp_path):
    plugin = tmp_path / "crm.py"
    plugin.write_text(textwrap.dedent(HOOKING), encoding="utf-8")
    previous = sys.unraisablehook
    try:
        with interrupts.stop_on_signals():
            host = HandlerHost(Simulator(load_tenant(), seed=7), isolation="thread")
            try:
                assert not host.load(plugin)[0].error
                seen = _module(plugin)["seen"]
                _SignalledWhenCollected()
                gc.collect()
                with pytest.raises(interrupts.Interrupted) as raised:
                    interrupts.check()
                assert raised.value.signum == signal.SIGTERM
                _Broken()
                gc.collect()
                assert [type(u.exc_value) for u in seen] == [ValueError]  # the plugin's own
            finally:
                host.close()
    finally:
        sys.unraisablehook = previous
