"""The text the journal stores for an event's arguments stays what it always was, byte for byte,
however the commit builds it (``stable_text.dumps_each``, one flat row of values per step): the
literals below are what the journal wrote before its commits were made cheaper, and the
property test holds every commit to the plain algorithm (``json.dumps`` with the journal's
options, a value JSON cannot hold as its ``stable_repr`` text, a lone surrogate as its escape)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.journal import Journal
from simulator.journal.schema import MIGRATIONS
from simulator.stable_text import dumps, dumps_each, stable_repr


class _Event:
    name = "ON_INTERACTION_STATE_CHANGE"
    interaction_id = "I-1"

    def __init__(self, seq: int, wire_args: Any):
        self.seq = seq
        self.time_ms = 1_700_000_000_000 + seq
        self.wire_args = wire_args


class _Thing:
    def __repr__(self) -> str:
        return "<Thing>"


class _Counter:
    """A repr that changes at every call: its text is never taken from another event's."""

    def __init__(self) -> None:
        self.calls = 0

    def __repr__(self) -> str:
        self.calls += 1
        return f"<call {self.calls}>"


def _reference(value: Any) -> str:
    """What the journal stored for ``value`` before: written out plainly."""
    try:
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=stable_repr)
    except (TypeError, ValueError, RecursionError):
        text = json.dumps(stable_repr(value), ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _stored(journal: Journal) -> list[str]:
    rows = journal._db.execute("SELECT args FROM events ORDER BY run_id, seq").fetchall()
    return [row[0] for row in rows]


_SHARED = {"interactionId": "I-1", "state": "completed", "n": 1.5}
_CYCLE: list[Any] = []
_CYCLE.append(_CYCLE)

_TRICKY: list[tuple[Any, str]] = [
    (
        ({"note": 'é 中 😀 \u2028 \x00 \x1f " \\ /'},),
        '[{"note":"é 中 😀 \u2028 \\u0000 \\u001f \\" \\\\ /"}]',
    ),
    (({"note": "a\ud800b", "more": ["\udfff"]},), '[{"note":"a\\ud800b","more":["\\udfff"]}]'),
    (
        (1.5, -0.0, 1e16, 1e-7, 0.1, 123456789.125, float("inf"), float("-inf"), float("nan")),
        "[1.5,-0.0,1e+16,1e-07,0.1,123456789.125,Infinity,-Infinity,NaN]",
    ),
    (
        (2**70, -(2**64), 0, True, False, None),
        "[1180591620717411303424,-18446744073709551616,0,true,false,null]",
    ),
    (
        ({"a": [1, [2, [3, {"b": (4, 5)}]]], "": {}, "e": []},),
        '[{"a":[1,[2,[3,{"b":[4,5]}]]],"":{},"e":[]}]',
    ),
    (((1, 2), [3, (4,)]), "[[1,2],[3,[4]]]"),
    (({"tags": {"b", "a"}, "t": _Thing()},), '[{"tags":"{\'a\', \'b\'}","t":"<Thing>"}]'),
    (({(1, 2): "tuple key"},), "\"({(1, 2): 'tuple key'},)\""),
    (
        ({1: "int key", 2.5: "float key", None: "none key"},),
        '[{"1":"int key","2.5":"float key","null":"none key"}]',
    ),
    ((), "[]"),
    # One dict in three events in a row (the engine's completed, removed and saved events), in a
    # tuple and in a list; then a tuple holding it beside something else.
    ((_SHARED,), '[{"interactionId":"I-1","state":"completed","n":1.5}]'),
    ([_SHARED], '[{"interactionId":"I-1","state":"completed","n":1.5}]'),
    ((_SHARED,), '[{"interactionId":"I-1","state":"completed","n":1.5}]'),
    ((_SHARED, 1), '[{"interactionId":"I-1","state":"completed","n":1.5},1]'),
    # A cycle: the whole value as its repr text (the list inside itself is ``[...]``, as Python's
    # repr writes it; it was written 100 levels deep), in every event holding it.
    ((_CYCLE,), '"([[...]],)"'),
    ((_CYCLE,), '"([[...]],)"'),
]


def test_event_arguments_are_stored_as_the_journal_always_wrote_them(tmp_path):
    counter = _Counter()
    events = [_Event(seq, args) for seq, (args, _) in enumerate(_TRICKY, start=1)]
    # The same object twice in a row, whose repr changes: encoded again each time, as before.
    events += [_Event(len(events) + 1, (counter,)), _Event(len(events) + 2, (counter,))]
    expected = [text for _, text in _TRICKY] + ['["<call 1>"]', '["<call 2>"]']
    with Journal.open(tmp_path / "j.sqlite3") as journal:
        journal.commit(events)
        assert _stored(journal) == expected
    assert dumps_each([event.wire_args for event in events[:-2]]) == [
        dumps(args) for args, _ in _TRICKY
    ]


def test_a_journal_without_the_agent_column_stores_the_same_text(tmp_path):
    # schema 2 (an older adsim's file): five values per event after the run id, not six
    events = [_Event(seq, args) for seq, (args, _) in enumerate(_TRICKY, start=1)]
    with Journal.open(tmp_path / "old.sqlite3", migrations=MIGRATIONS[:2]) as journal:
        journal.commit(events)
        assert _stored(journal) == [text for _, text in _TRICKY]


def test_a_commit_of_more_events_than_one_insert_takes_keeps_every_row_in_its_run(tmp_path):
    with Journal.open(tmp_path / "j.sqlite3") as journal:
        journal.commit([_Event(seq, ({"n": seq},)) for seq in range(1, 301)])
        first = journal.run_id
        journal.new_run({"seed": 2})
        journal.commit([_Event(seq, (seq,)) for seq in range(1, 4)])
        second = journal.run_id
        rows = journal._db.execute("SELECT run_id, seq, args FROM events ORDER BY rowid").fetchall()
    assert second != first
    assert rows == [(first, seq, f'[{{"n":{seq}}}]') for seq in range(1, 301)] + [
        (second, seq, f"[{seq}]") for seq in range(1, 4)
    ]


def test_each_events_agent_and_interaction_are_stored_with_it_and_none_is_null(tmp_path):
    def event(seq: int, agent: str | None, interaction: str | None = "I-1") -> _Event:
        made = _Event(seq, (seq,))
        made.agent = agent  # type: ignore[attr-defined]
        made.interaction_id = interaction
        return made

    steps = [
        [event(1, None, None), event(2, "agent-2", ""), event(3, "", None), event(4, None)],
        [event(5, None, None), _Event(6, (6,))],  # no agent at all in this step
    ]
    with Journal.open(tmp_path / "j.sqlite3") as journal:
        for step in steps:
            journal.commit(step)
        rows = journal._db.execute(
            "SELECT seq, agent, typeof(agent), interaction_id, typeof(interaction_id)"
            " FROM events ORDER BY seq"
        ).fetchall()
    with Journal.open(tmp_path / "old.sqlite3", migrations=MIGRATIONS[:2]) as journal:
        journal.commit(steps[1])
        old_rows = journal._db.execute(
            "SELECT seq, interaction_id, typeof(interaction_id) FROM events ORDER BY seq"
        ).fetchall()
    assert rows == [
        (1, None, "null", None, "null"),
        (2, "agent-2", "text", "", "text"),
        (3, "", "text", None, "null"),
        (4, None, "null", "I-1", "text"),
        (5, None, "null", None, "null"),
        (6, None, "null", "I-1", "text"),
    ]
    assert old_rows == [(5, None, "null"), (6, "I-1", "text")]


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8)  # lone surrogates included
)
_VALUES = st.recursive(
    _SCALARS | st.frozensets(st.integers(), max_size=3),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.tuples(inner, inner)
        | st.dictionaries(
            st.text(max_size=4) | st.integers() | st.tuples(st.integers()), inner, max_size=3
        )
    ),
    max_leaves=12,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    items=st.lists(_VALUES, min_size=1, max_size=6),
    picks=st.lists(st.tuples(st.integers(min_value=0, max_value=5), st.booleans()), max_size=10),
)
def test_every_commit_stores_the_plain_algorithms_text(tmp_path_factory, items, picks):
    # Events whose one argument is an object another event has too (in a row or not), as a
    # tuple or as a list, beside events of their own.
    wire_args: list[Any] = [(item,) for item in items]
    for index, as_list in picks:
        item = items[index % len(items)]
        wire_args.append([item] if as_list else (item,))
    events = [_Event(seq, args) for seq, args in enumerate(wire_args, start=1)]
    path = tmp_path_factory.mktemp("j") / "j.sqlite3"
    with Journal.open(path) as journal:
        journal.commit(events)
        assert _stored(journal) == [_reference(args) for args in wire_args]


