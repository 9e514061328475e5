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
