"""What a plugin's process says to adsim (the child -> parent half of the protocol in
``simulator.handlers.supervisor``), and what the parent does with each message: a call's reply,
an ``ad_api`` call run on the engine and answered, a handler registered or removed, the load's
outcome, an incident of the plugin's outside any call.

``PluginProcess`` is built on ``PluginMessages``, as on ``PluginPipe`` (the parent -> child
half, writing): its reader thread hands each message it reads to ``_receive``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from simulator.contract import EventName, ResultErrorCode, fail
from simulator.handlers.outcome import Reply
from simulator.handlers.plugin_pipe import Life, PluginPipe
from simulator.handlers.registry import Registration

if TYPE_CHECKING:
    from simulator.handlers.ad_api import AdApi
    from simulator.handlers.host.loading import PluginLoading
    from simulator.handlers.supervisor import PluginProcess

__all__ = ["PluginMessages", "RemoteHandler"]

_NOT_API = frozenset({"on", "remove", "inject_message_logger"})


@dataclass(frozen=True, slots=True)
class RemoteHandler:
    """A handler living in a plugin's process: the host calls ``process.call(index, event)``."""

    process: PluginProcess
    index: int

    def __call__(self, *args: Any) -> Any:
        raise RuntimeError("a remote handler is called through HandlerHost")


class PluginMessages(PluginPipe):
    """Receiving from a plugin's process (the layer under ``PluginProcess``, which sets these)."""

    host: PluginLoading
    api: AdApi
    registrations: list[tuple[EventName, str]]
    _logging: bool

    def _remote(self, index: int) -> RemoteHandler:
        """The registry's stand-in for this plugin's handler ``index`` (this is the base of
        ``PluginProcess`` only)."""
        return RemoteHandler(cast("PluginProcess", self), index)

    def _receive(self, life: Life, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "done":
            with self._lock:
                call = life.pending.pop(message[1], None)
            if call is None:
                return
            reply: Reply = (message[2], message[3], message[4], message[5])
            if len(message) > 6 and message[6] is not None:
                call.started = message[6]  # the child's clock is ours (time.monotonic)
            if call.done is None:
                self.pipeline.finished(call, reply)
            else:
                call.reply = reply
                call.done.set()
        elif kind == "api":
            self._serve_api(life, *message[1:])
        elif kind == "on":
            self._on(life, EventName(message[1]), message[2], message[3])
        elif kind == "remove":
            index = message[1]
            if index < len(self.registrations) and not life.restart:
                event = self.registrations[index][0]
                self.host.registry.remove(event, self._remote(index), self.name)
        elif kind == "loaded":
            life.load_error = message[1]
            if message[1] is not None and not life.restart:
                self.host.registry.remove_plugin(self.name)
            life.loaded.set()
        elif kind == "hello":
            life.started.set()
        elif kind == "logger":
            self._forward_packets()
        elif kind == "closed":
            life.left_threads = list(message[1])
            life.close_error = message[2]
        elif kind == "exiting":  # an atexit function starts (None: they have all returned)
            life.exiting = (message[1], list(message[2]), message[3])
        elif kind == "exit_error":
            life.exit_errors.append(message[1])
        elif kind == "incident":  # its thread or task raised, it replaced the pipe's descriptors
            self.host.add_incident(f"plugin {self.name}: {message[1]}")

    def _on(self, life: Life, event: EventName, index: int, name: str) -> None:
        if life.restart and index < len(self.registrations):
            return  # the fresh process registering again: the host keeps its registrations
        while len(self.registrations) <= index:
            self.registrations.append((event, name))
        self.registrations[index] = (event, name)
        self.host.registry.add(Registration(event, self._remote(index), self.name, name, 0, None))

    def _serve_api(
        self, life: Life, request: int, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        from simulator.handlers.ad_api import AdApi  # loaded with the plugin's (self.api)

        function = getattr(self.api, method, None) if not method.startswith("_") else None
        if method in _NOT_API or not callable(function) or not hasattr(AdApi, method):
            result = fail(ResultErrorCode.api_method_not_implemented, f"no adApi method {method}")
        else:
            # Who asks, for naming a feedback loop: the pipelined call the child is running.
            running = self.pipeline.running()
            hints = self.host._callers
            hints.value = None if running is None else (running[0], self.name, running[1])
            try:
                result = function(*args, **kwargs)
            except TypeError as exc:  # wrong arguments: raised before the body runs
                result = fail(ResultErrorCode.invalid_args, f"{method}: {exc}")
            except Exception as exc:
                result = fail(
                    ResultErrorCode.unknown_error, f"{method}: {type(exc).__name__}: {exc}"
                )
            finally:
                hints.value = None
        self._send(life, ("api_result", request, result))

    def _forward_packets(self) -> None:
        if self._logging:
            return
        self._logging = True

        def forward(packet_type: str, params: list[Any]) -> None:
            life = self._life
            if life is not None and not life.dead:
                self._send(life, ("log", packet_type, params))

        with self.host.widget.lock:
            self.host.widget.loggers.append(forward)
