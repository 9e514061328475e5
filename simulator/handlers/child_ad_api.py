"""The ``ad_api`` a plugin gets in its own process (``simulator.handlers.child``): ``on`` and
``remove`` are kept there and told to the parent; every other ``AdApi`` method is checked
against its signature and sent to the parent, which runs it on the engine and answers."""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from simulator.handlers.registry import Registration, event_name
from simulator.stable_text import brief_repr

if TYPE_CHECKING:
    from simulator.handlers.child import _Child

__all__ = ["RemoteAdApi"]


class RemoteAdApi:
    """The ``ad_api`` a plugin gets in its process: ``on``/``remove`` are kept here (and told to
    the parent), every other method is a call the parent runs on the engine and answers."""

    def __init__(self, child: _Child, integration_key: str, agent: str | None = None):
        self._child = child
        self.integration_key = integration_key
        self.agent = agent
        """The name of the agent whose desktop this is (as ``AdApi.agent``)."""

    def __repr__(self) -> str:
        return f"<AdApi plugin={self._child.name!r} integrationKey={self.integration_key!r}>"

    def on(self, event: Any, handler: Callable[..., Any]) -> None:
        """As ``AdApi.on``: call ``handler(*args)`` for each ``event``."""
        name = event_name(event)
        version = getattr(self, "api_version", None)  # set from the parent's AdApi at load
        if version is not None:
            from simulator.contract.versions import (
                ApiVersion,
                EventNotInVersionError,
                event_available,
            )

            if not event_available(name, version):
                # The version crossed as its text: the error names it as ``AdApi.on``'s does.
                raise EventNotInVersionError(name, ApiVersion(version))
        if not callable(handler):
            got = brief_repr(handler)  # not its own repr: a list of shared lists never ends it
            raise TypeError(f"on({name.value!r}, ...) needs a function, got {got}")
        registration = Registration.of(name, handler, self._child.name)
        self._child.registry.add(registration)
        index = len(self._child.handlers)
        self._child.handlers.append(registration)
        self._child.send(("on", name.value, index, registration.name))

    def remove(self, event: Any, handler: Callable[..., Any]) -> None:
        """As ``AdApi.remove``."""
        name = event_name(event)
        self._child.registry.remove(name, handler)
        for index, registration in enumerate(self._child.handlers):
            if registration.event is name and registration.handler == handler:
                self._child.send(("remove", index))

    def inject_message_logger(self, logger: Callable[[str, list[Any]], Any]) -> None:
        """``injectMessageLogger``: the parent forwards every packet here."""
        self._child.loggers.append(logger)
        if len(self._child.loggers) == 1:
            threading.Thread(
                target=self._child.keep_reading, name="adsim-child-reader", daemon=True
            ).start()
            self._child.send(("logger",))

    def __getattr__(self, method: str) -> Callable[..., Any]:
        from simulator.handlers.ad_api import AdApi, missing_method

        function = getattr(AdApi, method, None)
        if method.startswith("_") or not callable(function):
            raise AttributeError(missing_method(method))
        signature = _signature(method)

        def call(*args: Any, **kwargs: Any) -> Any:
            # Arguments the method does not take raise here, as in adsim's process (thread
            # isolation): not an invalid_args envelope the handler may never look at.
            try:
                signature.bind(self, *args, **kwargs)
            except TypeError as exc:
                raise TypeError(f"{method}() {exc}") from None
            return self._child.api(method, args, kwargs)

        call.__name__ = method
        return call


@functools.cache
def _signature(method: str) -> inspect.Signature:
    """The signature of ``AdApi.method`` (its ``self`` first)."""
    from simulator.handlers.ad_api import AdApi

    return inspect.signature(getattr(AdApi, method))
