"""Turning an event's wire arguments into contract models, the way a handler receives them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulator.contract import (
    AgentState,
    EventName,
    InteractionData,
    LoginStateData,
    PhoneCapabilities,
    ScreenRecordingState,
    ServerErrorData,
    WebScreenPop,
)

__all__ = ["typed_args"]


def _same(value: Any) -> Any:
    return value


def _interaction(value: Any) -> InteractionData:
    return InteractionData.model_validate(value)


def _agent_state(value: Any) -> AgentState:
    return AgentState(value)


_CONVERTERS: dict[EventName, tuple[Callable[[Any], Any], ...]] = {
    EventName.ON_LOGIN: (LoginStateData.model_validate,),
    EventName.ON_NEW_INTERACTION: (_interaction,),
    EventName.ON_INTERACTION_STATE_CHANGE: (_interaction,),
    EventName.ON_INTERACTION_REMOVED: (_interaction,),
    EventName.ON_SAVE_ACTIVITY_RECORD: (_interaction,),
    EventName.ON_AGENT_STATE_CHANGE: (_agent_state, _same),
    EventName.ON_WEB_SCREEN_POP_CUSTOM: (_same, WebScreenPop.model_validate),
    EventName.ON_SERVER_ERROR: (ServerErrorData.model_validate,),
    EventName.ON_PHONE_CAPABILITIES_CHANGE: (PhoneCapabilities.model_validate,),
    EventName.ON_SCREEN_RECORDING_STATE_CHANGE: (ScreenRecordingState.model_validate,),
}


def typed_args(name: EventName, wire_args: tuple[Any, ...]) -> tuple[Any, ...]:
    """The callback arguments as models; plain values (ids, booleans, dicts) stay as they are."""
    converters = _CONVERTERS.get(name, ())
    return tuple(
        converters[index](value) if index < len(converters) else value
        for index, value in enumerate(wire_args)
    )
