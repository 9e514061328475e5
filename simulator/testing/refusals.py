"""``ActionRefusedError``: an action a test asked of the ``adsim`` fixture and the engine refused.

A scenario step the engine refuses stops ``adsim run`` with exit 2 unless the step says
``expect_error:``; in a test the same refusal was a returned envelope nobody looked at, so a
test that forgot ``set_agent_state("ready")`` went on without its call and could pass while
the handler never ran. The harness raises ``ActionRefusedError`` instead, at the test's line, with
the vendor's error and what the interaction allows now. A test of the refusal itself says so
with ``pytest.raises(ActionRefusedError)``; ``adsim.sim.<action>()`` returns the envelope as the
engine gives it.
"""

from __future__ import annotations

from typing import Any

from simulator.contract import OperationError

__all__ = ["ActionRefusedError", "no_such_action", "refused"]

_SYSTEM_ACTIONS = frozenset({"ring_timeout", "acw_timeout"})
"""Actions the engine takes itself (timers): never offered to a test."""


class ActionRefusedError(AssertionError):
    """The engine refused an action the test called on ``adsim`` (or ``adsim.agent(...)``):
    ``action`` (its name), ``result`` (the vendor's error envelope), ``code`` (its error name,
    ``invalid_state`` ...). An ``AssertionError``: the test fails at its own line."""

    def __init__(self, action: str, result: OperationError, message: str):
        super().__init__(message)
        self.action = action
        self.result = result
        self.code = result.error.name


def refused(
    action: str,
    result: Any,
    desk: Any,
    args: tuple[Any, ...] = (),
    kwargs: dict[str, Any] | None = None,
    *,
    who: str = "adsim",
) -> ActionRefusedError | None:
    """The ``ActionRefusedError`` for ``result`` of ``action(*args, **kwargs)`` on ``desk``
    (``who``: how the test names that desktop, ``adsim`` or ``adsim.agent('omar')``); None when
    it is not a refusal (a success envelope, or a method that returns something else)."""
    if not isinstance(result, OperationError):
        return None
    error = result.error
    message = f"{who}.{action}() was refused: {error.name} ({error.code})"
    if error.message:
        message += f": {error.message.rstrip('.')}"  # the sentence goes on below
    inter = _named(desk, args, kwargs or {})
    if inter is not None:
        allowed = sorted(
            value
            for value in (a.value for a in desk.allowed(inter.id))
            if value not in _SYSTEM_ACTIONS
        )
        message += (
            f". Its interaction is a {inter.type.value} in state {inter.state.value}; the "
            f"actions that state allows: {', '.join(allowed) or 'none'}"
        )
    elif not desk.interactions and (waiting := _waiting_for(desk)):
        # offer_call() while not ready queues the call unreported: a test that forgot
        # set_agent_state("ready") read "there is no active interaction; pass an id".
        message += f". {waiting}"
    raw = "adsim.sim" if who == "adsim" else f"{who}.sim"
    message += (
        " (to test the refusal itself: with pytest.raises(ActionRefusedError); "
        f"{raw}.{action}() returns the envelope)"
    )
    return ActionRefusedError(action, result, message)


def _waiting_for(desk: Any) -> str | None:
    """What waits in the queue while this desktop's agent is not ready or logged out (the
    agent's ``not_ready`` after login), or None."""
    state = desk.get_agent_state()
    phase = state.data["state"] if state.ok else "logged_out"
    if phase == "ready" or not desk.queued:
        return None
    offer = desk.queued[0]
    setter = (
        'login() and set_agent_state("ready")'
        if phase == "logged_out"
        else ('set_agent_state("ready")')
    )
    return (
        f"Nothing was delivered to this desktop: the {offer.type.value} offered to "
        f"{offer.service.name} waits in the queue while the agent is {phase} "
        f"(adsim.{setter} delivers it)"
    )


def _named(desk: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """The interaction the call was about: one it named by id, else the active one when it
    named none (an id the desktop does not have describes nothing: not the active one)."""
    texts = [value for value in (*args, *kwargs.values()) if isinstance(value, str)]
    for text in texts:
        found = desk.interaction(text)
        if found is not None:
            return found
    if any(_looks_like_an_id(text) for text in texts):
        return None
    iid = desk.active_interaction_id
    return desk.interaction(iid) if iid else None


def _looks_like_an_id(text: str) -> bool:
    """An interaction id's shape (a GUID), or a name a test may have passed for one."""
    return len(text) >= 8 and text.count("-") >= 1 and " " not in text


def no_such_action(desk: Any, name: str, who: str = "adsim") -> str:
    """The ``AttributeError`` message of ``adsim.<name>`` that the simulator has not: the
    action meant, by its letters or its words (``hang_up_customer``: ``customer_hang_up``)."""
    import difflib

    names = [n for n in dir(desk) if not n.startswith("_")]
    words = sorted(name.split("_"))
    close = [n for n in names if sorted(n.split("_")) == words]
    close = close or difflib.get_close_matches(name, names, n=1, cutoff=0.7)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"{who} has no action or attribute {name!r}{hint}"
