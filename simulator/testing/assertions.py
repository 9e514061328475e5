"""Assertions with readable failure messages: an event sequence, an activity record's fields."""

from __future__ import annotations

import difflib
import functools
import json
import re
import sysconfig
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from simulator.contract import EventName, InteractionData
from simulator.engine import Event
from simulator.scenarios.epoch_fields import PLAUSIBLE_EPOCH_MS, epoch_mistakes
from simulator.scenarios.event_scope import EVENTS_ON_AN_INTERACTION
from simulator.scenarios.matching import OPERATORS, check_matcher, is_operator_map, mismatches
from simulator.testing.imports import shown_path

__all__ = [
    "assert_event_sequence",
    "assert_no_handler_failures",
    "assert_record_matches",
    "assert_scenario_passed",
]


_NAMES = frozenset(event.value for event in EventName)


def _names(events: Iterable[Event | str], interaction_id: str | None) -> list[str]:
    __tracebackhide__ = True  # pytest: the failure is at the test's line
    names = []
    for event in events:
        if isinstance(event, str):
            names.append(event)
        elif not isinstance(event, Event):  # adsim.records: dicts, no event names
            raise TypeError(
                "assert_event_sequence takes events (adsim.events) or event names, not "
                f"{type(event).__name__}"
            )
        elif interaction_id is None or event.interaction_id == interaction_id:
            names.append(event.name.value)
    return names


def assert_event_sequence(
    events: Iterable[Event | str],
    expected: Sequence[str],
    *,
    interaction_id: str | None = None,
    exact: bool = False,
) -> None:
    """The expected event names occur in this order (as a subsequence; ``exact``: and nothing
    else). ``interaction_id`` keeps only that interaction's events."""
    __tracebackhide__ = True  # pytest: the failure is at the test's line
    if isinstance(expected, str):  # it would be read letter by letter: "O never came"
        raise TypeError(
            f"assert_event_sequence takes a list of event names, not one string: [{expected!r}]"
        )
    if interaction_id is not None and not isinstance(interaction_id, str):
        # adsim.offer_call(...) is an envelope: its id is .data["id"]
        raise TypeError(
            f"assert_event_sequence(interaction_id=) takes an interaction's id (text), not "
            f"{type(interaction_id).__name__} (the id of adsim.offer_call(...) is .data['id'])"
        )
    if not exact and not list(expected):  # a subsequence of anything: it passed, checking nothing
        raise ValueError(
            "assert_event_sequence: an empty list of names checks nothing: list the events "
            "that must come, or give exact=True to assert that none came"
        )
    if interaction_id is not None:
        lone = [
            name for name in expected if name in _NAMES and name not in EVENTS_ON_AN_INTERACTION
        ]
        if lone:  # it failed saying only "never came", as if the flow had not sent it
            raise ValueError(
                f"assert_event_sequence: {lone[0]} is never about an interaction (the desktop "
                "sends it with none), so interaction_id= keeps none: this can never pass; "
                "check it in a sequence without interaction_id="
            )
    events = list(events)
    actual = _names(events, interaction_id)
    if interaction_id is not None and not actual and events:
        ids = sorted(
            {e.interaction_id for e in events if isinstance(e, Event) and e.interaction_id}
        )
        raise AssertionError(
            f"event sequence mismatch: no event is of interaction {interaction_id!r}; the "
            f"events' interactions: {', '.join(ids) or 'none'}"
        )
    if exact:
        if actual != list(expected):
            raise AssertionError(_sequence_diff(actual, expected, "exactly these events"))
        return
    position = 0
    for index, name in enumerate(expected):
        try:
            position = actual.index(name, position) + 1
        except ValueError:
            why = _absent(name)
            if index and name in actual:  # it came, only not after the one before it
                why = (
                    f"did not come after {expected[index - 1]} (expected #{index}, event "
                    f"{position}); it came before it (event {actual.index(name) + 1})"
                )
            raise AssertionError(
                _sequence_diff(actual, expected, f"{name} (expected #{index + 1}) {why}")
            ) from None


