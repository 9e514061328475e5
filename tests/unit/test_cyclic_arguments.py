"""An argument that is no JSON tree (a dict that contains itself, absurd nesting) is
``invalid_args`` in one sentence, never a walk that does not end: with thread isolation
``add_interaction_associated_object`` with a looping extra key spun in the JSON-number check
until the handler's timeout (and on, growing its list), and a dict holding itself twice sent the
lone-surrogate search through 2**32 steps; with process isolation the plugin got JSON's
"Circular reference detected" under the method's Python name."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any, ClassVar

import pytest

from simulator import stable_text
from simulator.contract import ResultErrorCode
from simulator.contract.json_tree import MAX_DEPTH, MAX_VALUES, tree_problem
from simulator.demo import run_demo_call
from simulator.engine import EventRecorder, Settings, Simulator
from simulator.handlers import AdApi, HandlerHost
from simulator.journal import Journal

Code = ResultErrorCode

WALKS = 10_000
"""Containers a walk may open before the tripwire calls it endless (a fixed count, no clock)."""


class Tripwire(dict):  # type: ignore[type-arg]
    """A dict that fails the test once walks have opened it ``WALKS`` times in all: a walk
    that would never end fails instead of hanging the test run."""

    opened: ClassVar[list[int]] = [0]

    def items(self):  # type: ignore[override]
        Tripwire.opened[0] += 1
        if Tripwire.opened[0] > WALKS:
            raise AssertionError("a walk of the argument never ends")
        return super().items()


def _loop(*keys: str) -> Tripwire:
    """A dict holding itself under each of ``keys``."""
    Tripwire.opened[0] = 0
    d = Tripwire()
    for key in keys:
        d[key] = d
    return d


def _record(**extra: Any) -> dict[str, Any]:
    return {
        "id": "0031",
        "type": "Contact",
        "displayName": "Ann Lee",
        "displayType": "Contact",
        "customFields": {},
        **extra,
    }


def _on_a_call(settings: Settings | None = None) -> tuple[Simulator, EventRecorder]:
    sim = Simulator(settings=settings, seed=5)
    sim.login()
    sim.set_agent_state("ready")
    sim.offer_call("Sales")
    sim.accept_interaction()
    rec = EventRecorder()
    sim.subscribe(rec)
    return sim, rec


def test_tree_problem_says_where_the_loop_closes():
    d: dict[str, Any] = {"a": 1}
    d["b"] = [0, {"c": d}]
    assert (
        tree_problem(d, "screenData")
        == "screenData contains itself: screenData.b[1].c is screenData"
    )
    assert (
        tree_problem({"x y": d}, "data")
        == "data contains itself: data['x y'].b[1].c is data['x y']"
    )
    shared = [1, 2]
    assert tree_problem({"a": shared, "b": shared}, "data") is None  # no loop: written twice
    assert tree_problem("text", "data") is None


def test_tree_problem_bounds_depth_and_size():
    deep: list[Any] = []
    inner = deep
    for _ in range(MAX_DEPTH * 5):
        inner.append([])
        inner = inner[0]
    assert (tree_problem(deep, "data") or "").startswith(f"data nests deeper than {MAX_DEPTH}")
    level: list[Any] = [0, 0]
    for _ in range(40):  # 2**40 values as JSON text, 80 objects in memory
        level = [level, level]
    assert tree_problem(level, "data") == f"data holds more than {MAX_VALUES:,} values"


CASES = [
    pytest.param(
        "add_interaction_associated_object", lambda: (_record(loop=_loop("self")),), id="record"
    ),
    pytest.param("set_interaction_active_screen", lambda: (_loop("a", "b"),), id="screen-wide"),
    pytest.param("set_interaction_active_screen", lambda: (_loop("self"),), id="screen"),
    pytest.param("set_variable", lambda: ("case", _loop("a", "b")), id="variable"),
    pytest.param(
        "login", lambda: ({"username": "u", "password": "p", "x": _loop("a")},), id="login"
    ),
    pytest.param(
        "get_dispositions_list", lambda: ({"service": "Sales", "x": _loop("a", "b")},), id="target"
    ),
]


@pytest.mark.parametrize(("method", "args"), CASES)
def test_ad_api_refuses_an_argument_that_contains_itself(method, args):
    sim, rec = _on_a_call()
    before = sim.interactions[0].wire()
    result = getattr(AdApi(sim), method)(*args())
    assert result.error is not None and result.error.code == Code.invalid_args, result
    message = result.error.message or ""
    assert "contains itself" in message and message.endswith("; pass JSON data."), message
    assert sim.interactions[0].wire() == before
    assert rec.names() == []


def test_what_is_recorded_and_logged_of_such_an_argument_is_a_text():
    sim, _rec = _on_a_call()
    api = AdApi(sim)
    calls = api._widget.record_calls()
    logged: list[Any] = []
    api.inject_message_logger(lambda kind, params: logged.append((kind, params)))
    api.set_interaction_active_screen(_loop("a", "b"))
    (call,) = calls
    assert call.params == [
        "(not JSON data: screenData contains itself: screenData.a is screenData)",
        None,  # interactionId
    ]
    assert logged[0] == ("SET_INTERACTION_ACTIVE_SCREEN", call.params)


def test_absurd_nesting_is_refused_too():
    sim, _rec = _on_a_call()
    deep: list[Any] = []
    inner = deep
    for _ in range(10_000):
        inner.append([])
        inner = inner[0]
    result = AdApi(sim).add_interaction_associated_object(_record(deep=deep))
    assert result.error is not None and result.error.code == Code.invalid_args
    assert f"nests deeper than {MAX_DEPTH} levels" in (result.error.message or "")


@pytest.mark.parametrize("through", ["engine", "ad_api"])
def test_transfer_data_of_any_shape_is_still_a_tree(through):
    sim, rec = _on_a_call(Settings(transfer_data_shape="any"))
    before = sim.interactions[0].wire()
    data = {"case": _loop("self")}
    if through == "engine":
        result = sim.blind_transfer("+1 415 555 0177", data)
    else:
        result = AdApi(sim).blind_transfer("+1 415 555 0177", data)
    assert result.error is not None and result.error.code == Code.invalid_args, result
    assert "contains itself" in (result.error.message or "")
    assert sim.interactions[0].wire() == before
    assert rec.names() == []
    assert sim.blind_transfer("+1 415 555 0177", {"case": {"id": [1, 2]}}).ok  # any JSON


class WalkNeverEnds(BaseException):
    """Not an ``Exception``: ``stable_repr`` keeps a leaf whose ``repr`` raises one as text and
    goes on, and a walk that never ends would go on too."""


class Leaf:
    """A leaf that counts how often a walk shows it, and stops the walk past ``limit``: a walk
    of 2**60 steps fails the test at a fixed count (no clock) instead of hanging it."""

    shown: ClassVar[list[int]] = [0]
    limit: ClassVar[int] = stable_text._REPR_ITEMS + 1

    def __repr__(self) -> str:
        Leaf.shown[0] += 1
        if Leaf.shown[0] > Leaf.limit:
            raise WalkNeverEnds(f"a walk of the answer showed a leaf {Leaf.shown[0]:,} times")
        return "leaf"


def test_a_handler_answer_that_contains_itself_is_shown_at_once():
    """``stable_repr`` (how a non-JSON answer is kept) took 2**100 steps for ``d = {"a": d,
    "b": d}``: the handler "timed out" though it had returned. Counted by the leaves it shows
    (it called itself by name once; it does not any more, and a count of those calls would
    miss an endless walk inside it)."""
    Leaf.shown[0] = 0
    d: dict[str, Any] = {"x": Leaf()}
    d["a"] = d
    d["b"] = d
    assert stable_text.stable_repr(d) == "{'x': leaf, 'a': {...}, 'b': {...}}"
    assert Leaf.shown[0] == 1
    level: list[Any] = [Leaf()]
    for _ in range(60):  # 2**60 leaves as text, 61 lists in memory
        level = [level, level]
    Leaf.shown[0] = 0
    assert stable_text.stable_repr(level).endswith(", ...]")
    assert Leaf.shown[0] <= stable_text._REPR_ITEMS


PLUGIN = """
    def register(ad_api):
        def save(activity):
            d = {}
            d["self"] = d
            return [
                ad_api.set_interaction_active_screen(d).error.message,
                ad_api.add_interaction_associated_object({"id": "1", "loop": d}).error.message,
                ad_api.set_interaction_active_screen(screen=d).error.message,
            ]

        ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""


def test_process_isolation_says_the_same(tmp_path: Path):
    path = tmp_path / "loops.py"
    path.write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    sim = Simulator(seed=1)
    host = HandlerHost(sim, journal=Journal.open(":memory:"), isolation="process")
    try:
        host.load(path)
        run_demo_call(sim, after_step=host.settle)
        host.settle()
    finally:
        host.close()
        host.journal.close()
    (outcome,) = [o for o in host.outcomes if o.event_name == "ON_SAVE_ACTIVITY_RECORD"]
    assert outcome.status == "ok", outcome
    assert outcome.result == [
        "setInteractionActiveScreen: screenData contains itself: screenData.self is screenData; "
        "pass JSON data.",
        "addInteractionAssociatedObject: object contains itself: object.loop.self is "
        "object.loop; pass JSON data.",
        "setInteractionActiveScreen: screenData contains itself: screenData.self is screenData; "
        "pass JSON data.",
    ]
