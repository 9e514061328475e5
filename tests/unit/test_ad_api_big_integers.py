"""An ``ad_api`` call whose arguments hold an integer no JavaScript number (a double) holds
exactly (``2**53 + 1``) answers ``invalid_args`` and changes nothing: the widget reads the request
as JavaScript and would act on another number, as it would read such an answer (junk already)."""

from __future__ import annotations

from simulator.contract import InteractionState, InteractionType, ResultErrorCode
from simulator.engine import Simulator
from simulator.handlers import AdApi

from .flows import drive_to


def test_an_inexact_integer_in_the_arguments_is_invalid_args_and_changes_nothing(
    sim: Simulator,
) -> None:
    iid = drive_to(sim, InteractionType.voice, InteractionState.delivered)
    api = AdApi(sim)
    before = sim.bus.count
    result = api.blind_transfer("2001", {"case": "1", "caseId": 2**53 + 1})
    assert result.error is not None and result.error.code == ResultErrorCode.invalid_args
    assert result.error.message == (
        "blindTransfer: customTransferData has an integer not representable exactly as a "
        "JavaScript number (a double) at ['caseId'] (9007199254740993): the widget reads the "
        "request as JavaScript and would get 9007199254740992; pass it as a string."
    )
    assert sim.bus.count == before  # no event: nothing changed
    assert sim.interaction(iid).state is InteractionState.delivered


def test_integers_a_double_holds_pass(sim: Simulator) -> None:
    iid = drive_to(sim, InteractionType.voice, InteractionState.delivered)
    result = AdApi(sim).blind_transfer("2001", {"big": 2**60, "near": 2**53 + 2, "n": 7})
    assert result.ok, result
    assert (
        sim.interaction(iid) is None or sim.interaction(iid).state is not InteractionState.delivered
    )


def test_logged_out_the_widget_refuses_before_it_reads_the_arguments(sim: Simulator) -> None:
    result = AdApi(sim).blind_transfer("2001", {"caseId": -(2**64)})
    assert result.error is not None and result.error.code == ResultErrorCode.not_logged_in
