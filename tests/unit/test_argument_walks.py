"""How much walking an ``ad_api`` call's arguments costs, counted, never timed: each dict is
opened once by the checks (they walked every argument four times: the JSON-tree check, the
lone-surrogate search, the type check's own tree check, the JSON-number check); a shared
sub-object is written twice, as JSON would, never taken for a loop, and costs its size each
time; a structure with 2**40 paths through 41 dicts is refused after a bounded number of
openings, never walked path by path (a counter trips first: the test fails, it does not hang).
"""

from __future__ import annotations

from typing import Any, ClassVar

from simulator.contract import ResultErrorCode
from simulator.contract.json_tree import MAX_VALUES, copied, scan
from simulator.engine import Settings, Simulator
from simulator.handlers import AdApi
from tests.unit.test_transfer_data_rules import _two

Code = ResultErrorCode


class Counted(dict):  # type: ignore[type-arg]
    """A dict that counts how often a walk opens it (``items()``), and fails the test once the
    count passes ``limit``: a walk that would take 2**40 steps stops there instead."""

    opened: ClassVar[list[int]] = [0]
    limit: ClassVar[list[int]] = [10 * MAX_VALUES]

    def items(self):  # type: ignore[override]
        Counted.opened[0] += 1
        if Counted.opened[0] > Counted.limit[0]:
            raise AssertionError(f"the walk opened dicts {Counted.opened[0]:,} times")
        return super().items()


def _counting(limit: int) -> None:
    Counted.opened[0] = 0
    Counted.limit[0] = limit


def _candidate(number: str) -> Counted:
    return Counted(
        {
            "id": "0031",
            "displayName": "Ann Lee",
            "phones": [Counted({"number": number, "type": "mobile"})],
            "associatedObjects": [
                Counted(
                    {
                        "id": "0031",
                        "type": "Contact",
                        "displayName": "Ann Lee",
                        "displayType": "Contact",
                        "customFields": Counted({"tier": "gold"}),
                    }
                )
            ],
        }
    )


def _api(version: str = "5.24.1") -> AdApi:
    sim = Simulator(seed=5, settings=Settings(api_version=version))
    sim.login()
    return AdApi(sim)


def test_the_checks_open_each_dict_of_the_arguments_once():
    api = _api()
    candidates = [_candidate(f"+1 415 555 01{n:02}") for n in range(10)]
    _counting(10_000)
    assert api.set_dial_candidates(candidates).ok  # checked, then accepted and ignored
    assert Counted.opened[0] == 10 * 4  # each candidate holds four dicts


def test_what_the_checks_find_is_said_as_before_after_one_walk():
    api = _api()
    bad = _candidate("+1 415 555 0100")
    bad["phones"][0]["type"] = "pager"
    _counting(10_000)
    result = api.set_dial_candidates([bad])
    assert result.error is not None and result.error.code == Code.invalid_args
    assert result.error.message == (
        "setDialCandidates: candidates[0].phones[0].type must be one of mobile, business, "
        'home, fax, other, not "pager".'
    )
    big = _candidate("+1 415 555 0100")
    big["associatedObjects"][0]["rank"] = 2**53 + 1
    result = api.set_dial_candidates([big])
    assert result.error is not None and "at [0]['associatedObjects'][0]['rank']" in (
        result.error.message or ""
    )
    lone = _candidate("+1 415 555 0100")
    lone["displayName"] = "Ann \ud800"
    result = api.set_dial_candidates([lone])
    assert result.error is not None and "lone surrogate" in (result.error.message or "")


def test_a_lone_surrogate_is_found_at_any_depth_an_argument_may_have():
    """The search for one stopped 32 levels down: deeper, the text went on to the engine."""
    api = _api()
    for levels in (31, 40, 98):
        deep: Any = "Ann \ud800"
        for _ in range(levels):
            deep = [deep]
        result = api.get_dispositions_list({"service": "Sales", "x": deep})
        assert result.error is not None and "lone surrogate" in (result.error.message or ""), levels


def test_a_key_that_is_not_text_is_no_crash():
    """``{1: ...}`` from a Python caller (JSON writes the key as ``"1"``): the JSON-number
    check wrote every key's place as text, and ``str.__repr__(1)`` raised ``TypeError`` out of
    the ``ad_api`` call."""
    api = _api()
    result = api.get_dispositions_list({"service": "Sales", 1: "x"})
    assert result.error is None, result
    result = api.get_dispositions_list({"service": "Sales", 1: 2**60 + 1})
    assert result.error is not None and result.error.code == Code.invalid_args
    assert "at [1] (1152921504606846977)" in (result.error.message or "")


def _dag(levels: int) -> Counted:
    """41 dicts, 2**levels paths from the top to the bottom one."""
    level = Counted({"id": "C-1"})
    for _ in range(levels):
        level = Counted({"a": level, "b": level})
    return level


