"""Random action sequences (hypothesis) never break the engine's invariants.

One SAVE per finished interaction and never twice; endTime >= startTime; the duration rule;
no nulls in optional keys; no voice fields on chat or email; an illegal action changes nothing;
every payload validates against the contract and dumps back to itself.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from simulator.contract import InteractionData
from simulator.engine import EventRecorder, Simulator

from .flows import snapshot

VOICE_ONLY = ("callDirection", "DNIS", "ANI", "recordingUrl", "playbackUrl", "phoneNumber")
OPTIONAL = {
    f.alias or name
    for name, f in InteractionData.model_fields.items()
    if not f.is_required() and f.default is None
}


def _target(sim: Simulator, pick: int) -> str | None:
    ids = [inter.id for inter in sim.interactions]
    if not ids or pick == 0:
        return None
    return ids[pick % len(ids)]


STEPS = {
    "ready": lambda sim, pick, text: sim.set_agent_state("ready"),
    "not_ready": lambda sim, pick, text: sim.set_agent_state("not_ready", "Break"),
    "call": lambda sim, pick, text: sim.offer_call(
        ["Customer Support", "Sales", "IT Helpdesk"][pick % 3]
    ),
    "chat": lambda sim, pick, text: sim.offer_chat("Web Chat", None, text or "hi"),
    "email": lambda sim, pick, text: sim.offer_email("Email Support"),
    "dial": lambda sim, pick, text: sim.start_call(
        ["+14155550134", "2001", "18005550199", ""][pick % 4]
    ),
    "accept": lambda sim, pick, text: sim.accept_interaction(_target(sim, pick)),
    "reject": lambda sim, pick, text: sim.reject_interaction(_target(sim, pick)),
    "hold": lambda sim, pick, text: sim.set_call_hold(True, _target(sim, pick)),
    "resume": lambda sim, pick, text: sim.set_call_hold(False, _target(sim, pick)),
    "mute": lambda sim, pick, text: sim.set_call_mute(pick % 2 == 0, _target(sim, pick)),
    "record": lambda sim, pick, text: sim.set_call_recording(pick % 2 == 0, _target(sim, pick)),
    "dtmf": lambda sim, pick, text: sim.send_dtmf(text or "5", _target(sim, pick)),
    "consult": lambda sim, pick, text: sim.consult_call("2002"),
    "transfer": lambda sim, pick, text: sim.transfer(),
    "blind": lambda sim, pick, text: sim.blind_transfer("+14155550100", None, _target(sim, pick)),
    "conference": lambda sim, pick, text: sim.invite_to_call_conference(
        "3001", None, _target(sim, pick)
    ),
    "destroy": lambda sim, pick, text: sim.destroy_call_conference(_target(sim, pick)),
    "leave": lambda sim, pick, text: sim.leave_interaction(_target(sim, pick)),
    "hang_up": lambda sim, pick, text: sim.customer_hang_up(_target(sim, pick)),
    "answer": lambda sim, pick, text: sim.customer_answer(_target(sim, pick)),
    "say": lambda sim, pick, text: sim.customer_message(text, _target(sim, pick)),
    "write": lambda sim, pick, text: sim.send_chat_message(text, _target(sim, pick)),
    "reply": lambda sim, pick, text: sim.send_email_reply(text, _target(sim, pick)),
    "disposition": lambda sim, pick, text: sim.set_disposition(
        ["Product sold", "Problem solved", "517330FF-82EE-573C-B579-11F55E8E44A4", "nope"][
            pick % 4
        ],
        _target(sim, pick),
    ),
    "note": lambda sim, pick, text: sim.add_note(text, _target(sim, pick)),
    "complete": lambda sim, pick, text: sim.complete_interaction(_target(sim, pick)),
    "leave_complete": lambda sim, pick, text: sim.leave_and_complete_interaction(
        "Problem solved" if pick % 2 else None, text or None, _target(sim, pick)
    ),
    "switch": lambda sim, pick, text: sim.switch_active_interaction(_target(sim, pick) or "x"),
    "wait": lambda sim, pick, text: sim.advance(pick * 1.7),
    "logout": lambda sim, pick, text: sim.logout(),
    "login": lambda sim, pick, text: sim.login(),
}

# Weighted towards the common flow so flags and wrap-up are exercised often.
_WEIGHTS = {"ready": 3, "call": 4, "accept": 6, "mute": 5, "record": 4, "hold": 3, "resume": 3,
            "disposition": 4, "leave": 3, "complete": 4, "wait": 3, "chat": 2,
            "dial": 2}  # fmt: skip
_NAMES = [name for name in sorted(STEPS) for _ in range(_WEIGHTS.get(name, 1))]

step = st.tuples(
    st.sampled_from(_NAMES),
    st.integers(min_value=0, max_value=40),
    st.sampled_from(["", "hello", "12#", "<b>x</b>", "  "]),
)


_PRELUDES = {
    "none": [],
    "call": [("ready", 0, ""), ("call", 0, ""), ("accept", 0, "")],
    "chat": [("ready", 0, ""), ("chat", 0, "hi"), ("accept", 0, "")],
    "email": [("ready", 0, ""), ("email", 0, ""), ("accept", 0, "")],
    "dial": [("dial", 0, ""), ("wait", 3, "")],
}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    steps=st.lists(step, max_size=60),
    seed=st.integers(0, 3),
    prelude=st.sampled_from(sorted(_PRELUDES)),
)
@example(steps=[("mute", 0, ""), ("mute", 2, "")], seed=0, prelude="call")
@example(steps=[("leave", 0, ""), ("complete", 0, "")], seed=0, prelude="chat")
@example(steps=[("reply", 0, "ok"), ("complete", 0, "")], seed=0, prelude="email")
def test_random_sequences_keep_the_invariants(tenant, steps, seed, prelude):
    sim = Simulator(tenant, seed=seed)
    recorder = EventRecorder()
    sim.subscribe(recorder)
    sim.login()
    for name, pick, text in _PRELUDES[prelude] + steps:
        before = snapshot(sim)
        result = STEPS[name](sim, pick, text)
        if result is not None and not result.ok:
            assert snapshot(sim) == before, f"{name} failed but changed something"
    sim.advance(3600)  # let every timer run out

    saved = Counter(e.interaction_id for e in recorder.of("ON_SAVE_ACTIVITY_RECORD"))
    removed = Counter(e.interaction_id for e in recorder.of("ON_INTERACTION_REMOVED"))
    assert all(count == 1 for count in saved.values())
    assert saved == removed
    assert set(saved) == {inter.id for inter in sim.finished}
    new = Counter(e.interaction_id for e in recorder.of("ON_NEW_INTERACTION"))
    assert all(count == 1 for count in new.values())
    assert set(saved) <= set(new)

    last: dict[str, dict] = {}
    for event in recorder.events:
        for arg in event.wire_args:
            if not (isinstance(arg, dict) and "interactionId" in arg):
                continue
            assert InteractionData.model_validate(arg).model_dump(mode="json") == arg
            assert not [k for k in OPTIONAL if k in arg and arg[k] is None]
            if arg["type"] != "voice":
                assert not [k for k in VOICE_ONLY if k in arg]
                assert arg["callParties"] == []
                assert arg["callMuted"] is False
                assert arg["callRecording"] is False
            if "startTime" in arg and "endTime" in arg:
                assert arg["endTime"] >= arg["startTime"]
                expected = (arg["endTime"] - arg["startTime"]) // 1000
                assert arg.get("duration") == (expected or None)
            else:
                assert "duration" not in arg
            if event.name.value == "ON_INTERACTION_STATE_CHANGE":
                assert last.get(arg["interactionId"]) != arg, "a STATE_CHANGE with no change"
            last[arg["interactionId"]] = arg
