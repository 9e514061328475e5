"""The ``ad_api`` object a plugin's ``register(ad_api)`` receives: the JS ``adApi``, in Python.

Method names are the vendor's in snake_case (``setCallHold`` -> ``set_call_hold``) with the
documented arguments; each returns the ``OperationResult`` envelope (``.ok``, ``.data``,
``.error``) and acts on the simulation as the agent would, with the same preconditions. A method
called from a handler's thread runs on the simulation's thread (the host marshals it there) and
answers ``api_not_answer`` if the simulation does not get to it within the handler timeout, as the
widget does after 20 s.

``AdApi`` is one class; its methods live with their part of the vendor's API:

    core.py      AdApiCore: on/remove, injectMessageLogger, how every call runs (``_do``)
    checks.py    request messages, argument reading (models, lone surrogates, one-line errors)
    session.py   login, agent state, accept/reject/leave/complete, startCall/Chat/Email
    calls.py     DTMF, consult, transfers and their data, conferences, hold, mute, recording
    chat.py      chat conference, send/suggest chat messages, the chat transcript
    wrapup.py    dispositions, reschedule window, notes, variables, associated objects, screens
    desktop.py   teams, services, DIDs, config, phone device, screen recording, the widget

``WidgetState`` (what the widget keeps per desktop) and the ``ApiCall`` records live in
``simulator.handlers.widget_state`` (a host holds one before any plugin needs ``ad_api``).
"""

from __future__ import annotations

from typing import Any

from simulator.handlers.ad_api.calls import CallMethods
from simulator.handlers.ad_api.chat import ChatMethods
from simulator.handlers.ad_api.checks import request_message
from simulator.handlers.ad_api.core import EngineCall
from simulator.handlers.ad_api.desktop import DesktopMethods
from simulator.handlers.ad_api.session import SessionMethods
from simulator.handlers.ad_api.wrapup import WrapUpMethods
from simulator.handlers.widget_state import ApiCall, MessageLogger, WidgetState

__all__ = [
    "AdApi",
    "ApiCall",
    "EngineCall",
    "MessageLogger",
    "WidgetState",
    "missing_method",
    "request_message",
]


class AdApi(SessionMethods, CallMethods, ChatMethods, WrapUpMethods, DesktopMethods):
    """``adApi`` for one plugin: subscribe with ``on``/``remove``, act with the 5.19 methods."""

    def __getattr__(self, name: str) -> Any:
        """Only for a name it has not: the ``AttributeError`` names the method meant."""
        raise AttributeError(missing_method(name))


def missing_method(name: str) -> str:
    """``'AdApi' object has no attribute NAME``, with the method meant: the snake_case name of
    an adApi method called by its JavaScript name (``setDisposition``), or a close one."""
    message = f"'AdApi' object has no attribute {name!r}"
    if name.startswith("_"):
        return message
    from simulator.contract.versions import METHODS

    spec = METHODS.get(name)
    if spec is not None and spec.python_name != name:
        return f"{message} (ad_api's methods are the adApi's in snake_case: {spec.python_name})"
    import difflib

    names = [n for n in dir(AdApi) if not n.startswith("_")]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.75)
    return f"{message} (did you mean {close[0]}?)" if close else message
