"""The requests a page's ``adApi`` may send (``SET_CALL_HOLD``), each run on the ``ad_api`` facade
with the page's params, as a Python handler's call would be."""

from __future__ import annotations

import inspect
from typing import Any

from simulator.contract import OperationResult, ResultErrorCode, fail
from simulator.contract.methods import argument_problem
from simulator.contract.versions import method_refusal
from simulator.handlers import AdApi
from simulator.handlers.ad_api import request_message

__all__ = ["REQUESTS", "UNSIMULATED", "run_request"]

_FACADE_ONLY = {"on", "remove", "inject_message_logger"}
REQUESTS: dict[str, str] = {
    request_message(name): name
    for name in dir(
        AdApi
    )  # with the inherited ones: the methods live in simulator.handlers.ad_api.*
    if callable(getattr(AdApi, name)) and not name.startswith("_") and name not in _FACADE_ONLY
}
"""Request message (``SET_CALL_HOLD``) -> ``AdApi`` facade method (``set_call_hold``)."""

UNSIMULATED: frozenset[str] = frozenset()
"""Later-version methods the shim has and the simulator answers ``api_method_not_implemented``."""


def run_request(
    api: AdApi | None, message: str, params: list[Any], api_version: str
) -> OperationResult:
    """Run a request message (``SET_CALL_HOLD``) with the page's params on the facade ``api``.

    A method ``api_version`` lacks answers ``api_method_not_implemented`` whatever its params
    (``setCallRecordingMute()`` under 5.19 answered ``invalid_args``, with 5.24.1's signature)."""
    method = REQUESTS.get(message)
    if method is None:
        if message in UNSIMULATED:
            return fail(ResultErrorCode.api_method_not_implemented, f"{message} is not simulated")
        return fail(ResultErrorCode.invalid_request, f"{message} is not an adApi request")
    if api is None:
        return fail(ResultErrorCode.api_not_answer, "the endpoint is not registered")
    bound = getattr(api, method)
    try:
        inspect.signature(bound).bind(*params)
    except TypeError:
        refusal = method_refusal(method, api_version)
        if refusal is not None:  # the version's widget has no such method to check them for
            return fail(ResultErrorCode.api_method_not_implemented, refusal)
        problem = argument_problem(message, params, api_version)
        return fail(
            ResultErrorCode.invalid_args, problem or f"{message}: wrong number of arguments."
        )
    return bound(*params)
