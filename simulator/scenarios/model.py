"""The scenario file format: pydantic models of every step, validated from YAML.

A scenario is a mapping with a list of ``steps``. Each step is a one-key mapping named after what
happens (``- call: Sales``, ``- wait: 30s``, ``- expect: {...}``), or just the name when it needs
nothing (``- accept``). A few modifiers may sit beside the step's key:

- ``as: NAME`` on the steps that create an interaction (call, chat, email, dial, consult), so
  that later steps and expectations can refer to it;
- ``on: NAME`` on the steps that act on one interaction (the active one by default);
- ``expect_error: CODE`` on any action, to test an action the engine must refuse
  (``not_suitable_state``, ``no_disposition`` ..., or ``any``).

``Scenario`` (the file's root) is here; the rest lives by concern, and every name is
re-exported here for the code and tests that import it from ``simulator.scenarios.model``:

- ``spec``: the base model, adApi version names, durations;
- ``step_values``: the values of the steps that act (``CallSpec``, ``NoteSpec`` ...);
- ``expect_spec``: what ``expect`` may check (``ExpectSpec``, ``CountSpec`` ...);
- ``steps``: one model per step, ``Step`` (their union keyed by the step's name) and
  ``STEP_TYPES``.

The JSON Schema (``scenario.schema.json``) is generated from these models.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from simulator import numbers
from simulator.engine import Settings
from simulator.scenarios.expect_spec import (
    ERROR_NAMES,
    AgentExpect,
    AgentStateName,
    ApiExpect,
    CodeName,
    CountSpec,
    ErrorName,
    ExpectSpec,
    HandlerExpect,
    Matcher,
)
from simulator.scenarios.spec import ApiVersionName, _Spec, _text_short, parse_duration_ms
from simulator.scenarios.step_values import (
    BlindTransferSpec,
    CallSpec,
    ChatConferenceSpec,
    ChatSpec,
    ConferenceSpec,
    ConsultSpec,
    CustomerSpec,
    DialSpec,
    EmailSpec,
    KbFolderSpec,
    KbSearchSpec,
    LeaveAndCompleteSpec,
    LoginSpec,
    NoteSpec,
    Nothing,
    OpenRecordSpec,
    RecordRef,
    RecordRefSpec,
    SearchRecordsSpec,
    StartChatSpec,
    StateSpec,
    SummarySpec,
    TranscriptSpec,
    TransferSpec,
    VariableSpec,
    WaitSpec,
)
from simulator.scenarios.steps import MODIFIERS, STEP_TYPES, Step, StepModel, step_key

__all__ = [
    "ERROR_NAMES",
    "MODIFIERS",
    "STEP_TYPES",
    "AgentExpect",
    "AgentSpec",
    "AgentStateName",
    "ApiExpect",
    "BlindTransferSpec",
    "CallSpec",
    "ChatConferenceSpec",
    "ChatSpec",
    "CodeName",
    "ConferenceSpec",
    "ConsultSpec",
    "CountSpec",
    "CustomerSpec",
    "DialSpec",
    "EmailSpec",
    "ErrorName",
    "ExpectSpec",
    "HandlerExpect",
    "KbFolderSpec",
    "KbSearchSpec",
    "LeaveAndCompleteSpec",
    "LoginSpec",
    "Matcher",
    "NoteSpec",
    "Nothing",
    "OpenRecordSpec",
    "RecordRef",
    "RecordRefSpec",
    "Scenario",
    "SearchRecordsSpec",
    "StartChatSpec",
    "StateSpec",
    "Step",
    "StepModel",
    "SummarySpec",
    "TranscriptSpec",
    "TransferSpec",
    "VariableSpec",
    "WaitSpec",
    "parse_duration_ms",
    "step_key",
]


class AgentSpec(_Spec):
    """A simulated agent of the scenario: ``- omar`` or ``- {name: bob, team: T-SALES,
    state: not_ready}``."""

    short_schema: ClassVar[dict[str, Any] | None] = {"type": "string"}
    short_help: ClassVar[str] = "an agent name"
    _short = _text_short("name")

    name: str
    """A team member of the tenant (first name, login id or extension), the tenant's agent, or
    a new agent (then give its ``team``)."""
    team: str | None = None
    """The team id of a new agent."""
    state: Literal["ready", "not_ready", "logged_out"] = "ready"
    """How the agent starts."""


class Scenario(_Spec):
    """A scripted flow: who the agent is, what happens, and what must have happened."""

    api_version: ApiVersionName | None = None
    """The adApi contract to simulate: ``"5.19"`` (default), ``"5.24.1"`` or ``"2026"``
    (``adsim run --api-version`` overrides it)."""
    name: str | None = None
    """A title for reports (the file name by default)."""
    description: str = ""
    tenant: str | dict[str, Any] | None = None
    """A tenant file (relative to this file) or the tenant itself; the built-in one by default."""
    seed: int = 0
    """Seeds generated customers and ids: the same seed gives the same events, byte for byte."""
    settings: Settings = Field(default_factory=Settings)
    """Engine settings to change (timings, where the vendor is silent)."""
    agent: Literal["ready", "not_ready", "logged_out"] = "ready"
    """How the agent starts: logged in and Ready (default), logged in Not Ready, or logged out."""
    handlers: list[str] = Field(default_factory=list)
    """Handler files or folders this scenario needs (relative to this file), loaded besides
    any ``--handler``: a scenario that expects an integration's answers runs with them."""
    allow_handler_errors: bool = False
    """Handler errors do not fail the run (for scenarios that test failing handlers)."""
    agents: list[AgentSpec] = Field(default_factory=list)
    """More simulated agents, each with a desktop of their own (steps name one with ``by``);
    listing the tenant's agent sets how it starts. None: the tenant's agent alone."""
    steps: list[Step] = Field(default_factory=list)
    """What happens, in order."""

    @field_validator("seed", mode="before")
    @classmethod
    def _a_seed_not_true_or_false(cls, value: Any) -> Any:
        # pydantic takes true as 1: ``seed: true`` ran with seed 1, and said so nowhere.
        if isinstance(value, bool):
            raise ValueError(f"expected a whole number, got {str(value).lower()}")
        return value

    @field_validator("seed")
    @classmethod
    def _a_seed(cls, value: int) -> int:
        problem = numbers.seed_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return value

    @field_validator("settings", mode="before")
    @classmethod
    def _no_settings(cls, value: Any) -> Any:
        return {} if value is None else value

    @field_validator("api_version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        # ``api_version: 2026`` in YAML is a number; ``5.24.1`` is text, ``5.19`` a float.
        return (
            str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
        )

    @model_validator(mode="after")
    def _version_into_settings(self) -> Scenario:
        version = self.api_version
        if version is None or version == self.settings.api_version:
            return self
        if "api_version" in self.settings.model_fields_set:
            raise ValueError(
                f"api_version: {version!r} and settings.api_version: "
                f"{self.settings.api_version!r} disagree: keep one"
            )
        settings = self.settings.model_copy(update={"api_version": version})
        return self.model_copy(update={"settings": settings})

    def for_api_version(self, version: str) -> Scenario:
        """This scenario run against ``version`` (``adsim run --api-version``)."""
        settings = self.settings.model_copy(update={"api_version": version})
        return self.model_copy(update={"api_version": version, "settings": settings})
