"""A value whose shared structure hides inside something the bounded walks did not open: a
``collections.deque``, a dataclass instance, a pydantic model's ``Any`` field, an exception,
or a dict key (a tuple subclass with a hash of its own). Their ``repr`` (C code, or Python
code calling it) and pydantic's ``model_dump`` walk what they hold holding the GIL, so with
thread isolation an answer, an exception's argument or an ``ad_api`` argument holding a list
that holds the same list twice, 60 levels deep, hung adsim whole, past the watchdog and
SIGTERM. Each is refused or named within a bound, counted here by a leaf's ``repr`` calls."""

from __future__ import annotations

import collections
import dataclasses
import textwrap
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from simulator import stable_text
from simulator.contract.json_tree import scan, tree_problem
from simulator.handlers.outcome import OpaqueResult, OversizedResult, kept_result
from simulator.one_line import exception_text

from .plugin_demo import run_adsim
from .test_shared_answers import Leaf


@dataclasses.dataclass
class Box:
    a: Any
    b: Any = 1


class Model(BaseModel):
    x: Any


class Key(tuple):  # type: ignore[type-arg]
    """A tuple key with a hash of its own: a builtin tuple's hash walks it, in the plugin."""

    def __hash__(self) -> int:
        return 1


def _shared(leaf: Any) -> Any:
    level: Any = [leaf]
    for _ in range(60):
        level = [level, level]
    return level


def _shared_tuple(leaf: Any) -> Any:
    level: Any = (leaf,)
    for _ in range(60):
        level = (level, level)
    return level


HIDERS = {
    "deque": lambda inner: collections.deque([inner]),
    "dataclass": Box,
    "model": lambda inner: Model(x=inner),
    "exception": ValueError,
}


@pytest.fixture(autouse=True)
def _count_from_zero():
    Leaf.shown[0] = 0


@pytest.mark.parametrize("hider", HIDERS)
def test_an_answer_hiding_shared_lists_is_kept_bounded(hider: str):
    kept = kept_result(HIDERS[hider](_shared(Leaf())), copy=True)
    assert isinstance(kept, OversizedResult | OpaqueResult)
    assert len(kept.text) <= 65_536
    assert Leaf.shown[0] <= stable_text._REPR_ITEMS


@pytest.mark.parametrize("hider", HIDERS)
def test_an_argument_hiding_shared_lists_is_refused_in_one_walk(hider: str):
    problem = tree_problem({"a": [HIDERS[hider](_shared(Leaf()))]}, "screenData")
    assert problem is not None and problem.startswith("screenData holds more than 100,000 values")
    assert "at screenData.a[0]" in problem
    assert Leaf.shown[0] == 0
    assert scan(HIDERS[hider](_shared(1)), "answer").problem == (
        f"answer holds more than 100,000 values (in the {type(HIDERS[hider](1)).__name__})"
    )


@pytest.mark.parametrize("hider", HIDERS)
def test_an_exception_argument_hiding_shared_lists_is_not_written(hider: str):
    text = exception_text(RuntimeError(HIDERS[hider](_shared(Leaf()))))
    assert text == (
        "RuntimeError: (adsim did not write this message: exc.args holds more than "
        "1,000,000 values)"
    )
    assert Leaf.shown[0] == 0


def test_a_shared_tuple_key_is_named_briefly():
    problem = tree_problem({"a": {Key(_shared_tuple(Leaf())): 1}}, "screenData")
    assert problem is not None
    assert problem.startswith("screenData has a key that JSON cannot write: screenData.a has ")
    assert Leaf.shown[0] <= 20


def test_small_values_are_written_as_their_repr():
    assert stable_text.stable_repr(collections.deque([1, 2], maxlen=3)) == (
        "deque([1, 2], maxlen=3)"
    )
    assert stable_text.stable_repr(Box([1])) == "Box(a=[1], b=1)"
    assert stable_text.stable_repr(Model(x={"a": 1})) == "Model(x={'a': 1})"
    assert tree_problem({"a": collections.deque([1])}, "screenData") is None
    assert exception_text(ValueError(collections.deque([1]))) == "ValueError: deque([1])"


MODEL_ANSWER = """
    from typing import Any

    from pydantic import BaseModel


    class Record(BaseModel):
        data: Any


    def save(activity):
        level = [1]
        for _ in range(60):
            level = [level, level]
        return Record(data=level)


    def register(ad_api):
        ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""


def test_adsim_run_keeps_a_model_answer_of_shared_lists(tmp_path: Path):
    """``model_dump`` of it (Rust, holding the GIL) never ended: adsim hung, SIGTERM too."""
    plugin = tmp_path / "crm.py"
    plugin.write_text(textwrap.dedent(MODEL_ANSWER), encoding="utf-8")
    done = run_adsim(
        "run",
        "fixtures/scenarios/inbound_acw_disposition.yaml",
        *("--handler", str(plugin), "--handler-isolation", "thread", "--journal", ":memory:"),
    )
    assert done.returncode == 0, done.stderr
    assert "PASS" in done.stdout + done.stderr
