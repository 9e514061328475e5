"""``PluginProcess.abandon`` (the host's timeout of a call in a plugin's process) reads which
process to kill as the rest of the class does: under the lock a restart replaces it under and
its reader marks it dead under; a fresh process still loading is none of the timed-out call's."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

from simulator.handlers.supervisor import PluginProcess


class _Watched(PluginProcess):
    """Only what ``abandon`` uses; ``_life`` may be read only under ``_lock``."""

    def __init__(self, life: Any) -> None:  # no host, no process
        self._lock = threading.Lock()
        self._the_life = life
        self.killed: list[Any] = []

    @property  # type: ignore[override]
    def _life(self) -> Any:
        assert self._lock.locked(), "self._life read without self._lock"
        return self._the_life

    def _kill(self, life: Any, dump: bool = True) -> str | None:
        self.killed.append(life)
        return "dump"


def _life(*, loaded: bool = True, dead: bool = False) -> Any:
    event = threading.Event()
    if loaded:
        event.set()
    return SimpleNamespace(dead=dead, loaded=event)


def test_abandon_kills_the_running_process_read_under_the_lock():
    life = _life()
    process = _Watched(life)
    assert process.abandon() == "dump"
    assert process.killed == [life]
    assert not process._lock.locked()  # killed (its stacks dumped: slow) outside it


def test_abandon_leaves_a_fresh_process_still_loading_alone():
    """The timed-out call's process died and another thread is starting a fresh one: killing
    that one would fail its load (or its calls, said to have crashed) for nothing, and the dump
    would say the plugin was stuck where the fresh process was importing it."""
    process = _Watched(_life(loaded=False))
    assert process.abandon() is None
    assert process.killed == []


def test_abandon_leaves_a_dead_process_and_none_alone():
    assert _Watched(_life(dead=True)).abandon() is None
    assert _Watched(None).abandon() is None
