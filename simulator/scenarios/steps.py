"""The steps of a scenario: one model per step name, and ``Step``, their union.

Each step is a one-key mapping named after what happens (``- call: Sales``), or just the name
when it needs nothing (``- accept``), with the modifiers ``as``, ``on``, ``expect_error`` and
``by`` beside the key. ``STEP_TYPES`` maps each name to its model, in the order the
documentation lists them; the values' models are in ``simulator.scenarios.step_values``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, TypeAlias, Union

from pydantic import (
    Discriminator,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    Tag,
    model_validator,
)

from simulator.scenarios.expect_spec import ErrorName, ExpectSpec
from simulator.scenarios.spec import _Spec
from simulator.scenarios.step_values import (
    BlindTransferSpec,
    CallSpec,
    ChatConferenceSpec,
    ChatSpec,
    ConferenceSpec,
    ConsultSpec,
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

__all__ = ["MODIFIERS", "STEP_TYPES", "Step", "StepModel", "step_key"]


class StepModel(_Spec):
    """Base of every step model: ``key`` is the step's name."""

    key: ClassVar[str] = ""
    bare: ClassVar[bool] = False
    """True when the step may be written as just its name (``- accept``)."""
    is_action: ClassVar[bool] = True
    """False for ``wait`` and ``expect``, which ask nothing of the engine."""
    example: ClassVar[str] = ""

    @model_validator(mode="before")
    @classmethod
    def _expand_bare(cls, data: Any) -> Any:
        if isinstance(data, str) and data == cls.key:
            return {cls.key: None}
        return data

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        schema = handler(core_schema)
        if not cls.bare:
            return schema
        return {"anyOf": [{"const": cls.key}, handler.resolve_ref_schema(schema)]}

    @property
    def value(self) -> Any:
        """The step's own value (what follows ``key:``)."""
        return getattr(self, self.key)

    @property
    def target(self) -> str | None:
        """The interaction named with ``on``, if the step has one."""
        return getattr(self, "on", None)

    @property
    def name_given(self) -> str | None:
        """The name given with ``as``, if the step has one."""
        return getattr(self, "as_", None)


class _ActionStep(StepModel):
    expect_error: ErrorName | None = None
    """This action must fail with this error code (``any``: with any error)."""
    by: str | None = None
    """The agent (of ``agents``) whose desktop acts; the tenant's agent by default."""


class _OnStep(_ActionStep):
    on: str | None = None
    """The interaction to act on (named with ``as``); the active one by default."""


class _AsStep(_ActionStep):
    as_: str | None = Field(default=None, alias="as")
    """A name for the interaction this step creates, for ``on:`` and ``expect``."""


def _step(
    key: str, annotation: Any, base: type[StepModel], doc: str, example: str, **extra: Any
) -> type[StepModel]:
    """Build the model of one step whose value is ``annotation`` under the key ``key``."""
    bare = extra.pop("bare", False)
    is_action = extra.pop("is_action", True)
    namespace: dict[str, Any] = {
        "__doc__": doc,
        "__module__": __name__,
        # A class made here has no source for pydantic to read its attribute docstrings from
        # (its one field is described by ``doc``); looking for it walks every loaded module's
        # source, ~0.6 s of each start of ``adsim run``. The bases' fields keep their docs.
        "model_config": {**base.model_config, "use_attribute_docstrings": False},
        "__annotations__": {key: annotation},
        "key": key,
        "bare": bare,
        "is_action": is_action,
        "example": example,
    }
    name = "".join(part.capitalize() for part in key.split("_")) + "Step"
    return type(name, (base,), namespace)


