"""Choices where the vendor's documentation is silent (reference section 11), and timings.

Every gap an integration could depend on is a setting; the defaults are the simulator's documented
choices (docs/contract.md, "Where the vendor is silent").
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

from simulator.engine.clock import DEFAULT_START_MS

__all__ = ["Settings", "settings_for"]

_YEAR_S = 366 * 86_400
"""Longer timings are absurd (and would overflow the clock): refused with the file's line."""
_LAST_MS = 253_402_300_799_999
"""9999-12-31T23:59:59.999Z: the last instant an ISO timestamp can show."""


class Settings(BaseModel):
    """How the simulated desktop behaves where the contract leaves a choice."""

    # Field docstrings are read only for a schema (simulator.contract.field_docs), not at import.
    # The validator is built on the first validation (a scenario's settings:), not at import:
    # the window and ``adsim demo`` start with ``settings_for`` and never need it.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    api_version: Literal["5.19", "5.24.1", "2026"] = "5.19"
    """The adApi version whose payloads, events and methods are simulated (``5.19``,
    ``5.24.1`` or ``2026``); a scenario sets it with ``api_version:`` at the top."""
    ivr_state_spelling: Literal["ivr", "IVR"] = "ivr"
    """How the IVR state is spelt: ``ivr`` as documented, or ``IVR`` as the widget's own list."""
    routed_origination: Literal["auto", "omit"] = "auto"
    """``origination`` of a routed (inbound) interaction: ``auto``, or left out."""
    outbound_ani: Literal["did", "extension", "omit"] = "did"
    """``ANI`` of an agent-initiated call: the DID it is placed from, the agent's extension, or
    left out."""
    inbound_dnis: Literal["service_did", "omit"] = "service_did"
    """``DNIS`` of an inbound call: the number of its service, or left out."""
    routed_interaction_id: Literal["server", "client"] = "server"
    """``interactionId`` of a routed item (an offer, a transfer landing on a colleague): the
    server's upper-case GUID, as in the 5.19 docs' examples, or a lower-case ``uuid`` v4, as the
    2024 widget mints every item's id client-side. Agent-initiated items always get the
    latter."""
    emit_completed_state: bool = True
    """Emit ``ON_INTERACTION_STATE_CHANGE`` with state ``completed`` before removal (the removed
    and saved payloads then carry ``completed``; otherwise they carry the last state)."""
    recording_url: Literal["always", "when_recorded"] = "always"
    """``recordingUrl`` on every voice call with a scenario step (as the widget does), or only
    once recording was started."""
    after_call_state: Literal["previous", "ready", "not_ready"] = "previous"
    """Agent state after the last interaction is done, unless the agent chose one meanwhile:
    the state before Busy, Ready, or Not Ready with the tenant's after-call reason."""
    ring_timeout_seconds: float | None = Field(default=20, gt=0, le=_YEAR_S, allow_inf_nan=False)
    """An offered call not accepted in this time is missed (agent goes Not Ready "No Answer");
    None: it rings until answered. A service's ``offer_timeout_seconds`` overrides it."""
    chat_offer_timeout_seconds: float | None = Field(
        default=10, gt=0, le=_YEAR_S, allow_inf_nan=False
    )
    """The same for an offered chat: 10 s, the documented default No Answer Timeout of the
    scenario's Connect Chat block; None: it waits until accepted."""
    email_offer_timeout_seconds: float | None = Field(
        default=None, gt=0, le=_YEAR_S, allow_inf_nan=False
    )
    """The same for an offered email; None (the default): an email waits until accepted (no
    source shows emails ringing out)."""
    screen_pop_variables: Literal["substitute", "literal"] = "substitute"
    """Scenario variables in a service's web screen pop (``$(item.from)`` ...): filled in as the
    vendor's Web Screen Pop block does, or kept ``literal`` as written in the tenant file."""
    chat_parties: Literal["omit", "emit"] = "omit"
    """``chatParties`` in chat payloads (added with chat conferences, 2023-04): left out as in
    5.19, or ``emit`` the customer and the colleagues invited to the chat."""
    mute_after_call: Literal["clear", "keep"] = "clear"
    """``callMuted`` once the call is released: ``clear`` (false: the widget reads it from live
    call data, gone after the call) or ``keep`` the last value in wrap-up and the saved record."""
    outbound_answer_seconds: float | None = Field(default=4, ge=0, le=_YEAR_S, allow_inf_nan=False)
    """The far end of an agent-initiated call answers after this long; None: only when the
    scenario says so."""
    outbound_no_answer_seconds: float = Field(default=30, gt=0, le=_YEAR_S, allow_inf_nan=False)
    """An agent-initiated call nobody answers fails after this long."""
    max_concurrent_chats: int = Field(default=4, ge=1, le=1000)
    """Chats and emails delivered at once while the agent is busy with chats or emails only (an
    email comes beside them only with ``emails_with_chats: route``): 4, the vendor's default
    capacity (a chat takes 25 % and needs 25 % free, so "an agent can hold up to 4 chats")."""
    calls_with_chats: Literal["route", "wait"] = "route"
    """A routed call and an agent Busy with chats or emails only: offered while they are one or
    two (the vendor's default capacity: each takes 25 %, a call needs 50 % free), or it waits
    until the agent has none (what the simulator did before)."""
    emails_with_chats: Literal["wait", "route"] = "wait"
    """A routed email and an agent Busy with chats or emails: it waits until the agent has
    none (the vendor's default capacity: an email needs 100 % free, and each chat or email
    takes 25 %), or ``route`` offers it beside them below ``max_concurrent_chats`` (what the
    simulator did before)."""
    offer_after_reject: Literal["next_agent", "drop"] = "next_agent"
    """A routed offer an agent rejects or lets ring out: offered to the next agent of its
    service's teams (the vendor's ACD; dropped when no other agent is logged in), or dropped."""
    state_after_reject: Literal["previous", "not_ready"] = "previous"
    """The agent's state after rejecting a routed offer: back to what it was, or Not Ready with
    the tenant's no-answer reason (the vendor's way)."""
    transfer_data_request: Literal["always", "desktop_only"] = "always"
    """When a transfer or conference without data asks ``ON_REQUEST_TRANSFER_DATA``: always, or
    only when the agent uses the desktop (a step, the window), never for a handler's adApi
    call, which passes its data as the argument (the vendor's way)."""
    transfer_data_wait_seconds: float | None = Field(
        default=None, gt=0, le=_YEAR_S, allow_inf_nan=False
    )
    """How long (wall clock) a transfer without data waits for the handlers' answer to
    ``ON_REQUEST_TRANSFER_DATA``: None, as long as they run (each up to the handler timeout), or
    ``2``, the vendor's widget, which then transfers without data and drops a later answer."""
    transfer_data_shape: Literal["flat", "any"] = "flat"
    """Transfer data the widget takes: a ``flat`` object of strings, numbers, booleans and nulls
    (the vendor's check: nested data is ``invalid_args`` in an action and no data in an
    answer), or ``any`` JSON (the documentation's type)."""
    chat_blind_transfer: Literal["no_effect", "transfer"] = "no_effect"
    """The ``blindTransfer`` API method on a chat: ``no_effect``, success and nothing sent, as the
    vendor's 2024 widget answers it for an item without a call id (the simulator posts a
    ``transfer_ignored`` notice to its watchers), or ``transfer`` it as the desktop's own
    chat transfer does. The desktop's transfer (a scenario's ``blind_transfer`` step, the
    window's button) always transfers: the colleague or the chat service is added to the chat,
    then the agent leaves it."""
    acw_limit_validation: Literal["ask", "skip"] = "ask"
    """From 5.24.1, when a service's after-call-work time limit completes an interaction with
    associated records: ``ask`` ``ON_VALIDATE_ASSOCIATED_RECORDS`` first (an invalid answer keeps
    it in wrap-up, as for the agent's completion), or ``skip`` the question and complete."""
    start_time_ms: int = Field(default=DEFAULT_START_MS, ge=0, le=_LAST_MS)
    """Where a virtual clock starts (epoch ms)."""

    @field_validator(
        "ring_timeout_seconds",
        "chat_offer_timeout_seconds",
        "email_offer_timeout_seconds",
        "outbound_answer_seconds",
        "outbound_no_answer_seconds",
        "max_concurrent_chats",
        "transfer_data_wait_seconds",
        "start_time_ms",
        mode="before",
    )
    @classmethod
    def _a_number_not_true_or_false(cls, value: Any) -> Any:
        # pydantic takes true as 1: ``ring_timeout_seconds: true`` rang for one second.
        if isinstance(value, bool):
            raise ValueError(f"expected a number, got {str(value).lower()}")
        return value

    @field_validator("api_version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        # ``api_version: 2026`` is a number to YAML (``5.19`` a float), as at a scenario's top,
        # which takes it: here it was "expected one of 5.19, 5.24.1, 2026, got the number 2026".
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return value


def settings_for(api_version: str) -> Settings:
    """``Settings(api_version=api_version)``, every other choice its default. A version the
    field allows is set without validation (the defaults are valid, a test proves the result
    equal), so a start builds no validator; any other value is validated, and refused, as
    ``Settings(...)`` refuses it."""
    for allowed in get_args(Settings.model_fields["api_version"].annotation):
        if api_version == allowed:
            return Settings.model_construct(api_version=allowed)
    return Settings(api_version=api_version)  # refused, as the field refuses it
