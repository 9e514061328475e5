"""adsim's own plugins (a JS page, the webhook) load without the guards that watch a plugin's
import in adsim's process (thread isolation).

Those guards compare what the process holds (builtins, standard streams, signal handlers,
imported modules) before and after a load, and put back and report what changed. The window
adds its CRM page on its own thread while a ``--handler`` plugin may be loading on another
(``simulator.gui.plugin_loading``): what that plugin changed meanwhile was the page's, reported
under the page's name and undone under the plugin's feet.
"""

from __future__ import annotations

import builtins

import pytest

from simulator.data import load_tenant
from simulator.engine import Simulator
from simulator.handlers import HandlerHost
from simulator.handlers.plugins import Plugin, PluginSource


def _register(ad_api):
    ad_api.on("ON_LOGIN", lambda *args: None)


@pytest.fixture
def host():
    made = HandlerHost(Simulator(load_tenant(), seed=7), isolation="thread")
    yield made
    made.close()


@pytest.mark.parametrize("own", [True, False])
def test_a_builtin_another_thread_replaces_during_a_load_is_that_loads_only_if_not_adsims(
    host, own
):
    real_len = builtins.len

    def another_threads_len(value):  # pragma: no cover - never called
        return real_len(value)

    def read():  # meanwhile, another thread's plugin import replaces a builtin
        builtins.len = another_threads_len
        return [Plugin("js:page", "js:page", None, _register, None, None, own=own)]

    try:
        [status] = host._load_source(PluginSource(read, own=own), "js:page")
        assert status.loaded
        if own:
            assert builtins.len is another_threads_len  # not undone: not the page's doing
            assert host.incidents == []
        else:  # a plugin's own load: its doing, put back and said (as before)
            assert builtins.len is real_len
            assert any("len" in line for line in host.incidents), host.incidents
    finally:
        builtins.len = real_len
