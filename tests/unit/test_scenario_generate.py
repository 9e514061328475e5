"""``generate``: finished activity records from real flows through the engine."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from simulator.contract import InteractionData
from simulator.scenarios import generate_records, parse_mix
from simulator.scenarios.generate import RecordGenerator
from tests.documentation import page, text


def test_count_and_validity():
    records = list(generate_records(300, seed=5))
    assert len(records) == 300
    for record in records:
        InteractionData.model_validate(record)
        assert record["state"] == "completed"
    assert len({r["interactionId"] for r in records}) == 300


def test_same_seed_same_records():
    assert list(generate_records(50, seed=9)) == list(generate_records(50, seed=9))
    assert list(generate_records(50, seed=9)) != list(generate_records(50, seed=10))


def test_the_flows_are_varied_and_never_refused():
    generator = RecordGenerator(seed=1)
    records = list(generator.records_iter(1500))
    assert generator.refused == 0
    kinds = Counter((r["type"], r.get("callDirection")) for r in records)
    assert kinds[("voice", "inbound")] > kinds[("chat", None)] > kinds[("email", None)] > 0
    assert kinds[("voice", "outbound")] > 0
    assert any(r.get("callRecording") and r.get("playbackUrl") for r in records)
    assert any("startTime" not in r for r in records), "missed, rejected or unanswered calls"
    assert any(len(r["callParties"]) > 1 for r in records), "conferences"
    assert any(r.get("description") for r in records)
    assert len({r.get("disposition") for r in records}) > 5
    durations = [r["duration"] for r in records if r.get("duration")]
    assert min(durations) < 60 < max(durations)


def test_mix():
    records = list(generate_records(60, seed=2, mix={"email": 1}))
    assert {r["type"] for r in records} == {"email"}
    assert parse_mix("voice=70, chat=20,email=10") == {"voice": 70, "chat": 20, "email": 10}
    assert parse_mix("chat=1") == {"chat": 1}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fax=10", "voice, chat or email"),
        ("voice", "MEDIUM=WEIGHT"),
        ("voice=lots", "must be a number"),
        ("voice=-1", "zero or more"),
        ("voice=0", "at least one medium"),
        ("", "at least one medium"),
        ("voice=nan", "must be a finite number"),
        ("voice=inf", "must be a finite number"),  # was "must be zero or more", as if negative
        # The last one won silently: no calls at all, though voice=70 was written first.
        ("voice=70,chat=30,voice=0", "voice is given twice; give each medium once"),
        ("chat=1,CHAT=2", "chat is given twice"),
    ],
)
def test_bad_mix(text, message):
    with pytest.raises(ValueError, match=message):
        parse_mix(text)


@pytest.mark.parametrize("text", ["voice=1e308,chat=1e308", "voice=nan", "chat=inf", "voice=0"])
def test_a_mix_that_cannot_be_drawn_from_is_refused(text):
    with pytest.raises(ValueError):
        parse_mix(text)


def test_dispositions_by_outcome_are_the_ones_docs_scenarios_md_names():
    """The page said an unanswered outbound call gets only "Answering machine", "Silence" or
    "Left voicemail": the built-in tenant's outbound service gave "Bad record" too."""
    prose = " ".join(text(page("scenarios.md")).split())
    sentence = prose.split("Dispositions are chosen by outcome:", 1)[1].split(" (see ", 1)[0]
    named = set(re.findall(r'"([^"]+)"', sentence.split(" in the built-in tenant", 1)[0]))
    assert {"Answering machine", "Silence", "Left voicemail"} <= named
    records = list(generate_records(1500, seed=1))
    unanswered = [
        r
        for r in records
        if r.get("callDirection") == "outbound" and "startTime" not in r and "disposition" in r
    ]
    talked = [r for r in records if "startTime" in r and "disposition" in r]
    assert unanswered and talked
    assert {r["disposition"] for r in unanswered} <= named
    assert not {r["disposition"] for r in talked} & named
