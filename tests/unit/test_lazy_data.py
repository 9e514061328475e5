"""Faker and phonenumbers load on the first customer, not with the engine (start-up speed).
That the drawn values did not change is pinned by ``test_determinism``'s goldens."""

from __future__ import annotations

import json
import subprocess
import sys

_PROBE = """
import json, sys
from simulator.engine import Simulator
loaded = {}
sim = Simulator(seed=4)
sim.login()
sim.set_agent_state("ready")
loaded["ready"] = sorted(m for m in ("faker", "phonenumbers") if m in sys.modules)
sim.offer_call("Customer Support")
loaded["offered"] = sorted(m for m in ("faker", "phonenumbers") if m in sys.modules)
print(json.dumps(loaded))
"""


def test_the_engine_imports_faker_and_phonenumbers_only_for_the_first_customer():
    # A fresh interpreter: this test process has imported both long ago.
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=120, check=True
    )
    loaded = json.loads(done.stdout)
    assert loaded == {"ready": [], "offered": ["faker", "phonenumbers"]}
