"""``HandlerRegistry.version`` changes with every change of who gets which event (load mode's
overlapping repeats check it: what a repeat decided from the registry holds while it is the
same)."""

from __future__ import annotations

from simulator.contract import EventName
from simulator.handlers.registry import HandlerRegistry, Registration


def _save(activity: object) -> None:
    return None


def test_every_change_moves_the_version() -> None:
    registry = HandlerRegistry()
    seen = [registry.version]
    registry.add(Registration.of(EventName.ON_SAVE_ACTIVITY_RECORD, _save, "a"))
    seen.append(registry.version)
    registry.add(Registration.of(EventName.ON_NEW_INTERACTION, _save, "b"))
    seen.append(registry.version)
    registry.remove(EventName.ON_NEW_INTERACTION, _save)
    seen.append(registry.version)
    registry.remove_plugin("a")
    seen.append(registry.version)
    registry.clear()
    seen.append(registry.version)
    assert seen == sorted(set(seen)), seen  # each one new, never back


def test_reading_leaves_it() -> None:
    registry = HandlerRegistry()
    registry.add(Registration.of(EventName.ON_SAVE_ACTIVITY_RECORD, _save, "a"))
    before = registry.version
    registry.handlers(EventName.ON_SAVE_ACTIVITY_RECORD)
    registry.count()
    assert registry.version == before


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
