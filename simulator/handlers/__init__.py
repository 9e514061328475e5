"""Handler plugins: the ``ad_api`` a plugin receives, plugin loading, and the isolated host.

A plugin is a module with ``register(ad_api)``::

    def register(ad_api):
        ad_api.on("ON_SAVE_ACTIVITY_RECORD", save_to_crm)

``HandlerHost`` loads plugins (files, directories, entry points of the group
``agent_desktop_simulator.handlers``) and calls their handlers on its own thread, timed, with
every outcome kept and journaled. Its ``settle`` stops handlers that keep acting on the events
their own actions cause (``HandlerLoopError``).
"""

from simulator.handlers.ad_api import AdApi, WidgetState
from simulator.handlers.answers import AnswerError, check_answer
from simulator.handlers.feedback import MAX_EVENTS_PER_SETTLE, HandlerLoopError
from simulator.handlers.host import DEFAULT_TIMEOUT, HandlerHost
from simulator.handlers.outcome import HandlerOutcome, OutcomeStatus, PluginStatus
from simulator.handlers.plugins import ENTRY_POINT_GROUP
from simulator.handlers.registry import UnknownEventError
from simulator.handlers.webhook import WebhookError, WebhookHandler

__all__ = [
    "DEFAULT_TIMEOUT",
    "ENTRY_POINT_GROUP",
    "MAX_EVENTS_PER_SETTLE",
    "AdApi",
    "AnswerError",
    "HandlerHost",
    "HandlerLoopError",
    "HandlerOutcome",
    "OutcomeStatus",
    "PluginStatus",
    "UnknownEventError",
    "WebhookError",
    "WebhookHandler",
    "WidgetState",
    "check_answer",
]
