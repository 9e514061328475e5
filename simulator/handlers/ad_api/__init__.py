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

from simulator.handlers.ad_api.calls import CallMethods
from simulator.handlers.ad_api.chat import ChatMethods
from simulator.handlers.ad_api.checks import request_message
from simulator.handlers.ad_api.core import EngineCall
from simulator.handlers.ad_api.desktop import DesktopMethods
from simulator.handlers.ad_api.session import SessionMethods
from simulator.handlers.ad_api.wrapup import WrapUpMethods
from simulator.handlers.widget_state import ApiCall, MessageLogger, WidgetState

__all__ = ["AdApi", "ApiCall", "EngineCall", "MessageLogger", "WidgetState", "request_message"]


class AdApi(SessionMethods, CallMethods, ChatMethods, WrapUpMethods, DesktopMethods):
    """``adApi`` for one plugin: subscribe with ``on``/``remove``, act with the 5.19 methods."""
