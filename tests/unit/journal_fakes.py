"""Event-likes and handler outcomes to write into a journal directly, for its tests."""

from __future__ import annotations

from simulator.handlers import HandlerOutcome


class FakeEvent:
    """What ``Journal.commit`` needs of an event: ``ON_LOGIN`` number ``seq`` by default."""

    def __init__(self, seq: int, agent: str | None = None, name: str = "ON_LOGIN"):
        self.seq = seq
        self.agent = agent
        self.name = name
        self.time_ms = 1000 + seq
        self.interaction_id = None
        self.wire_args = ({"n": seq},)


def fake_outcome(seq: int, result: object = None) -> HandlerOutcome:
    """A handler's ``ok`` call on event ``seq``."""
    return HandlerOutcome(
        event_seq=seq,
        event_name="ON_LOGIN",
        interaction_id=None,
        handler="h",
        plugin="p",
        duration_ms=1.5,
        status="ok",
        result=result,
    )