def _absent(name: str) -> str:
    """Why ``name`` is not in the events: a typo is not an event the engine failed to send."""
    known = [event.value for event in EventName]
    if name in known:
        return "never came"
    close = difflib.get_close_matches(name.upper(), known, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"is not an event name{hint}"


def _sequence_diff(actual: Sequence[str], expected: Sequence[str], headline: str) -> str:
    lines = [f"event sequence mismatch: {headline}", "  expected (in order):"]
    lines += [f"    {name}" for name in expected]
    lines.append("  actual:")
    lines += [f"    {name}" for name in actual] or ["    (no events)"]
    return "\n".join(lines)


def assert_record_matches(record: Mapping[str, Any], expected: Mapping[str, Any]) -> None:
    """Every expected field matches (literals, or operators such as ``{"at_least": 120}``,
    ``{"one_of": [...]}``, ``{"present": False}``); other fields may be anything. ``record`` is
    the wire dict (``adsim.records``); a contract model (``adsim.record_models``) is compared as
    its wire JSON. An expectation that cannot work (``{"at_least": "120"}``) is a
    ``ValueError`` naming it."""
    __tracebackhide__ = True  # pytest: the failure is at the test's line
    if record is None or isinstance(record, (list, tuple)):  # adsim.records, not one of them
        what = "None" if record is None else f"a list of {len(record)}"
        raise TypeError(f"assert_record_matches takes one record (adsim.records[0]), not {what}")
    if isinstance(expected, Mapping) and not expected:  # every record matches: it checked nothing
        raise ValueError(
            "assert_record_matches: no fields to check: give the fields the record must have "
            '({"disposition": "Product sold"})'
        )
    expected = _python_truths(expected)
    wrong = check_matcher(dict(expected))
    if wrong:  # a TypeError or re.error from inside the matcher, or a silent pass, before
        raise ValueError(
            "assert_record_matches: "
            + "; ".join(f"{'.'.join(map(str, path))}: {message}" for path, message in wrong)
        )
    wire = getattr(record, "wire", None)
    if callable(wire):  # a contract model (adsim.record_models): its wire JSON, as the vendor's
        record = wire()
    # ``{"startTime": {"at_least": 30}}`` (seconds meant) passed every record: a moment of 1970
    # against this record's (the clock's start may be set small: then small moments are real).
    early = [
        (key, path, message)
        for key, value in expected.items()
        if _is_moment(record.get(key))
        for path, message in epoch_mistakes(key, value)
    ]
    if early:
        raise ValueError(
            "assert_record_matches: "
            + "; ".join(f"{'.'.join(map(str, (key, *path)))}: {text}" for key, path, text in early)
        )
    # ``{"dispositon": {"present": False}}`` passed every record: a key no record has, whose
    # check holds of a key left out.
    vacuous = [
        f"{key}: `{key}` is not a key of an activity record{_hint(key, value, record)}, and "
        f"{value!r} holds of a key the record leaves out: true of every record"
        for key, value in expected.items()
        if isinstance(key, str)
        and key not in record
        and key not in _record_keys()
        and not mismatches({key: value}, dict(record))
    ]
    if vacuous:
        raise ValueError("assert_record_matches: " + "; ".join(vacuous))
    problems = [
        problem + _hint(key, value, record)
        for key, value in expected.items()
        for problem in mismatches({key: value}, dict(record))
    ]
    if problems:
        shown = json.dumps(record, indent=2, ensure_ascii=False)
        raise AssertionError(
            "activity record does not match:\n"
            + "\n".join(f"  - {problem}" for problem in problems)
            + f"\nthe record:\n{shown}"
        )


def _is_moment(value: Any) -> bool:
    """A record's epoch-ms value that is a real moment (1973 on), not a small clock's."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= PLAUSIBLE_EPOCH_MS


def _python_truths(expected: Any) -> Any:
    """``{"present": 1}`` as ``{"present": True}``: Python's 1 and 0 are its truth values (a
    scenario file's ``present:`` takes only true and false)."""
    if isinstance(expected, Mapping):
        return {
            key: bool(value)
            if key == "present" and is_operator_map(expected) and value in (0, 1)
            else _python_truths(value)
            for key, value in expected.items()
        }
    if isinstance(expected, list):
        return [_python_truths(item) for item in expected]
    return expected


_WIRE_NAMES = {name: field.alias or name for name, field in InteractionData.model_fields.items()}
"""An activity record's model attribute names and their wire keys (``interaction_id``:
``interactionId``)."""


@functools.cache
def _record_keys() -> frozenset[str]:
    """The wire keys an activity record has in some adApi version (imported when first asked
    for: the plugin loads in every pytest run)."""
    from simulator.contract import models_5_24_1, models_2026

    models = (
        InteractionData,
        models_5_24_1.InteractionData,
        models_5_24_1.InteractionActivityData,
        models_2026.InteractionData,
        models_2026.InteractionActivityData,
    )
    return frozenset(
        info.alias or name for model in models for name, info in model.model_fields.items()
    )


_UNITS = {"duration": "whole seconds", "startTime": "epoch milliseconds"}
_UNITS["endTime"] = _UNITS["startTime"]


def _hint(key: Any, value: Any, record: Mapping[str, Any]) -> str:
    """What a developer most likely got wrong about ``key``: the model's name for a wire key, a
    misspelt key or operator, the field's unit."""
    if not isinstance(key, str):
        return ""
    if key not in record:
        wire = _WIRE_NAMES.get(key)
        if wire is not None and wire != key:
            return (
                f" (did you mean {wire}? adsim.records are wire JSON; adsim.record_models "
                "have the attributes)"
            )
        known = sorted({*record, *_WIRE_NAMES.values()})
        if key in known:  # a wire key this record leaves out (optional keys are omitted)
            return ""
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
        return f" (did you mean {close[0]}?)" if close else ""
    if isinstance(value, Mapping) and not is_operator_map(value):
        for name in value:
            close = difflib.get_close_matches(str(name), sorted(OPERATORS), n=1, cutoff=0.75)
            if close and not isinstance(record[key], Mapping):
                return f" ({name} is not an operator: did you mean {close[0]}?)"
    unit = _UNITS.get(key)
    return f" ({unit})" if unit else ""


def assert_scenario_passed(result: Any) -> None:
    """The scenario run (``adsim_scenario(path)``) passed; the failure is its summary, as
    ``adsim run`` prints it: each expectation not met, the refused step, each failed handler
    call (``result.failures`` alone holds only the expectations not met)."""
    __tracebackhide__ = True  # pytest: the failure is at the test's line
    from simulator.scenarios.result import ScenarioResult

    if not isinstance(result, ScenarioResult):  # adsim itself: "adsim has no action 'passed'"
        raise TypeError(
            "assert_scenario_passed takes a scenario run's result (result = "
            f"adsim_scenario(path)), not {type(result).__name__}"
        )
    if not result.passed:
        from simulator.scenarios.report import format_result

        raise AssertionError(format_result(result))


def assert_no_handler_failures(outcomes: Iterable[Any]) -> None:
    """No handler raised, timed out or answered junk."""
    __tracebackhide__ = True  # pytest: the failure is at the test's line
    outcomes = list(outcomes)
    for outcome in outcomes:
        if not isinstance(getattr(outcome, "status", None), str):
            raise TypeError(
                "assert_no_handler_failures takes handler outcomes (adsim.outcomes), not "
                f"{type(outcome).__name__}"
            )
    failed = [outcome for outcome in outcomes if outcome.status != "ok"]
    if failed:
        raise AssertionError(failed_calls_text(failed))


def failed_calls_text(failed: Sequence[Any]) -> str:
    """``N handler call(s) failed:`` and one line per failed call, with the handler's
    ``file:line`` where its traceback has one (also ``assert adsim.failures == []``'s
    explanation, ``simulator.testing.plugin``)."""
    lines = [f"{len(failed)} handler call(s) failed:"]
    for outcome in failed:
        where = _handler_line(outcome.traceback)
        text = outcome.line()
        lines.append(f"  - {text} (at {where})" if where and where not in text else f"  - {text}")
    return "\n".join(lines)


_FRAME = re.compile(r'File "([^"]+)", line (\d+)')
_NOT_THEIRS = tuple(
    {sysconfig.get_path(name) for name in ("stdlib", "platstdlib", "purelib", "platlib")}
    | {str(Path(__file__).resolve().parents[1])}
)
"""Python's, the installed libraries' and the simulator's own files: a frame in one of them is
not the line of the integration's code that failed."""


def _handler_line(traceback: str | None) -> str | None:
    """The innermost frame of a traceback (most recent call last) in the integration's own code,
    as ``file:line``."""
    found = None
    for file, line in _FRAME.findall(traceback or ""):
        if _theirs(file):
            found = f"{shown_path(file)}:{line}"
    return found


def their_traceback(trace: str) -> str:
    """``trace`` from the first frame of the integration's own code (the frames above it are
    the handler host's and Python's threads: noise above a hung handler's line); whole when
    its first exception has no such frame."""
    lines = trace.rstrip().splitlines()
    if lines and lines[0].startswith(("Current thread ", "Thread 0x")):
        # A plugin process's stack (faulthandler's, most recent call first): to the outermost
        # frame of theirs; below it were adsim's child.py and runpy, five frames of noise.
        block = lines[: lines.index("") if "" in lines else len(lines)]
        ends = [i for i, line in enumerate(block) if (f := _FRAME.search(line)) and _theirs(f[1])]
        return "\n".join(lines[: ends[-1] + 1]) if ends else trace.rstrip()
    # An exception's traceback has a header; a hung handler's stack (a timeout's) has none.
    header = lines[:1] if lines and lines[0].startswith("Traceback") else []
    for index in range(len(header), len(lines)):
        line = lines[index]
        if not line.startswith(" "):  # the first exception's end: its frames are all others'
            break
        found = _FRAME.search(line)
        if found and line.lstrip().startswith("File ") and _theirs(found.group(1)):
            return "\n".join([*header, *lines[index:]])
    return trace.rstrip()


def _theirs(file: str) -> bool:
    return not file.startswith(_NOT_THEIRS) and not file.startswith("<")


def their_frame(stack: Iterable[Any]) -> str | None:
    """The innermost frame of ``stack`` (``traceback.FrameSummary``s, outermost first) in the
    integration's own code, as ``file:line in function``."""
    found = None
    for frame in stack:
        # PySide's import hook (shibokensupport/feature.py) runs from no file: not theirs.
        if _theirs(frame.filename) and Path(frame.filename).is_file():
            found = f"{shown_path(frame.filename)}:{frame.lineno} in {frame.name}"
    return found
