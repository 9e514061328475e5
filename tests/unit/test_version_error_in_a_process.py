"""A plugin in its own process that subscribes to an event its run's adApi version lacks is
told so as it is in adsim's process (the version error naming the version that has the event),
not with an error of adsim's own making."""

from __future__ import annotations

import pytest

from simulator.engine import Settings, Simulator
from simulator.handlers import HandlerHost

WAIT = 10.0


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_an_event_the_version_lacks_is_a_load_error_naming_the_version(tmp_path, isolation):
    plugin = tmp_path / "transcripts.py"
    plugin.write_text(
        "def register(ad_api):\n"
        "    ad_api.on('ON_VOICE_TRANSCRIPT_MESSAGE', lambda message: None)\n",
        encoding="utf-8",
    )
    sim = Simulator(None, seed=7, settings=Settings(api_version="5.19"))
    host = HandlerHost(sim, timeout=WAIT, isolation=isolation)
    try:
        [status] = host.load(plugin)
    finally:
        host.close(timeout=WAIT)
    assert not status.loaded
    assert status.error.startswith(f"{plugin}:2: ")
    assert "ON_VOICE_TRANSCRIPT_MESSAGE is not in adApi 5.19: it appeared in 2026" in status.error
