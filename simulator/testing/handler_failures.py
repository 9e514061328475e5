"""Handler failures a test did not look at: they fail the test at the ``adsim`` fixture's
teardown (``simulator.testing.plugin``), after the test's own fixtures have had their say.

A handler call that raised, timed out, crashed or answered junk during a test, and a plugin
process that died between calls, fail that test unless the test

- looked at them: read ``adsim.failures`` or ``adsim.outcomes`` (``adsim.agent(...)``'s), or
  ``adsim.incidents``, after they happened (``assert adsim.failures == []`` is the usual way);
  for an ``adsim_scenario`` run, read its result's ``passed``, ``exit_code``,
  ``handler_failures`` or ``outcomes`` (``assert_scenario_passed(result)`` does);
- expected them: ``with adsim.expect_handler_failure(): ...`` (``FailureLedger.expect``), which
  itself fails when no handler call failed in its block;
- allowed them: ``@pytest.mark.adsim(handler_failures="allow")`` or the ini key
  ``adsim_handler_failures = allow``.

A test that passed while the integration's handler raised would be a lie: pytest-qt fails a test
the same way when an exception is raised inside a Qt virtual method during it.
"""

from __future__ import annotations

import contextlib
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pytest

    from simulator.handlers import HandlerHost, HandlerOutcome

__all__ = [
    "HANDLER_FAILURE_CHOICES",
    "FailureLedger",
    "RunFailures",
    "how_it_stopped",
    "report",
    "unjudged_runs",
]

HANDLER_FAILURE_CHOICES = ("fail", "allow")
"""``adsim_handler_failures`` / ``handler_failures=``: what a failure nobody looked at does."""

_STATUSES = ("error", "timeout", "junk", "crashed")

_WAYS_OUT = (
    "Check them (assert adsim.failures == [] lists them: reading adsim.failures counts as "
    "checking; a scenario run's: assert_scenario_passed(result)), expect them (with "
    "adsim.expect_handler_failure(): ...), or allow them for this test "
    '(@pytest.mark.adsim(handler_failures="allow")) or every test (ini '
    "adsim_handler_failures = allow)."
)
_WAYS_OUT_INCIDENTS = _WAYS_OUT.replace(
    "assert adsim.failures == [] lists them: reading adsim.failures counts as checking",
    "assert adsim.incidents == [] lists them: reading adsim.incidents counts as checking",
)
"""For failures outside any call only: ``adsim.failures`` lists calls, not these."""


_CHECKING = frozenset({"passed", "exit_code", "handler_failures", "outcomes"})
"""What a test reads of a scenario run's result to learn of its failed handler calls."""
_CHECKED = "_adsim_checked"
_VERDICT = frozenset({"passed", "exit_code", "failures", "error"})
"""What a test reads of a scenario run's result to learn whether its expectations were met
and its steps ran."""
_JUDGED = "_adsim_judged"


_WATCHED: dict[type, type] = {}


def _watched(kind: type) -> type:
    """``kind`` (``ScenarioResult``) noting in the instance when a test read ``_CHECKING``."""
    if kind in _WATCHED.values():
        return kind
    if kind in _WATCHED:
        return _WATCHED[kind]

    class Watched(kind):
        def __getattribute__(self, name: str) -> Any:
            if name in _CHECKING:
                object.__setattr__(self, _CHECKED, True)
            if name in _VERDICT:
                object.__setattr__(self, _JUDGED, True)
            return super().__getattribute__(name)

    Watched.__name__, Watched.__qualname__ = kind.__name__, kind.__qualname__
    Watched.__module__ = kind.__module__
    _WATCHED[kind] = Watched
    return Watched


