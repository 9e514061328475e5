"""A plugin's process builds the payload models of the events its handlers take once the plugin
is loaded, not in its first handler call: built there (the models defer their build), they took
~30-50 ms of the first call's measured duration (`--trace-handlers`, the series' latencies),
whose handler took a few microseconds."""

from __future__ import annotations

from pathlib import Path

from simulator.engine import Simulator
from simulator.handlers import HandlerHost
from simulator.journal import Journal

PLUGIN = """
from simulator.contract import models


def register(ad_api):
    def on_login(state):  # runs before any interaction event: only the build ahead made it
        return type(models.InteractionData.__pydantic_validator__).__name__

    ad_api.on("ON_LOGIN", on_login)
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: None)
"""


def test_the_models_are_built_before_the_first_call(tmp_path: Path):
    plugin = tmp_path / "built_ahead.py"
    plugin.write_text(PLUGIN, encoding="utf-8")
    sim = Simulator(seed=1)
    host = HandlerHost(sim, timeout=10.0, journal=Journal.open(":memory:"), isolation="process")
    try:
        host.load(plugin)
        sim.login()
        host.settle()
        [outcome] = host.outcomes
    finally:
        host.close()
    assert (outcome.event_name, outcome.status) == ("ON_LOGIN", "ok"), outcome
    assert outcome.result == "SchemaValidator", outcome


def test_prepare_leaves_an_unknown_version_or_name_to_the_call():
    from simulator.engine.payloads import prepare

    prepare("4.0", ["ON_LOGIN"])
    prepare("5.19", ["ON_NOTHING"])
