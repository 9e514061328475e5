"""Turning an event's wire arguments into contract models, the way a handler receives them."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from simulator.contract import AgentState, EventName

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = ["prepare", "typed_args"]


def _same(value: Any) -> Any:
    return value


def _agent_state(value: Any) -> AgentState:
    return AgentState(value)


def _converters_5_19() -> dict[EventName, tuple[Callable[[Any], Any], ...]]:
    # The payload models load here, when an event's models are first asked for (a handler, the
    # inspector): the window logs in and paints before that (start-up time).
    from simulator.contract.models import (
        InteractionData,
        LoginStateData,
        PhoneCapabilities,
        ScreenRecordingState,
        ServerErrorData,
        WebScreenPop,
    )

    interaction = InteractionData.model_validate
    return {
        EventName.ON_LOGIN: (LoginStateData.model_validate,),
        EventName.ON_NEW_INTERACTION: (interaction,),
        EventName.ON_INTERACTION_STATE_CHANGE: (interaction,),
        EventName.ON_INTERACTION_REMOVED: (interaction,),
        EventName.ON_SAVE_ACTIVITY_RECORD: (interaction,),
        EventName.ON_AGENT_STATE_CHANGE: (_agent_state, _same),
        EventName.ON_WEB_SCREEN_POP_CUSTOM: (_same, WebScreenPop.model_validate),
        EventName.ON_SERVER_ERROR: (ServerErrorData.model_validate,),
        EventName.ON_PHONE_CAPABILITIES_CHANGE: (PhoneCapabilities.model_validate,),
        EventName.ON_SCREEN_RECORDING_STATE_CHANGE: (ScreenRecordingState.model_validate,),
    }


def _later(
    interaction: type[BaseModel], activity: type[BaseModel]
) -> dict[EventName, tuple[Callable[[Any], Any], ...]]:
    return {
        **_by_version("5.19"),
        EventName.ON_NEW_INTERACTION: (interaction.model_validate,),
        EventName.ON_INTERACTION_STATE_CHANGE: (interaction.model_validate,),
        EventName.ON_INTERACTION_REMOVED: (interaction.model_validate,),
        EventName.ON_SAVE_ACTIVITY_RECORD: (activity.model_validate,),
    }


@functools.cache
def _by_version(api_version: str) -> dict[EventName, tuple[Callable[[Any], Any], ...]]:
    """The converters of ``api_version`` (``KeyError`` for an unknown one); a later version's
    models are imported when a run of that version first needs them (start-up time)."""
    if api_version == "5.19":
        return _converters_5_19()
    if api_version == "5.24.1":
        from simulator.contract import models_5_24_1

        return _later(models_5_24_1.InteractionData, models_5_24_1.InteractionActivityData)
    if api_version == "2026":
        from simulator.contract import models_2026

        return _later(models_2026.InteractionData, models_2026.InteractionActivityData)
    raise KeyError(api_version)


def typed_args(
    name: EventName, wire_args: tuple[Any, ...], api_version: str = "5.19"
) -> tuple[Any, ...]:
    """The callback arguments as models of ``api_version``; plain values (ids, booleans, dicts)
    stay as they are."""
    converters = _by_version(api_version).get(name, ())
    return tuple(
        converters[index](value) if index < len(converters) else value
        for index, value in enumerate(wire_args)
    )


def prepare(api_version: str, events: Iterable[str]) -> None:
    """Build now the payload models of ``events`` (their names) in ``api_version``: a plugin's
    process does it once its plugin is loaded. Imported and built at the first ``typed_args``
    (the models defer their build: start-up time), they took ~30-50 ms of the first handler
    call's measured duration, whose handler took a few microseconds. An unknown version or
    name is left to ``typed_args`` to refuse."""
    try:
        converters = _by_version(api_version)
    except KeyError:
        return
    models = set()
    for name in events:
        for convert in converters.get(EventName(name), ()) if name in _NAMES else ():
            model = getattr(convert, "__self__", None)
            if isinstance(model, type) and hasattr(model, "model_rebuild"):
                models.add(model)
    for model in models:
        model.model_rebuild()  # None, and nothing done, once built


_NAMES = frozenset(name.value for name in EventName)
