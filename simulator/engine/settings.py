"""Choices where the vendor's documentation is silent (reference section 11), and timings.

Every gap an integration could depend on is a setting; the defaults are the simulator's documented
choices (docs/contract.md, "Where the vendor is silent").
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from simulator.engine.clock import DEFAULT_START_MS

__all__ = ["Settings"]


class Settings(BaseModel):
    """How the simulated desktop behaves where the contract leaves a choice."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    api_version: Literal["5.19"] = "5.19"
    """The adApi version whose payloads are produced."""
    ivr_state_spelling: Literal["ivr", "IVR"] = "ivr"
    """How the IVR state is spelt: ``ivr`` as documented, or ``IVR`` as the widget's own list."""
    routed_origination: Literal["auto", "omit"] = "auto"
    """``origination`` of a routed (inbound) interaction: ``auto``, or left out."""
    outbound_ani: Literal["did", "extension", "omit"] = "did"
    """``ANI`` of an agent-initiated call: the DID it is placed from, the agent's extension, or
    left out."""
    inbound_dnis: Literal["service_did", "omit"] = "service_did"
    """``DNIS`` of an inbound call: the number of its service, or left out."""
    emit_completed_state: bool = True
    """Emit ``ON_INTERACTION_STATE_CHANGE`` with state ``completed`` before removal (the removed
    and saved payloads then carry ``completed``; otherwise they carry the last state)."""
    recording_url: Literal["always", "when_recorded"] = "always"
    """``recordingUrl`` on every voice call with a scenario step (as the widget does), or only
    once recording was started."""
    after_call_state: Literal["previous", "ready", "not_ready"] = "previous"
    """Agent state after the last interaction is done, unless the agent chose one meanwhile:
    the state before Busy, Ready, or Not Ready with the tenant's after-call reason."""
    ring_timeout_seconds: float | None = Field(default=20, gt=0)
    """An offered interaction not accepted in this time is missed (agent goes Not Ready
    "No Answer"); None: it rings until answered."""
    outbound_answer_seconds: float | None = Field(default=4, ge=0)
    """The far end of an agent-initiated call answers after this long; None: only when the
    scenario says so."""
    outbound_no_answer_seconds: float = Field(default=30, gt=0)
    """An agent-initiated call nobody answers fails after this long."""
    max_concurrent_chats: int = Field(default=3, ge=1)
    """Chats and emails delivered at once while the agent is busy with chats only."""
    start_time_ms: int = DEFAULT_START_MS
    """Where a virtual clock starts (epoch ms)."""