def test_a_structure_with_2_to_the_40_paths_is_refused_after_bounded_work():
    # A walk opens at most MAX_VALUES + 1 containers before it says "more than"; a walk
    # that went path by path (2**40) trips the counter instead of hanging.
    jane, _omar, loaded, _call = _two(Settings(transfer_data_shape="any"))
    data = _dag(40)
    _counting(2 * MAX_VALUES)
    result = AdApi(jane).blind_transfer("1002", data)
    assert result.error is not None and result.error.code == Code.invalid_args
    assert result.error.message == (
        f"blindTransfer: customTransferData holds more than {MAX_VALUES:,} values; pass JSON data."
    )
    assert Counted.opened[0] <= MAX_VALUES + 1
    _counting(2 * MAX_VALUES)
    result = jane.blind_transfer("1002", data)  # the engine's own check, without ad_api
    assert result.error is not None and "more than 100,000 values" in (result.error.message or "")
    assert loaded == []


def _opened_by_a_transfer(copies: int) -> tuple[int, list[tuple[str, Any]], dict[str, Any]]:
    jane, _omar, loaded, _call = _two(Settings(transfer_data_shape="any"))
    shared = Counted({"id": "C-1", "tags": ["vip"]})
    data = {"case": shared, "many": [shared] * copies}
    _counting(100 * (copies + 1))
    assert AdApi(jane).blind_transfer("1002", data).ok
    return Counted.opened[0], loaded, shared


def test_a_shared_sub_object_is_no_loop_and_costs_its_size_each_time():
    opened, loaded, _shared = _opened_by_a_transfer(1000)
    opened_twice_as_many, _, _ = _opened_by_a_transfer(2000)
    # Linear: each of the 1001 places costs the same few openings, whatever the count.
    assert opened % 1001 == 0 and opened_twice_as_many == opened // 1001 * 2001
    ((_iid, got),) = loaded
    assert len(got["many"]) == 1000 and got["many"][0] == {"id": "C-1", "tags": ["vip"]}


def test_the_colleague_gets_its_own_copy_as_json_would_give():
    """With thread isolation the colleague's ``ON_LOAD_TRANSFER_DATA`` got the sender's own
    nested objects: what either did to them later changed the other's data (with process
    isolation JSON made copies)."""
    _opened, loaded, shared = _opened_by_a_transfer(3)
    ((_iid, got),) = loaded
    assert got["case"] is not shared and got["many"][0] is not got["many"][1]
    shared["id"] = "changed by the sender"
    got["many"][0]["tags"].append("changed by the colleague")
    assert got["case"] == {"id": "C-1", "tags": ["vip"]}
    assert got["many"][1] == {"id": "C-1", "tags": ["vip"]}
    assert shared["tags"] == ["vip"]


def test_copied_shares_nothing_and_scan_finds_no_loop_in_sharing():
    shared = [1, {"a": "b"}]
    tree = {"x": shared, "y": (shared, shared)}
    assert scan(tree, "data").problem is None
    copy = copied(tree)
    assert copy == tree
    assert copy["x"] is not shared and copy["y"][0] is not copy["y"][1]
    assert copy["x"][1] is not shared[1]


def test_a_key_no_json_text_has_is_refused_and_a_surrogate_in_a_number_key_is_found():
    """The walk took only text keys: a surrogate inside a tuple key got through (the search
    for one looked at every key), and a tuple or model key went on into the records, which
    JSON cannot write."""
    api = _api()
    result = api.set_interaction_active_screen({("a\ud800",): 1})
    assert result.error is not None and result.error.code == Code.invalid_args
    assert result.error.message == (
        "setInteractionActiveScreen: screenData has a key that JSON cannot write: screenData "
        "has the tuple key ('a\\ud800',); pass JSON data."
    )
    result = api.get_dispositions_list({"service": "Sales", "x": {("a",): 1}})
    assert result.error is not None and "screenData" not in (result.error.message or "")
    assert "target.x has the tuple key ('a',)" in (result.error.message or "")
    assert api.get_dispositions_list({"service": "Sales", None: 1, 2.5: True}).error is None


def test_transfer_data_offered_with_a_call_is_checked_where_it_enters():
    """``offer_call(transfer_data=...)`` took any object: it is copied for the agent's
    handlers, and a loop, 500 levels or 2**22 paths through shared parts ran the copy out of
    stack or for minutes (the shallow copy before it handed the loop to the journal)."""
    looped: dict[str, Any] = {"case": "C-1"}
    looped["self"] = looped
    deep: Any = {"id": "C-1"}
    for _ in range(500):
        deep = {"inner": deep}
    shared: Any = {"id": "C-1"}
    for _ in range(22):
        shared = {"a": shared, "b": shared}
    for data, said in (
        (looped, "transfer data contains itself: transfer data.self is transfer data"),
        (deep, "transfer data nests deeper than 100 levels"),
        (shared, "transfer data holds more than 100,000 values"),
    ):
        sim = Simulator(seed=5)
        sim.login()
        sim.set_agent_state("ready")
        before = sim.bus.count
        result = sim.offer_call("Sales", transfer_data=data)
        assert result.error is not None and result.error.code == Code.invalid_args, said
        assert said in (result.error.message or "")
        assert sim.bus.count == before  # refused: nothing happened
    sim = Simulator(seed=5)
    sim.login()
    sim.set_agent_state("ready")
    assert sim.offer_call("Sales", transfer_data={"case": {"id": "C-1"}}).ok
