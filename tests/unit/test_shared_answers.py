"""A handler's answer (what it returns) built from a list that holds the same list twice, 60
levels deep, is 2**60 items of JSON or of ``repr`` text: it is refused at once, in one line,
never walked. With thread isolation ``json.dumps`` of it (C code holding the GIL) hung adsim
whole, the watchdog and SIGTERM too; a ``list`` subclass's ``repr`` (``stable_repr`` asked
for it) the same; with process isolation the call ran to its timeout. So did such a value
passed to ``ad_api.on``/``remove`` (named in the error by its ``repr``) or raised
(``raise ValueError(x)``: the message is the list's ``repr``)."""

from __future__ import annotations

import collections
import textwrap
from pathlib import Path
from typing import Any, ClassVar

import pytest

from simulator import stable_text
from simulator.engine import Simulator
from simulator.handlers import AdApi
from simulator.handlers.outcome import OpaqueResult, OversizedResult, kept_result
from simulator.handlers.stacks import traceback_text
from simulator.one_line import exception_text

from .plugin_demo import run_adsim

OPENS = 2_000_000
"""Containers a walk may open before the tripwire calls it endless (a fixed count, no clock):
the bounded walks open ~270,000 of a 60-level shared tree, ``json.dumps`` 2**60."""


class Tripwire(dict):  # type: ignore[type-arg]
    """A dict whose ``items()`` fails the test once walks have opened it ``OPENS`` times: the
    C JSON encoder asks a subclass for its items, so a walk that never ends fails instead."""

    opened: ClassVar[list[int]] = [0]

    def items(self):  # type: ignore[override]
        Tripwire.opened[0] += 1
        if Tripwire.opened[0] > OPENS:
            raise AssertionError("a walk of the answer never ends")
        return super().items()


class Shared(list):  # type: ignore[type-arg]
    """A list subclass: its builtin ``repr`` walks every path."""


class WalkNeverEnds(BaseException):
    """Not an ``Exception``: ``stable_repr`` keeps a leaf whose ``repr`` raises one as text."""


class Leaf:
    """Counts how often a walk shows it and stops the walk past ``_REPR_ITEMS`` showings."""

    shown: ClassVar[list[int]] = [0]

    def __repr__(self) -> str:
        Leaf.shown[0] += 1
        if Leaf.shown[0] > stable_text._REPR_ITEMS + 1:
            raise WalkNeverEnds(f"a walk showed a leaf {Leaf.shown[0]:,} times")
        return "leaf"


def _shared_dicts() -> Tripwire:
    Tripwire.opened[0] = 0
    level = Tripwire(leaf=1)
    for _ in range(60):
        level = Tripwire(a=level, b=level)
    return level


def test_an_answer_of_shared_dicts_is_refused_before_json_walks_it():
    kept = kept_result([_shared_dicts()], copy=False)
    assert isinstance(kept, OversizedResult) and kept.at_least
    assert len(kept.text) <= 65_536
    assert Tripwire.opened[0] < OPENS


def test_the_text_of_a_shared_list_subclass_is_bounded():
    level: Any = Shared([Leaf()])
    for _ in range(60):
        level = Shared([level, level])
    Leaf.shown[0] = 0
    text = stable_text.stable_repr(level)
    assert text.startswith("[[[") and text.endswith(", ...]")
    assert Leaf.shown[0] <= stable_text._REPR_ITEMS
    kept = kept_result(level, copy=True)
    assert isinstance(kept, OversizedResult) and kept.type_name == "Shared" and kept.at_least
    brief = stable_text.brief_repr(level)
    assert len(brief) == 80 and brief.startswith("[[[[") and brief.endswith("...")


def test_subclasses_are_written_with_their_names():
    looped = Shared()
    looped.append(looped)
    assert stable_text.stable_repr(looped) == "[[...]]"
    assert stable_text.stable_repr((Shared([1]), {2})) == "([1], {2})"


SEARCH = """
    class Shared(list):
        pass

    def search(query, language=None, folder_id=None):
        level = Shared()
        for _ in range(60):
            level = Shared([level, level])
        return level

    def register(ad_api):
        ad_api.on("ON_SEARCH_KNOWLEDGE_BASE", search)
"""


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_adsim_run_says_what_is_wrong_with_the_answer(tmp_path: Path, isolation: str):
    plugin = tmp_path / "kb.py"
    plugin.write_text(textwrap.dedent(SEARCH), encoding="utf-8")
    done = run_adsim(
        "run",
        "fixtures/scenarios/knowledge_base.yaml",
        *("--handler", str(plugin), "--handler-isolation", isolation),
        *("--handler-timeout", "60", "--journal", str(tmp_path / "j.sqlite3")),
    )
    assert done.returncode == 1, done.stderr
    assert "#9 ON_SEARCH_KNOWLEDGE_BASE -> kb:search junk in " in done.stderr, done.stderr
    assert (
        ": ON_SEARCH_KNOWLEDGE_BASE answer is more than 1,048,576 characters of JSON, over "
        "adsim's limit of 1,048,576;" in done.stderr
    ), done.stderr
    assert "Traceback" not in done.stderr


def _shared_lists(leaf: Any) -> list[Any]:
    level: list[Any] = [leaf]
    for _ in range(60):
        level = [level, level]
    return level


NOT_WRITTEN = "exc.args holds more than 1,000,000 values"