class _Outcome:
    event_name = "ON_INTERACTION_STATE_CHANGE"
    interaction_id = "I-1"
    handler = "on_change"
    duration_ms = 1.25

    def __init__(self, plugin: str, result: Any, error: Any, trace: Any, status: str):
        self.event_seq = 1
        self.plugin = plugin
        self.result = result
        self.error = error
        self.traceback = trace
        self.status = status


def test_outcomes_are_stored_exactly_with_or_without_an_error(tmp_path):
    event = _Event(1, (1,))
    event.agent = "agent-2"  # type: ignore[attr-defined]
    with Journal.open(tmp_path / "j.sqlite3") as journal:
        journal.commit([event])
        journal.record_outcome(_Outcome("plügin.py", None, None, None, "ok"))
        journal.record_outcome(_Outcome("p.py", {"b", "a"}, "bad \ud800", "Trace\n", "error"))
        journal.record_outcome(_Outcome("p.py", [1.5, "é"], None, "only a trace", "ok"))
        journal.flush()
        rows = journal._db.execute(
            "SELECT plugin, status, duration_ms, result, error, traceback, typeof(error),"
            " agent FROM outcomes ORDER BY id"
        ).fetchall()
    assert rows == [
        ("plügin.py", "ok", 1.25, "null", None, None, "null", "agent-2"),
        ("p.py", "error", 1.25, "\"{'a', 'b'}\"", "bad \\ud800", "Trace\n", "text", "agent-2"),
        ("p.py", "ok", 1.25, '[1.5,"é"]', None, "only a trace", "null", "agent-2"),
    ]