class RunFailures:
    """A scenario run's (``adsim_scenario``) failed calls, as a desktop's host shows its own:
    none when the scenario file says ``allow_handler_errors: true``, nor once the test read
    whether the run passed (``passed``, ``exit_code``, ``handler_failures``, ``outcomes``):
    ``assert not result.passed`` checked them, as ``adsim.failures`` does a desktop's."""

    def __init__(self, result: Any):
        self._result = result
        with contextlib.suppress(TypeError):  # a result of another shape: not watched
            result.__class__ = _watched(type(result))

    @property
    def failures(self) -> list[HandlerOutcome]:
        """The run's failed handler calls its scenario does not allow (and the test has not
        read)."""
        state = vars(self._result)
        if state.get("allow_handler_errors") or state.get(_CHECKED):
            return []
        return list(state.get("handler_failures", ()))

    @property
    def incidents(self) -> list[str]:
        """The run's plugin failures outside any call (its result's ``incidents``: a close that
        raised, a process that died), unless the test read whether the run passed."""
        state = vars(self._result)
        if state.get(_CHECKED):
            return []
        return list(state.get("incidents", ()))

    @property
    def called(self) -> bool:
        """Some handler of the run was called (its result's ``idle_handlers`` is empty), read
        without checking the run."""
        return not vars(self._result).get("idle_handlers")

    @property
    def unjudged(self) -> Any:
        """The run's result when its expectations were not met or a step was refused, and the
        test read none of ``passed``, ``exit_code``, ``failures``, ``error``: a test that ran a
        failing scenario and asserted nothing passed. None otherwise (its failed handler calls
        alone are ``failures``'s)."""
        state = vars(self._result)
        if state.get(_JUDGED) or not (
            state.get("failures") or state.get("error") or state.get("subscriber_errors")
        ):
            return None
        return self._result


class FailureLedger:
    """Which handler failures and incidents of a harness's desktops the test has seen."""

    def __init__(self) -> None:
        self._seen: set[int] = set()
        self._kept: list[Any] = []  # the outcomes seen, alive: their ids stay theirs
        self._incidents_seen: dict[int, int] = {}
        self._said_from: dict[int, int] = {}

    def saw(self, outcomes: list[HandlerOutcome]) -> None:
        """The test has these failed calls in hand (it read ``failures``, or expected them)."""
        for outcome in outcomes:
            if id(outcome) not in self._seen:
                self._seen.add(id(outcome))
                self._kept.append(outcome)

    def said_from(self, host: HandlerHost, start: int) -> None:
        """``host``'s incidents from index ``start`` on (those of its close) are said already
        (``PluginCloseError``): a report of those unseen leaves them out."""
        self._said_from[id(host)] = start

    def saw_incidents(self, hosts: list[HandlerHost]) -> None:
        """The test read ``incidents``: those of each host so far are seen."""
        for host in hosts:
            self._incidents_seen[id(host)] = len(host.incidents)

    def unseen(
        self, desks: list[tuple[str, HandlerHost | RunFailures]]
    ) -> tuple[list[str], list[str]]:
        """The failed calls and incidents nobody looked at, each as its report's text (the
        line, the desktop when not the first, the traceback); they count as seen from now on
        (each is reported once)."""
        calls, incidents = [], []
        for who, host in desks:
            fresh = [o for o in host.failures if id(o) not in self._seen]
            self.saw(fresh)
            calls += [_call_text(who, outcome) for outcome in fresh]
            lines = host.incidents
            start = self._incidents_seen.get(id(host), 0)
            end = self._said_from.get(id(host), len(lines))
            incidents += [f"{who}{line}" for line in lines[start:end]]
            self._incidents_seen[id(host)] = len(lines)
        return calls, incidents

    def expect(
        self,
        desks: Any,
        *,
        status: str | None = None,
        match: str | re.Pattern[str] | None = None,
    ) -> Expecting:
        """Assert that a handler call fails in the block (of ``status``, with an error that
        ``match`` finds, ``re.search``); yields the list of those failures, filled at the
        block's end. ``desks()``: the ``(who, host)`` pairs after the block, settled."""
        __tracebackhide__ = True
        if status is not None and status not in _STATUSES:
            raise ValueError(
                f"expect_handler_failure(status={status!r}): a failed call's status is one of "
                f"{', '.join(_STATUSES)}"
            )
        if not isinstance(match, str | re.Pattern | None):
            raise TypeError(
                f"expect_handler_failure(match={match!r}): a regular expression (a str or a "
                f"compiled pattern), not {type(match).__name__}"
            )
        try:
            pattern = re.compile(match) if isinstance(match, str) else match
        except re.error as exc:  # a page of the re module's frames above its one line
            raise ValueError(
                f"expect_handler_failure(match={match!r}): not a regular expression: {exc} "
                "(re.escape() the text for a literal match)"
            ) from None
        return Expecting(self, desks, status, pattern)


