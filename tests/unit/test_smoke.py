"""The demo call runs and produces one activity record."""

from simulator.demo import run_demo_call
from simulator.engine import Simulator


def test_demo_call_saves_one_record():
    recorder = run_demo_call(Simulator(seed=1))
    assert len(recorder.records()) == 1
