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


class _Stopping(PluginProcess):
    """Only what ``end_on_stop`` uses: its call ends between the check and the kill."""

    def __init__(self, life: Any) -> None:  # no host
        self._lock = threading.Lock()
        self._restart_lock = threading.Lock()
        self._closed = False
        self._life = life


class _Ends(dict):
    """A call in flight until the stop's check has seen it (its handler returned just then)."""

    def __init__(self) -> None:
        super().__init__({7: object()})
        self.seen = 0

    def __bool__(self) -> bool:
        self.seen += 1
        if self.seen > 1:
            self.clear()
        return len(self) > 0


def test_a_call_that_ends_as_the_stops_grace_runs_out_is_not_killed():
    """``end_on_stop`` saw a call pending; ``_end_running`` then found none and killed the
    process anyway, saying nothing, and its ``close()`` never ran (a killed process)."""
    process_killed: list[bool] = []
    life = SimpleNamespace(
        dead=False,
        killed=False,
        pending=_Ends(),
        process=SimpleNamespace(poll=lambda: None, kill=lambda: process_killed.append(True)),
    )
    assert _Stopping(life).end_on_stop(5.0) is None
    assert life.killed is False and process_killed == []
