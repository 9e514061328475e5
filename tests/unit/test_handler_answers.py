"""A handler's answer with text no UTF-8 can hold is junk, not carried on."""

from __future__ import annotations

import pytest

from simulator.contract import EventName
from simulator.handlers.answers import AnswerError, check_answer


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
    ("answer", "where", "shown"),
    [
        ({"caseId": 2**53 + 1}, "['caseId']", "9007199254740993"),
        ({"a": 1, "b": [1, 2, {"c": -(2**60)}]}, "['b'][2]['c']", "-1152921504606846976"),
        ({"n": 10**40}, "['n']", "10000000000000000000..., 41 digits"),
    ],
)
def test_an_integer_beyond_2_53_in_an_answer_is_junk_naming_where(answer, where, shown) -> None:
    """The widget reads the answer as JavaScript, whose numbers are exact only up to 2^53: it
    was accepted here, and a receiver got another number (``9007199254740993`` arrives as
    ``...992``)."""
    with pytest.raises(AnswerError) as raised:
        check_answer(EventName.ON_REQUEST_TRANSFER_DATA, answer, any_transfer_data=True)
    assert str(raised.value) == (
        f"ON_REQUEST_TRANSFER_DATA answer has an integer beyond 2^53 at {where} ({shown}): the "
        "widget reads it as a JavaScript number, exact only up to 2^53 (9,007,199,254,740,992), "
        "and would get another number; return it as a string"
    )


def test_integers_up_to_2_53_floats_and_booleans_pass() -> None:
    answer = {"max": 2**53, "min": -(2**53), "big": 1e300, "flag": True, "id": str(2**64)}
    assert check_answer(EventName.ON_REQUEST_TRANSFER_DATA, answer) == answer


def test_a_handlers_answer_with_one_is_reported_as_junk_and_not_used(tmp_path, sim) -> None:
    from simulator.engine import widget_requests
    from simulator.handlers import HandlerHost

    plugin = tmp_path / "kb.py"
    plugin.write_text(
        "def search(query, language, folder_id):\n"
        "    return [{'id': 'a1', 'text': 'Refunds', 'views': 2**60}]\n\n\n"
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
    assert "answer has an integer beyond 2^53 at [0]['views'] (1152921504606846976)" in (
        outcome.error
    )
    assert event.response is not None and event.response.value == []  # the vendor's default
