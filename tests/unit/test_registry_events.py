"""``HandlerRegistry.events()``: the events some handler takes (``adsim run`` names them when
none of them came)."""

from __future__ import annotations

from simulator.contract import EventName
from simulator.handlers.registry import HandlerRegistry, Registration


def _save(activity: object) -> None:
    return None


def test_events_lists_the_events_some_handler_takes_in_the_contracts_order() -> None:
    registry = HandlerRegistry()
    assert registry.events() == ()
    registry.add(Registration.of(EventName.ON_SAVE_ACTIVITY_RECORD, _save, "a"))
    registry.add(Registration.of(EventName.ON_NEW_INTERACTION, _save, "b"))
    names = [name.value for name in EventName]
    assert registry.events() == tuple(
        sorted(("ON_SAVE_ACTIVITY_RECORD", "ON_NEW_INTERACTION"), key=names.index)
    )
    registry.remove_plugin("b")
    assert registry.events() == ("ON_SAVE_ACTIVITY_RECORD",)
