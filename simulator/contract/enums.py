"""Every adApi enumeration, complete as of 5.19 (later values marked in their docstrings).

Values are the vendor's strings exactly; Python member names are snake_case.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

__all__ = [
    "AgentState",
    "CallDirection",
    "ChatChannelType",
    "ChatPartyType",
    "DispositionType",
    "InteractionOrigination",
    "InteractionState",
    "InteractionType",
    "PhoneDevice",
    "PhoneType",
    "ResultErrorCode",
    "ServerErrorCode",
    "SystemNotReadyReason",
    "TeamMemberState",
]


class InteractionState(StrEnum):
    """State of an interaction item (reference 4.3)."""

    unknown = "unknown"
    queued = "queued"
    ivr = "ivr"
    wrap_up = "wrap_up"
    wrap_up_hold = "wrap_up_hold"
    delivered = "delivered"
    delivery_pending = "delivery_pending"
    hold = "hold"
    completed = "completed"
    ivr_runtime = "IVR"
    """The widget copies the server's upper-case ``IVR`` unchanged; emitted only when the
    ``ivr_state_spelling`` setting asks for it (reference section 11)."""


class InteractionType(StrEnum):
    """Media type of an interaction."""

    voice = "voice"
    chat = "chat"
    email = "email"


class CallDirection(StrEnum):
    """Direction of a voice call."""

    inbound = "inbound"
    outbound = "outbound"


class InteractionOrigination(StrEnum):
    """How an interaction was initiated (5.19 list, complete)."""

    dialpad = "dialpad"
    dialpad_search = "dialpad-search"
    directory = "directory"
    recent = "recent"
    favorites = "favorites"
    workitem = "workitem"
    interaction = "interaction"
    contact_profile = "contact-profile"
    help = "help"
    conference = "conference"
    auto = "auto"
    integration_api = "integration-api"


class AgentState(StrEnum):
    """Agent state as adApi reports it (5.19 plus ``supervising`` from 5.19.99)."""

    ready = "ready"
    not_ready = "not_ready"
    busy = "busy"
    after_call_work = "after_call_work"
    supervising = "supervising"


class TeamMemberState(StrEnum):
    """State of a team member: the agent state, or offline (underscore form, as emitted)."""

    offline = "offline"
    ready = "ready"
    not_ready = "not_ready"
    busy = "busy"
    after_call_work = "after_call_work"
    supervising = "supervising"


class SystemNotReadyReason(IntEnum):
    """Internal codes of the system Not Ready reasons (reference 7)."""

    user_defined = 0
    no_answer = 1
    connection_loss = 2
    after_call_break = 3
    logout_pending = 4
    busy_external = 5


class ChatChannelType(StrEnum):
    """Chat channels accepted by ``startChat``: 5.19.99's nine, ``whatsapp`` from 5.24.1 and
    ``ms_teams`` from 2026 (reference 4.3; ``CHAT_CHANNEL_SINCE``)."""

    telegram = "telegram"
    line = "line"
    facebook = "facebook"
    web = "web"
    nexmo = "nexmo"
    sms = "sms"
    viber = "viber"
    twitter = "twitter"
    wechat = "wechat"
    whatsapp = "whatsapp"
    ms_teams = "ms_teams"


CHAT_CHANNEL_SINCE: dict[ChatChannelType, str] = {
    ChatChannelType.whatsapp: "5.24.1",
    ChatChannelType.ms_teams: "2026",
}
"""The adApi version that added each chat channel after 5.19; the others are in every version."""


class ChatPartyType(StrEnum):
    """Whether a chat party is an internal user or an external customer."""

    internal = "internal"
    external = "external"


class PhoneDevice(StrEnum):
    """Phone device types an agent can log in with."""

    phone_type_browser = "phone_type_browser"
    phone_type_external = "phone_type_external"
    phone_type_hard_custom = "phone_type_hard_custom"
    phone_type_hard_default = "phone_type_hard_default"
    phone_type_nailed = "phone_type_nailed"
    phone_type_none = "phone_type_none"
    phone_type_soft_secure = "phone_type_soft_secure"
    phone_type_microsoft_teams = "phone_type_microsoft_teams"
    phone_type_soft_unsecure = "phone_type_soft_unsecure"


class DispositionType(StrEnum):
    """Outcome class of a disposition."""

    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"
    CONTINUE = "CONTINUE"
    SPAM = "SPAM"
    DO_NOT_CALL = "DO_NOT_CALL"


class PhoneType(StrEnum):
    """Kind of a phone number of a dial candidate."""

    mobile = "mobile"
    business = "business"
    home = "home"
    fax = "fax"
    other = "other"


class ResultErrorCode(IntEnum):
    """``ResultErrorCodes``: the error of an ``OperationResult`` (complete; stable 5.19-2026)."""

    not_enough_privileges = 1
    not_logged_in = 2
    invalid_args = 3
    logged_without_phone = 4
    banned = 5
    api_not_answer = 6
    invalid_request = 7
    timeout = 8
    no_chat_in_service = 9
    empty_number = 10
    no_service = 11
    self_call = 12
    no_interaction = 13
    api_method_not_implemented = 14
    not_suitable_state = 15
    no_disposition = 16
    object_not_found = 17
    no_permissions_did_sms = 18
    no_permissions_did_call = 19
    no_channel_in_service = 20
    unknown_error = 99


class ServerErrorCode(IntEnum):
    """``ServerErrorCodes``: the payload code of ``ON_SERVER_ERROR``."""

    forced_logout_by_other_client = 100
    forced_logout_by_supervisor = 101
    invalid_request = 102
    phone_not_registered = 103
    phone_not_in_dial_plan = 104
    tenant_disabled = 105
    destination_user_not_logged = 106
    user_disabled_or_deleted = 107
    user_already_logged_in = 108
    invalid_credentials = 109
    other_user_logged_with_phone = 110
    invalid_token = 111
    logged_users_limit_reached = 112
    already_logged_in_with_the_same_session = 113
    not_enough_privileges = 114
    sip_server_error = 200
    unknown_error = 300
