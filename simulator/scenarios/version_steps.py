"""The steps and step fields that only a later adApi version has, and the run that cannot use
them: ``- kb_folder`` under 5.19 sent nothing (5.19 has no ``ON_GET_KNOWLEDGE_BASE_FOLDER``),
and the run passed, the folder never opened; ``- record_mute`` under 5.19 muted the recording
although 5.19 has no ``setCallRecordingMute``.

A step is refused (at its line, exit 2) when neither the run's version nor the version the file
itself asks for (its ``api_version``, 5.19 by default) has it. A file written for a later version
and run under an earlier one on purpose (``--api-version 5.19``, to compare an upgrade) keeps
running such steps, which send nothing there, as docs/versions.md says; a method's step is
answered ``api_method_not_implemented`` there, changes nothing, and the run goes on
(``version_lacks``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.contract import EventName, OperationResult, ResultErrorCode
from simulator.contract.enums import CHAT_CHANNEL_SINCE
from simulator.contract.versions import (
    API_VERSIONS,
    DEFAULT_API_VERSION,
    METHODS,
    event_available,
    method_available,
)

if TYPE_CHECKING:
    from simulator.scenarios.loader import ScenarioFile

__all__ = ["sends_nothing", "version_lacks", "version_problem"]

_STEP_EVENTS = {
    "kb_folder": EventName.ON_GET_KNOWLEDGE_BASE_FOLDER,
    "validate_records": EventName.ON_VALIDATE_ASSOCIATED_RECORDS,
    "record_info": EventName.ON_REQUEST_RECORD_INFO,
    "record_on_screen": EventName.ON_REQUEST_RECORD_ON_SCREEN,
    "summary": EventName.ON_SUMMARY_GENERATION_STARTED,
    "transcript": EventName.ON_VOICE_TRANSCRIPT_MESSAGE,
}
"""The steps that send an event, and nothing in a version without it."""

_STEP_METHODS = {"record_mute": "setCallRecordingMute"}
"""The steps that call a method of a later version (the desktop of an earlier one has no way to do
it: 5.19 cannot mute a recording), answered ``api_method_not_implemented`` where it is missing.
``chat_conference`` is not one: the agent's + in a chat adds a colleague in 5.19's desktop too;
only the integration's ``inviteToChatConference`` came with 5.24.1."""

_STEP_FIELDS = {("kb_search", "language"): "5.24.1", ("kb_search", "folder_id"): "5.24.1"}
"""Fields of a step that the event carries from a version on (``ON_SEARCH_KNOWLEDGE_BASE(query,
language?, folderId?)`` from 5.24.1)."""
_EVENT_OF = {"kb_search": EventName.ON_SEARCH_KNOWLEDGE_BASE.value}


def _declared(raw: Any) -> str:
    """The version the file asks for (``api_version``, ``settings.api_version``, 5.19)."""
    value = raw.get("api_version") if isinstance(raw, dict) else None
    settings = raw.get("settings") if isinstance(raw, dict) else None
    if value is None and isinstance(settings, dict):
        value = settings.get("api_version")
    return DEFAULT_API_VERSION.value if value is None else str(value)


def _since(event: EventName) -> str:
    return next((v for v in API_VERSIONS if event_available(event, v)), API_VERSIONS[-1])


def _advice(since: str) -> str:
    quoted = f'"{since}"'
    return f"give the scenario api_version: {quoted} (or run it with --api-version {since})"


def sends_nothing(key: str, version: str) -> bool:
    """Whether the step ``key`` sends nothing under ``version`` (its event or method came
    later)."""
    event = _STEP_EVENTS.get(key)
    if event is not None:
        return not event_available(event, version)
    method = _STEP_METHODS.get(key)
    return method is not None and not method_available(method, version)


def version_lacks(key: str, outcome: OperationResult, raw: Any = None) -> bool:
    """Whether ``outcome`` is the run's version answering that it lacks the method of the step
    ``key`` (a later version's file run under an earlier one: the step changed nothing).
    ``raw``: the file, given when the step expects another refusal (``expect_error:``, a
    recording's): lacking the method is then a no-op only where the file's own version has it
    (the refusal recorded there cannot come here); a file of the earlier version expecting it
    is told."""
    error = outcome.error
    if (
        key not in _STEP_METHODS
        or error is None
        or error.code != ResultErrorCode.api_method_not_implemented
    ):
        return False
    return raw is None or method_available(_STEP_METHODS[key], _declared(raw))


def version_problem(source: ScenarioFile, version: str) -> tuple[Any, str] | None:
    """The first step (its mark and what to say) that neither ``version``, the run's, nor the
    file's own version has; None when there is none."""
    declared = _declared(source.raw)
    if declared not in API_VERSIONS:
        return None
    for index, step in enumerate(source.scenario.steps):
        event = _STEP_EVENTS.get(step.key)
        if event is not None and not (
            event_available(event, version) or event_available(event, declared)
        ):
            since = _since(event)
            return source.step_mark(index), (
                f"{step.key}: {event.value} is not an event of adApi {version}, so the step "
                f"would send nothing: it came with {since}; {_advice(since)}"
            )
        value = step.value
        for (key, field), since in _STEP_FIELDS.items():
            rank = API_VERSIONS.index(since)
            if step.key != key or getattr(value, field, None) is None:
                continue
            if API_VERSIONS.index(version) < rank and API_VERSIONS.index(declared) < rank:
                return source.step_mark(index, key, field) or source.step_mark(index), (
                    f"{key}.{field}: adApi {version}'s {_EVENT_OF[key]} takes no {field}: it "
                    f"came with {since}; {_advice(since)}"
                )
        if getattr(step, "expect_error", None) is not None:
            continue  # the refusal of a method or a channel is the point: the version answers it
        method = _STEP_METHODS.get(step.key)
        if method is not None and not (
            method_available(method, version) or method_available(method, declared)
        ):
            since = METHODS[method].since
            return source.step_mark(index), (
                f"{step.key}: {method} is not a method of adApi {version} (its widget answers "
                f"api_method_not_implemented): it came with {since}; {_advice(since)}"
            )
        channel = _channel_problem(source, index, step, version, declared)
        if channel is not None:
            return channel
    return None


def _channel_problem(
    source: ScenarioFile, index: int, step: Any, version: str, declared: str
) -> tuple[Any, str] | None:
    """A ``start_chat`` on a channel neither version has (``whatsapp`` came with 5.24.1)."""
    channel = getattr(step.value, "channel", None) if step.key == "start_chat" else None
    since = {kind.value: v for kind, v in CHAT_CHANNEL_SINCE.items()}.get(channel or "")
    if since is None:
        return None
    rank = API_VERSIONS.index(since)
    if API_VERSIONS.index(version) >= rank or API_VERSIONS.index(declared) >= rank:
        return None
    mark = source.step_mark(index, "start_chat", "channel") or source.step_mark(index)
    return mark, (
        f"start_chat.channel: {channel!r} is not a chat channel of adApi {version}: it came "
        f"with {since}; {_advice(since)}"
    )
