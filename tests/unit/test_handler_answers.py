"""A handler's answer with text no UTF-8 can hold is junk, not carried on."""

from __future__ import annotations

import pytest

from simulator.contract import EventName
from simulator.handlers.answers import AnswerError, check_answer
from simulator.web import NodeHandler, find_node


def test_a_lone_surrogate_in_an_answer_is_junk() -> None:
    """It reached the colleague's ON_LOAD_TRANSFER_DATA and ended ``adsim run -o`` in a
    UnicodeEncodeError traceback."""
    with pytest.raises(AnswerError) as raised:
        check_answer(EventName.ON_REQUEST_TRANSFER_DATA, {"caseId": "x\ud800y"})
    assert str(raised.value) == (
        "ON_REQUEST_TRANSFER_DATA answer has a lone surrogate (an unpaired \\ud800-\\udfff);"
        " return valid Unicode text"
    )


def test_paired_surrogates_and_other_text_pass() -> None:
    answer = {"caseId": "CASE-1 😀 ünïcödé \\ud800 as text"}
    assert check_answer(EventName.ON_REQUEST_TRANSFER_DATA, answer) == answer


@pytest.mark.parametrize(
    ("answer", "where", "shown", "got"),
    [
        ({"caseId": 2**53 + 1}, "['caseId']", "9007199254740993", "9007199254740992"),
        (
            {"a": 1, "b": [1, 2, {"c": -(2**60 + 1)}]},
            "['b'][2]['c']",
            "-1152921504606846977",
            "-1152921504606846976",
        ),
        (
            {"n": 10**40},
            "['n']",
            "10000000000000000000..., 41 digits",
            "10000000000000000303..., 41 digits",
        ),
        ({"n": 10**400}, "['n']", "10000000000000000000..., 401 digits", "Infinity"),
    ],
)
def test_an_integer_no_double_holds_in_an_answer_is_junk_naming_where(
    answer, where, shown, got
) -> None:
    """The widget reads the answer as JavaScript, whose numbers are doubles: it was accepted
    here, and a receiver got another number (``9007199254740993`` arrives as ``...992``)."""
    with pytest.raises(AnswerError) as raised:
        check_answer(EventName.ON_REQUEST_TRANSFER_DATA, answer, any_transfer_data=True)
    assert str(raised.value) == (
        "ON_REQUEST_TRANSFER_DATA answer has an integer not representable exactly as a "
        f"JavaScript number (a double) at {where} ({shown}): the widget reads the answer as "
        f"JavaScript and would get {got}; return it as a string"
    )


def test_integers_a_double_holds_floats_and_booleans_pass() -> None:
    """Past 2^53 a double still holds every even integer up to 2^54, and 2^60 exactly: those
    were refused as "would get another number", though the widget gets them as they are."""
    answer = {
        "max": 2**53,
        "min": -(2**53),
        "even": 2**53 + 2,
        "power": 2**60,
        "negative": -(2**60),
        "big": 1e300,
        "flag": True,
        "id": str(2**64),
    }
    assert check_answer(EventName.ON_REQUEST_TRANSFER_DATA, answer) == answer


def test_a_javascript_answer_is_not_checked_for_exactness() -> None:
    """A JS handler's numbers are JavaScript's: ``JSON.stringify(2 ** 60)`` is
    ``1152921504606847000``, which the widget parses back to 2^60, what the handler returned."""
    answer = {"views": 1152921504606847000}
    with pytest.raises(AnswerError):  # from Python, the widget would not get these digits
        check_answer(EventName.ON_REQUEST_TRANSFER_DATA, answer)
    assert check_answer(EventName.ON_REQUEST_TRANSFER_DATA, answer, from_javascript=True) == (
        answer
    )


@pytest.mark.skipif(find_node() is None, reason="node is not installed (Node 18+)")
def test_a_js_handlers_big_number_is_used(tmp_path, sim) -> None:
    """A JS handler returning 2 ** 60 was refused as junk (its JSON digits are not 2^60's), though
    the widget gets exactly the number the handler returned."""
    from simulator.engine import widget_requests
    from simulator.handlers import HandlerHost

    module = tmp_path / "kb.mjs"
    module.write_text(
        "export function register(adApi) {\n"
        '  adApi.on("ON_SEARCH_KNOWLEDGE_BASE", () => [{id: "a1", views: 2 ** 60}]);\n'
        "}\n",
        encoding="utf-8",
    )
    host = HandlerHost(sim, timeout=60)
    try:
        NodeHandler(host, module).start()
        sim.login()
        event = widget_requests.search_knowledge_base(sim, "refund")
        assert host.settle(60)
        outcomes = [o for o in host.outcomes if o.event_name == "ON_SEARCH_KNOWLEDGE_BASE"]
    finally:
        host.close(timeout=60)
    [outcome] = outcomes
    assert (outcome.plugin, outcome.status, outcome.error) == ("js:kb.mjs", "ok", None)
    assert event.response is not None
    [item] = event.response.value
    assert item["views"] == 1152921504606847000 and float(item["views"]) == 2**60


def test_a_handlers_answer_with_one_is_reported_as_junk_and_not_used(tmp_path, sim) -> None:
    from simulator.engine import widget_requests
    from simulator.handlers import HandlerHost

    plugin = tmp_path / "kb.py"
    plugin.write_text(
        "def search(query, language, folder_id):\n"
        "    return [{'id': 'a1', 'text': 'Refunds', 'views': 2**53 + 1}]\n\n\n"
        "def register(ad_api):\n"
        "    ad_api.on('ON_SEARCH_KNOWLEDGE_BASE', search)\n",
        encoding="utf-8",
    )
    host = HandlerHost(sim, timeout=60, isolation="thread")
    try:
        [status] = host.load(plugin)
        assert status.loaded, status.error
        sim.login()
        event = widget_requests.search_knowledge_base(sim, "refund")
        assert host.settle(60)
        [outcome] = host.outcomes
    finally:
        host.close(timeout=60)
    assert outcome.status == "junk"
    assert outcome.error is not None
    assert (
        "answer has an integer not representable exactly as a JavaScript number (a double) at "
        "[0]['views'] (9007199254740993)" in outcome.error
    )
    assert event.response is not None and event.response.value == []  # the vendor's default