_NONE = Nothing | None
_STEPS: list[type[StepModel]] = [
    # the agent's session
    _step("login", LoginSpec | None, _ActionStep, "Log in.", "- login", bare=True),
    _step("logout", _NONE, _ActionStep, "Log out (no interactions left).", "- logout", bare=True),
    _step(
        "set_state",
        StateSpec,
        _ActionStep,
        "The agent picks a state.",
        "- set_state: {state: not_ready, reason: Lunch}",
    ),
    # the customer's side
    _step("call", CallSpec | None, _AsStep, "An inbound call.", "- call: Sales", bare=True),
    _step("chat", ChatSpec | None, _AsStep, "A chat starts.", "- chat: {message: Hi}", bare=True),
    _step(
        "email", EmailSpec | None, _AsStep, "An email arrives.", "- email: {subject: Hi}", bare=True
    ),
    _step(
        "hang_up",
        Literal["agent", "customer"] | None,
        _OnStep,
        "Someone hangs up (the agent by default; a chat customer leaves).",
        "- hang_up: customer",
        bare=True,
    ),
    _step(
        "answer",
        None,
        _OnStep,
        "The far end of a dialled call answers.",
        "- answer",
        bare=True,
    ),
    _step("customer_says", str, _OnStep, "The customer writes in a chat.", '- customer_says: "Hi"'),
    # the agent's actions on interactions
    _step("accept", _NONE, _OnStep, "Accept the offered interaction.", "- accept", bare=True),
    _step("reject", _NONE, _OnStep, "Reject the offered interaction.", "- reject", bare=True),
    _step("leave", _NONE, _OnStep, "Hang up / close (leaveInteraction).", "- leave", bare=True),
    _step("hold", _NONE, _OnStep, "Put the call on hold.", "- hold", bare=True),
    _step("resume", _NONE, _OnStep, "Take the call off hold.", "- resume", bare=True),
    _step("mute", _NONE, _OnStep, "Mute the microphone.", "- mute", bare=True),
    _step("unmute", _NONE, _OnStep, "Unmute the microphone.", "- unmute", bare=True),
    _step(
        "record",
        Literal["start", "stop"] | bool | None,
        _OnStep,
        "Start (default) or stop recording the call.",
        "- record: start",
        bare=True,
    ),
    _step("dtmf", str, _OnStep, "Send DTMF tones.", '- dtmf: "123#"'),
    _step("dial", DialSpec, _AsStep, "Dial out.", '- dial: "+1 415 555 0134"'),
    _step("consult", ConsultSpec, _AsStep, "Start a consult call.", '- consult: "2001"'),
    _step(
        "transfer",
        TransferSpec | None,
        _ActionStep,
        "Complete the consult transfer.",
        "- transfer",
        bare=True,
    ),
    _step(
        "blind_transfer",
        BlindTransferSpec,
        _OnStep,
        "Transfer the call without consulting.",
        '- blind_transfer: "2001"',
    ),
    _step(
        "conference",
        ConferenceSpec,
        _OnStep,
        "Invite to, remove from or end a conference.",
        '- conference: {invite: "2001"}',
    ),
    _step(
        "merge",
        TransferSpec | None,
        _ActionStep,
        "Merge the agent's calls into one conference (mergeAllCallsIntoConference).",
        "- merge",
        bare=True,
    ),
    _step("agent_says", str, _OnStep, "The agent writes in a chat.", '- agent_says: "Hello"'),
    _step(
        "start_chat",
        StartChatSpec,
        _AsStep,
        "Start a chat on the selected chat service (startChat).",
        '- start_chat: {channel: sms, address: "+1 415 555 0134"}',
    ),
    _step(
        "chat_conference",
        ChatConferenceSpec,
        _OnStep,
        "Invite a colleague to a chat or remove one (the agent's + in the chat, in every "
        "version; the integration's inviteToChatConference ... from 5.24.1).",
        '- chat_conference: {invite: "2001"}',
    ),
    _step("reply", str, _OnStep, "The agent replies to an email.", '- reply: "Done."'),
    _step("disposition", str, _OnStep, "Set the disposition.", "- disposition: Product sold"),
    _step("note", NoteSpec, _OnStep, "Add a note.", '- note: "Wants a callback"'),
    _step("variable", VariableSpec, _OnStep, "Set a scenario variable.", "- variable: {...}"),
    _step(
        "associate",
        dict[str, Any],
        _OnStep,
        "Associate a CRM record (addInteractionAssociatedObject).",
        "- associate: {id: '0031', type: Contact, displayName: Ann Lee, displayType: Contact}",
    ),
    _step(
        "screen",
        dict[str, StrictStr | StrictInt | StrictFloat | StrictBool | None],  # flat, as the wire
        _OnStep,
        "Remember the CRM screen of an interaction (setInteractionActiveScreen).",
        "- screen: {url: https://crm.example.com/contact/0031}",
    ),
    _step(
        "crm_pop",
        RecordRef,
        _OnStep,
        "The Bright Pattern scenario pops a CRM record it knows by id and type (from 5.24.1 "
        "the desktop asks ON_REQUEST_RECORD_INFO, then ON_OPEN_RECORD).",
        "- crm_pop: {id: '0031', type: Contact}",
    ),
    _step(
        "record_mute",
        bool | None,
        _OnStep,
        "Mute (default) or unmute the call's recording (setCallRecordingMute, 5.24.1).",
        "- record_mute: true",
        bare=True,
    ),
    _step(
        "summary",
        SummarySpec | None,
        _OnStep,
        "The desktop generates the interaction's summary (ON_SUMMARY_GENERATION_STARTED, then "
        "ON_SUMMARY_GENERATION_COMPLETED; 2026).",
        "- summary: {topics: {Reason: Billing}}",
        bare=True,
    ),
    _step(
        "transcript",
        TranscriptSpec,
        _OnStep,
        "Speech recognition hears a line on the call (ON_VOICE_TRANSCRIPT_MESSAGE; 2026).",
        '- transcript: "I want a refund"',
    ),
    _step("switch", str, _ActionStep, "Make a named interaction active.", "- switch: first"),
    _step("complete", _NONE, _OnStep, "Finish after-call work.", "- complete", bare=True),
    _step(
        "leave_and_complete",
        LeaveAndCompleteSpec | None,
        _OnStep,
        "Disconnect and complete at once.",
        "- leave_and_complete: {disposition: Problem solved}",
        bare=True,
    ),
    _step("set_service", str | None, _ActionStep, "Pick the outbound service.", "- set_service: X"),
    _step("set_did", str | None, _ActionStep, "Pick the outbound DID.", '- set_did: "14155550200"'),
    # the agent's own panels (events the flow of an interaction never sends)
    _step(
        "kb_search",
        KbSearchSpec,
        _ActionStep,
        "Search the knowledge base (ON_SEARCH_KNOWLEDGE_BASE).",
        '- kb_search: "reset password"',
    ),
    _step(
        "kb_article",
        str,
        _ActionStep,
        "Open a knowledge-base article (ON_GET_KNOWLEDGE_BASE_ARTICLE).",
        "- kb_article: KB-1",
    ),
    _step(
        "kb_folder",
        KbFolderSpec | None,
        _ActionStep,
        "Open a knowledge-base folder, the root by default (ON_GET_KNOWLEDGE_BASE_FOLDER).",
        "- kb_folder",
        bare=True,
    ),
    _step(
        "validate_records",
        _NONE,
        _OnStep,
        "Ask the integration whether the associated records are valid "
        "(ON_VALIDATE_ASSOCIATED_RECORDS).",
        "- validate_records",
        bare=True,
    ),
    _step(
        "record_info",
        RecordRefSpec,
        _ActionStep,
        "Ask the integration about a record (ON_REQUEST_RECORD_INFO).",
        "- record_info: {id: '0031', type: Contact}",
    ),
    _step(
        "record_on_screen",
        _NONE,
        _ActionStep,
        "Ask for the record the CRM shows (ON_REQUEST_RECORD_ON_SCREEN).",
        "- record_on_screen",
        bare=True,
    ),
    _step(
        "open_record",
        OpenRecordSpec,
        _OnStep,
        "Open a CRM record (ON_OPEN_RECORD).",
        "- open_record: {record: {id: '0031', type: Contact, displayName: Ann, displayType: "
        "Contact}}",
    ),
    _step(
        "search_records",
        SearchRecordsSpec,
        _OnStep,
        "Search CRM records (ON_SEARCH_RECORDS).",
        '- search_records: "Ann Lee"',
    ),
    # time and checks
    _step("wait", WaitSpec, StepModel, "Let simulated time pass.", "- wait: 30s", is_action=False),
    _step(
        "expect",
        ExpectSpec | list[ExpectSpec],
        StepModel,
        "Check what happened.",
        "- expect: {event: ON_SAVE_ACTIVITY_RECORD, payload: {disposition: Product sold}}",
        is_action=False,
    ),
]

STEP_TYPES: dict[str, type[StepModel]] = {model.key: model for model in _STEPS}
"""Every step model by its name, in the order the documentation lists them."""

MODIFIERS = frozenset({"on", "as", "expect_error"})
"""Keys that may sit beside a step's key."""


def step_key(value: Any) -> str | None:
    """The step name of a raw step (``"accept"`` or ``{"call": ..., "as": ...}``)."""
    if isinstance(value, str):
        return value if value in STEP_TYPES else None
    if isinstance(value, dict):
        for key in value:
            if isinstance(key, str) and key in STEP_TYPES:
                return key
    return None


if TYPE_CHECKING:
    # The step models are built at run time (``_step``): statically, a step is a StepModel.
    Step: TypeAlias = StepModel
else:
    Step = Annotated[
        Union[tuple(Annotated[model, Tag(model.key)] for model in _STEPS)],  # noqa: UP007
        Discriminator(
            step_key,
            custom_error_type="unknown_step",
            custom_error_message="not a step",
        ),
    ]
"""One step: the union of every step model, told apart by the step's name."""