class Expecting:
    """``with adsim.expect_handler_failure(): ...``: a class, not a ``@contextmanager``, so
    that a block with no failure fails at the test's line without contextlib's ``__exit__``
    frame under it."""

    def __init__(
        self,
        ledger: FailureLedger,
        desks: Any,
        status: str | None,
        pattern: re.Pattern[str] | None,
    ):
        self._ledger = ledger
        self._desks = desks
        self._status = status
        self._pattern = pattern
        self._before: set[int] = set()
        self._calls_before = (0, 0)
        self._caught: list[HandlerOutcome] = []

    def __enter__(self) -> list[HandlerOutcome]:
        desks = self._desks()
        self._before = {id(o) for _, host in desks for o in host.failures}
        self._calls_before = _calls(desks)
        return self._caught

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        __tracebackhide__ = True  # pytest: the test's line, then the sentence
        if kind is not None:  # the block raised: that is the test's failure
            return
        desks = self._desks()
        new = [(who, o) for who, host in desks for o in host.failures if id(o) not in self._before]
        status, pattern = self._status, self._pattern
        wanted = [
            outcome
            for _, outcome in new
            if (status is None or outcome.status == status)
            and (pattern is None or pattern.search(outcome.error or ""))
        ]
        if not wanted:
            what = "a handler call to fail" + (f" ({status})" if status else "")
            if pattern is not None:
                what += f" with an error matching {pattern.pattern!r}"
            others = [_call_text(who, outcome) for who, outcome in new]
            calls = _calls(desks)
            if others:
                said = ". The calls that failed in it:\n" + "\n".join(others)
            elif calls == self._calls_before:
                said = ": no handler was called in it (none of the events the handlers take came)"
            else:
                said = ": every handler call in it returned normally"
            raise AssertionError(f"adsim.expect_handler_failure(): expected {what}{said}")
        self._ledger.saw(wanted)
        self._caught.extend(wanted)


def _calls(desks: list[tuple[str, Any]]) -> tuple[int, int]:
    """How many handler calls the desktops' hosts made so far, and how many scenario runs
    there were (a run's calls are not counted: reading them would check the run)."""
    hosts = [host for _, host in desks if not isinstance(host, RunFailures)]
    return sum(len(host.outcomes) for host in hosts), len(desks) - len(hosts)


def report(calls: list[str], incidents: list[str], why: str | None = None) -> str:
    """The message that fails the test: each failed call with its traceback, each incident
    (``why``: a line on how the test stopped, when it skipped itself after them)."""
    parts = []
    if calls:
        parts.append(
            f"adsim: {len(calls)} handler call(s) failed during this test, and the test did "
            "not check them:\n" + "\n".join(calls)
        )
    if incidents:
        parts.append(
            "adsim: handler plugin failure(s) outside any call during this test, not checked "
            "in adsim.incidents:\n" + "\n".join(f"  - {line}" for line in incidents)
        )
    ways_out = _WAYS_OUT if calls else _WAYS_OUT_INCIDENTS
    return "\n".join([*parts, *([why] if why else []), ways_out])


def _call_text(who: str, outcome: HandlerOutcome) -> str:
    from simulator.testing.assertions import failed_calls_text, their_traceback

    line = failed_calls_text([outcome]).splitlines()[1]  # "  - #4 ... (at crm.py:12)"
    text = f"  - {who}{line.removeprefix('  - ')}"
    if outcome.traceback:
        trace = their_traceback(outcome.traceback)
        text += "\n" + "\n".join(f"      {row}" for row in trace.splitlines())
    return text


def how_it_stopped(report_: pytest.TestReport, error: BaseException) -> str:
    """Why a test that did not fail has its handler failures said at its teardown."""
    import pytest  # the pytest plugin's: the harness alone does not import it

    reason = str(getattr(error, "msg", "") or "")
    if isinstance(error, pytest.xfail.Exception):
        what = "called pytest.xfail()"
    elif hasattr(report_, "wasxfail"):
        reason = str(report_.wasxfail)
        what = "failed as its xfail marker expects"
    else:
        what = "skipped itself"
    said = f" ({reason})" if reason else ""
    return (
        f"The test {what} after they failed{said}: that does not check them; check, expect "
        "or allow them before it."
    )


def unjudged_runs(results: list[Any]) -> list[str]:
    """The message failing a test that passed over ``adsim_scenario`` runs that failed and
    whose verdict it never read (``result = adsim_scenario(path)`` and no assertion)."""
    if not results:
        return []
    from simulator.scenarios.report import format_result

    summaries = "\n".join(format_result(result) for result in results)
    return [
        f"adsim: {len(results)} scenario run(s) failed during this test, and the test did not "
        f"check them:\n{summaries}\nCheck each run: assert_scenario_passed(result) (reading "
        "result.passed, result.exit_code, result.failures or result.error counts as checking; "
        "a run that fails on purpose: assert not result.passed)."
    ]
