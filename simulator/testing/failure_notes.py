"""The notes a failed test's report gets about its handlers, each a section of its own: the
failing line read a handler module the handler's process does not share
(``simulator.testing.copies``), or handlers were loaded and none was called in the test
(subscribed to an event its flow never brought), as ``adsim run``'s summary says (``note: no
handler was called ...``): an assertion on what the handler stored failed with no word of why.
Not said of a failure adsim raised itself (a refused action, a misused fixture, an
``expect_handler_failure`` that says it already), except its assertion helpers' (a record
without the disposition a handler sets). A test that passes gets nothing: the docs promise no
check of either."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from simulator.contract import EventName
from simulator.testing.copies import Namespaces, another_copy, library_folders, namespaces, patched

__all__ = ["before", "never_called", "patched_safely", "sections"]


def sections(
    harness: Any, item: Any, error: BaseException, before: Namespaces | None
) -> list[tuple[str, str]]:
    """The report sections of a test that failed in its call with ``error``, with ``harness``
    its adsim (``before``: ``before(harness)`` at its setup)."""
    if harness is None:
        return []
    tb = error.__traceback__
    try:
        copy = [another_copy(harness, item, tb), patched(harness, item, before)]
        said = "\n".join(line for line in copy if line is not None)
        found = [
            ("adsim: handler isolation", said or None),
            ("adsim: no handler called", never_called(harness) if _theirs(error) else None),
        ]
    except Exception as exc:  # a bug of ours: said, never an INTERNALERROR ending the session
        return [("adsim: notes", f"adsim could not work out its notes: {exc!r}")]
    return [(title, said) for title, said in found if said is not None]


def before(harness: Any) -> Namespaces | None:
    """At a test's ``adsim`` setup, under process isolation only: its handler modules'
    namespaces, for ``copies.patched`` to tell what the test put in them."""
    if harness.handler_isolation != "process":
        return None
    try:
        return namespaces(harness)
    except Exception:  # a bug of ours: no note then, never an INTERNALERROR
        return None


def patched_safely(harness: Any, item: Any, before: Namespaces | None) -> str | None:
    """``copies.patched``, kept at the end of a test's call that did not fail for its
    teardown's report (a handler failure fails it there, once its ``monkeypatch`` is undone):
    nothing is worked out unless the handlers failed (``harness`` is the test's adsim when
    their failures fail it)."""
    if harness is None or before is None:
        return None
    try:
        desks = harness.desks()
        if not any(host.failures or getattr(host, "incidents", ()) for _, host in desks):
            return None
        return patched(harness, item, before)
    except Exception as exc:  # a bug of ours: said, never an INTERNALERROR
        return f"adsim could not work out its notes: {exc!r}"


_PACKAGE = os.path.realpath(Path(__file__).parents[1]) + os.sep
_HELPERS = os.path.realpath(Path(__file__).with_name("assertions.py"))


def _theirs(error: BaseException) -> bool:
    """The failure was raised outside adsim (the test's assertion, its IndexError), or is an
    assertion helper's ``AssertionError``: not a refusal or a misuse adsim explains itself.
    Python's and the libraries' frames are not who raised it (``re.compile`` for adsim)."""
    libraries = library_folders()
    raiser = None
    tb = error.__traceback__
    while tb is not None:
        file = os.path.realpath(tb.tb_frame.f_code.co_filename)
        if file.startswith(_PACKAGE) or not file.startswith(libraries):
            raiser = file
        tb = tb.tb_next
    if raiser is None:
        return False
    return not raiser.startswith(_PACKAGE) or (
        raiser == _HELPERS and isinstance(error, AssertionError)
    )


def never_called(harness: Any) -> str | None:
    """The note for a failed test whose ``adsim`` loaded handlers none of which was called
    (on any agent's desktop, nor in an ``adsim_scenario`` run); None otherwise."""
    if harness is None:
        return None
    taken: set[str] = set()
    for host in harness._hosts():
        forwarders = host.registry.forwarders()  # a Node module's: none of its code runs
        if any((o.plugin, o.handler) not in forwarders for o in host.outcomes):
            return None
        taken.update(host.registry.events())
    if not taken or any(run.called for _, run in harness._runs):
        return None
    order = [name.value for name in EventName]
    names = sorted(taken, key=order.index)
    came = list(dict.fromkeys(event.name.value for event in harness.recorder.events))
    listed = ", ".join(came[:6]) + (f" and {len(came) - 6} more" if len(came) > 6 else "")
    runs = len(harness._runs)
    return (
        f"No handler was called during this test: the handlers loaded take "
        f"{', '.join(names)}, and no such event came ("
        + (f"adsim.events: {listed}" if came else "adsim.events is empty")
        + (f"; nor in its {runs} adsim_scenario run(s)" if runs else "")
        + "). An assertion on what a handler stored or did sees nothing it did."
    )