def test_an_exception_of_shared_lists_is_named_not_written():
    Leaf.shown[0] = 0
    exc = ValueError(_shared_lists(Leaf()))
    assert exception_text(exc) == f"ValueError: (adsim did not write this message: {NOT_WRITTEN})"
    try:
        try:
            raise KeyError(_shared_lists(Leaf()))
        except KeyError:
            raise RuntimeError("CRM down") from None
    except RuntimeError as caught:
        trace = traceback_text(caught)
    assert trace.startswith("Traceback (most recent call last):\n  File ")
    assert trace.endswith(
        "RuntimeError: CRM down\n(adsim wrote this traceback without its source and chained "
        f"exceptions: {NOT_WRITTEN})\n"
    )
    assert Leaf.shown[0] == 0


def test_on_and_remove_name_a_value_of_shared_lists_briefly():
    Leaf.shown[0] = 0
    ad_api = AdApi(Simulator(seed=1))
    with pytest.raises(TypeError) as raised:
        ad_api.on("ON_SAVE_ACTIVITY_RECORD", _shared_lists(Leaf()))  # type: ignore[arg-type]
    assert str(raised.value).startswith(
        "on('ON_SAVE_ACTIVITY_RECORD', ...) needs a function, got [[[[[[[[[["
    )
    with pytest.raises(ValueError, match=r"^unknown event \[\[\[\[.{73}\.\.\. \(event names"):
        ad_api.remove(_shared_lists(Leaf()), print)  # type: ignore[arg-type]
    assert Leaf.shown[0] <= 2


RAISES = """
    import threading

    def shared():
        level = []
        for _ in range(60):
            level = [level, level]
        return level

    def work():
        raise KeyError(shared())

    def register(ad_api):
        def save(activity):
            raise ValueError(shared())

        ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
        worker = threading.Thread(target=work, name="crm-worker")
        worker.start()
        worker.join()  # Python's lines of its exception are written before it ends

    def close():
        raise OSError(shared())
"""
TRACE_NOTE = (
    f"(adsim wrote this traceback without its source and chained exceptions: {NOT_WRITTEN})\n"
)


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_adsim_demo_names_what_a_plugin_raised(tmp_path: Path, isolation: str):
    """A handler, a thread the plugin started and its ``close()``: each is said in one line,
    its traceback without its source."""
    plugin = tmp_path / "crm.py"
    plugin.write_text(textwrap.dedent(RAISES), encoding="utf-8")
    done = run_adsim(
        "demo",
        *("--handler", str(plugin), "--handler-isolation", isolation),
        *("--handler-timeout", "60", "--journal", str(tmp_path / "j.sqlite3")),
    )
    said = done.stderr
    assert done.returncode == 1, said
    assert "ON_SAVE_ACTIVITY_RECORD -> crm:register.<locals>.save error in " in said, said
    assert f"ms: ValueError: (adsim did not write this message: {NOT_WRITTEN})\n" in said, said
    assert (
        f"plugin crm: its thread crm-worker raised: {plugin}:11: KeyError: (adsim did not write "
        f"this message: {NOT_WRITTEN})\n" in said
    ), said
    assert (
        f"plugin crm: its close() raised: {plugin}:23: OSError: (adsim did not write this "
        f"message: {NOT_WRITTEN})\n" in said
    ), said
    assert said.count(TRACE_NOTE) >= 2, said


class BatchError(Exception):
    def __init__(self, failed: int):
        super().__init__(f"{failed} rows failed")
        self.exceptions = failed  # a count, as some libraries keep it: no exception group


def test_an_exception_with_a_count_of_exceptions_is_written_whole():
    try:
        raise BatchError(3)
    except BatchError as caught:
        trace = traceback_text(caught)
    assert trace.endswith("BatchError: 3 rows failed\n") and "adsim" not in trace, trace


class Rows(list):  # type: ignore[type-arg]
    def __len__(self) -> int:
        raise RuntimeError("no len")


def test_an_answer_whose_len_raises_is_junk_not_a_crash():
    kept = kept_result(Rows([1, 2]), copy=True)
    assert isinstance(kept, OpaqueResult) and kept.why == "looking at it raised RuntimeError"


def test_an_answer_merely_too_big_is_oversized():
    kept = kept_result([0] * 524_289, copy=False)
    assert isinstance(kept, OversizedResult) and kept.size == 1_572_867
    assert not kept.at_least
    level: Any = [0]
    for _ in range(60):
        level = [level, level]
    kept = kept_result(level, copy=False)
    assert isinstance(kept, OversizedResult) and kept.at_least


def test_harmless_exception_arguments_are_written_as_before():
    looped: list[Any] = [1]
    looped.append(looped)
    assert exception_text(ValueError({(1, 2): "x"})) == "ValueError: {(1, 2): 'x'}"
    assert exception_text(ValueError(looped)) == "ValueError: [1, [...]]"
    assert exception_text(ValueError(list(range(100_001)))).endswith(", 100000]")


def test_subclasses_are_written_as_repr_writes_them():
    point = collections.namedtuple("point", "x y")
    assert stable_text.stable_repr(point(1, {2})) == "point(x=1, y={2})"
    ordered = collections.OrderedDict(a={1})
    assert stable_text.stable_repr(ordered) == "OrderedDict([('a', {1})])"
    counted = collections.Counter("abbccc")
    assert stable_text.stable_repr(counted) == "Counter({'c': 3, 'b': 2, 'a': 1})"
    assert stable_text.stable_repr(Shared()) == "[]"
    level: Any = collections.OrderedDict(leaf=1)
    for _ in range(60):
        level = collections.OrderedDict(a=level, b=level)
    assert stable_text.stable_repr(level).startswith("OrderedDict({'a': OrderedDict({'a': ")
