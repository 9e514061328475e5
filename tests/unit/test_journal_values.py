"""Values JSON has no form for (a set a handler returns, an object) are journaled as their repr
text, and that text is the same in every process: same seed, same bytes (text hashes, and so
the order of a set's items, differ from process to process)."""

from __future__ import annotations

import os
import subprocess
import sys

from simulator.handlers.outcome import jsonable
from simulator.journal import Journal
from simulator.stable_text import dumps, stable_repr

_RUN = """
from simulator.data import load_tenant
from simulator.engine import Simulator
from simulator.handlers import HandlerHost
from simulator.journal import Journal


class Thing:
    pass


sim = Simulator(load_tenant(), seed=7)
journal = Journal.open(":memory:")
host = HandlerHost(sim, timeout=5, journal=journal)


def register(ad_api):
    ad_api.on("ON_NEW_INTERACTION", lambda interaction: {"north", "south", "east", "west"})
    ad_api.on("ON_AGENT_STATE_CHANGE", lambda *args: [frozenset({"x1", "x2", "x3"}), Thing()])


host.add_plugin("sets", register)
assert sim.login().ok and sim.set_agent_state("ready").ok
host.settle()
assert sim.offer_call().ok
host.settle()
for row in journal._db.execute("SELECT event_seq, result FROM outcomes ORDER BY id"):
    print(*row)
host.close()
journal.close()
"""


def _journal_rows(hash_seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run(
        [sys.executable, "-c", _RUN],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_set_a_handler_returns_is_journaled_the_same_in_every_process():
    # These two hash seeds put the items of the sets above in different orders (checked: the
    # old plain repr journaled different bytes for them).
    first, second = _journal_rows("1"), _journal_rows("2")
    assert first == second
    assert "{'east', 'north', 'south', 'west'}" in first
    assert "[frozenset({'x1', 'x2', 'x3'}), <" in first and " at 0x" not in first


def test_stable_repr_sorts_sets_and_drops_addresses():
    class Thing:
        pass

    assert stable_repr({"b", "a"}) == "{'a', 'b'}"
    assert stable_repr(frozenset({2, 1})) == "frozenset({1, 2})"
    assert stable_repr(set()) == "set()"
    assert stable_repr(({"b", "a"},)) == "({'a', 'b'},)"
    assert stable_repr({"k": [{3, 1}]}) == "{'k': [{1, 3}]}"
    assert " at 0x" not in stable_repr(Thing())
    assert jsonable({"b", "a"}) == "{'a', 'b'}"
    assert jsonable({"a": [1, "x"]}) == {"a": [1, "x"]}, "JSON data stays JSON data"
    assert dumps({"tags": {"b", "a"}}) == "{\"tags\":\"{'a', 'b'}\"}"
    assert dumps({(1, 2): "tuple key"}) == "\"{(1, 2): 'tuple key'}\"", "not a TypeError"


def test_the_journal_stores_a_set_answer_sorted(sim, tmp_path):
    journal = Journal.open(tmp_path / "j.sqlite3")
    journal.attach(sim)
    assert sim.login().ok
    journal.record_answer(1, {"z", "y", "x"})
    assert journal._db.execute("SELECT answer FROM events WHERE seq = 1").fetchone() == (
        "\"{'x', 'y', 'z'}\"",
    )
    journal.close()
