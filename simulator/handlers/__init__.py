"""Handler plugins: the ``ad_api`` a plugin receives, plugin loading, and the isolated host.

A plugin is a module with ``register(ad_api)``::

    def register(ad_api):
        ad_api.on("ON_SAVE_ACTIVITY_RECORD", save_to_crm)

``HandlerHost`` loads plugins (files, directories, entry points of the group
``agent_desktop_simulator.handlers``) and calls their handlers on its own thread, timed, with
every outcome kept and journaled. Its ``settle`` stops handlers that keep acting on the events
their own actions cause (``HandlerLoopError``).
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator.handlers.ad_api import AdApi, WidgetState
    from simulator.handlers.answers import AnswerError, check_answer
    from simulator.handlers.feedback import MAX_EVENTS_PER_SETTLE, HandlerLoopError
    from simulator.handlers.host import DEFAULT_TIMEOUT, ISOLATION_MODES, HandlerHost
    from simulator.handlers.outcome import HandlerOutcome, OutcomeStatus, PluginStatus
    from simulator.handlers.plugins import ENTRY_POINT_GROUP
    from simulator.handlers.registry import UnknownEventError
    from simulator.handlers.webhook import WebhookError, WebhookHandler

# Imported on first use: a plugin's child process (``simulator.handlers.child``) needs only
# the loader, and starts faster without the host and the engine behind it.
_EXPORTS = {
    "AdApi": "ad_api",
    "WidgetState": "ad_api",
    "AnswerError": "answers",
    "check_answer": "answers",
    "MAX_EVENTS_PER_SETTLE": "feedback",
    "HandlerLoopError": "feedback",
    "DEFAULT_TIMEOUT": "host",
    "ISOLATION_MODES": "host",
    "HandlerHost": "host",
    "HandlerOutcome": "outcome",
    "OutcomeStatus": "outcome",
    "PluginStatus": "outcome",
    "ENTRY_POINT_GROUP": "plugins",
    "UnknownEventError": "registry",
    "WebhookError": "webhook",
    "WebhookHandler": "webhook",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'simulator.handlers' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"simulator.handlers.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_TIMEOUT",
    "ENTRY_POINT_GROUP",
    "ISOLATION_MODES",
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
