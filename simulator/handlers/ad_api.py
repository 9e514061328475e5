"""The ``ad_api`` object a plugin's ``register(ad_api)`` receives: the JS ``adApi``, in Python.

Method names are the vendor's in snake_case (``setCallHold`` -> ``set_call_hold``) with the
documented arguments; each returns the ``OperationResult`` envelope (``.ok``, ``.data``,
``.error``) and acts on the simulation as the agent would, with the same preconditions. A method
called from a handler's thread runs on the simulation's thread (the host marshals it there) and
answers ``api_not_answer`` if the simulation does not get to it within the handler timeout, as the
widget does after 20 s.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from simulator.contract import (
    AgentState,
    EventName,
    OperationResult,
    PhoneDevice,
    PhoneDeviceData,
    RescheduleData,
    ResultErrorCode,
    ScreenRecordingState,
    fail,
    ok,
)
from simulator.contract.methods import argument_problem, method_named
from simulator.contract.versions import EventNotInVersionError, event_available, method_refusal
from simulator.engine import Simulator
from simulator.handlers.registry import HandlerRegistry, Registration, event_name

__all__ = ["AdApi", "ApiCall", "EngineCall", "MessageLogger", "WidgetState", "request_message"]

Code = ResultErrorCode
MessageLogger = Callable[[str, list[Any]], Any]
"""``injectMessageLogger``'s callback: ``(type, params)`` for every packet."""
EngineCall = Callable[[str, Callable[[], OperationResult]], OperationResult]
"""Runs an adApi method body on the simulation's thread: ``(method, body) -> result``."""

_WITHOUT_LOGIN = frozenset(
    {"GET_LOGIN_STATE", "LOGIN", "OPEN_LOGIN", "ACTIVATE_PAGE", "GET_CONFIG", "SET_DIAL_CANDIDATES"}
)
"""Request messages that work logged out (every other one answers ``not_logged_in``)."""
_NEEDS_PHONE = {PhoneDevice.phone_type_external, PhoneDevice.phone_type_hard_custom}
_REQUEST_MESSAGES = {
    "get_did_numbers_list": "GET_DID_LIST",
    "get_did_number": "GET_DID",
    "set_did_number": "SET_DID",
    "set_reschedule_window": "SET_RESCHEDULE",
}


def request_message(method: str) -> str:
    """The widget's request message for a method (``set_call_hold`` -> ``SET_CALL_HOLD``)."""
    return _REQUEST_MESSAGES.get(method, method.upper())


def _wire(value: Any) -> Any:
    """Accept models where the vendor takes plain objects."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return value


def _holds_lone_surrogate(value: Any, depth: int = 0) -> bool:
    """True when a text anywhere in ``value`` (arguments: text, lists, dicts, models) has a
    surrogate code point UTF-8 cannot encode."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if depth > 32:  # arguments are shallow; a deeper structure is not searched further
        return False
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="python")
    if isinstance(value, dict):
        return any(
            _holds_lone_surrogate(k, depth + 1) or _holds_lone_surrogate(v, depth + 1)
            for k, v in value.items()
        )
    if isinstance(value, list | tuple):
        return any(_holds_lone_surrogate(item, depth + 1) for item in value)
    return False


def _one_sentence(message: str, exc: ValidationError) -> str:
    """A pydantic error as the widget would say it: the first problem, no links, one line."""
    error = exc.errors(include_url=False)[0]
    where = ".".join(str(part) for part in error["loc"])
    text = str(error["msg"]).removeprefix("Value error, ")
    return f"{message}: {where + ' ' if where else ''}{text[:1].lower()}{text[1:]}."


def _direct(method: str, body: Callable[[], OperationResult]) -> OperationResult:
    return body()


@dataclass(frozen=True)
class ApiCall:
    """One ``ad_api`` call and the envelope it received (recorded for scenario expectations)."""

    method: str
    """The vendor's method name (``setDisposition``)."""
    params: list[Any]
    """The arguments, as on the wire."""
    result: dict[str, Any]
    """The ``OperationResult`` envelope, as on the wire."""
    plugin: str
    time_ms: int


@dataclass
class WidgetState:
    """What the widget itself keeps (not the engine): shared by every plugin of one desktop."""

    minimized: bool = False
    phone_device: dict[str, Any] = field(
        default_factory=lambda: {"type": PhoneDevice.phone_type_browser.value}
    )
    screen_recording: dict[str, bool] = field(
        default_factory=lambda: {"allowed": True, "active": False, "muted": False}
    )
    reschedule: dict[str, dict[str, Any]] = field(default_factory=dict)
    """``setRescheduleWindow`` data per interaction id."""
    suggestions: dict[str, str] = field(default_factory=dict)
    """``suggestChatMessage`` text in the agent's input box, per interaction id."""
    loggers: list[MessageLogger] = field(default_factory=list)
    calls: list[ApiCall] | None = None
    """Every ``ad_api`` call with its envelope, once ``record_calls()`` turned recording on (a
    scenario run does; a long window session does not keep them)."""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record_calls(self) -> list[ApiCall]:
        """Start keeping every call (idempotent); returns the live list."""
        with self.lock:
            if self.calls is None:
                self.calls = []
            return self.calls

    def log(self, packet_type: str, params: list[Any]) -> None:
        """Give a packet to every injected message logger (a failing logger is ignored)."""
        for logger in tuple(self.loggers):
            try:
                logger(packet_type, params)
            except Exception:  # a logger must never break the desktop
                continue


class AdApi:
    """``adApi`` for one plugin: subscribe with ``on``/``remove``, act with the 5.19 methods."""

    def __init__(
        self,
        sim: Simulator,
        *,
        registry: HandlerRegistry | None = None,
        plugin: str = "",
        integration_key: str = "simulator",
        widget: WidgetState | None = None,
        call_on_engine: EngineCall | None = None,
    ):
        self._sim = sim
        self._registry = registry if registry is not None else HandlerRegistry()
        self._plugin = plugin
        self.integration_key = integration_key
        """The ``integrationKey`` this adApi was constructed with (``source`` of records)."""
        self._widget = widget if widget is not None else WidgetState()
        self._call = call_on_engine or _direct

    @property
    def api_version(self) -> str:
        """The adApi version the desktop runs (``5.19``, ``5.24.1`` or ``2026``): a plugin may
        subscribe to a later event only where the version has it."""
        return self._sim.api_version.value

    def __repr__(self) -> str:
        return f"<AdApi plugin={self._plugin!r} integrationKey={self.integration_key!r}>"

    @property
    def agent(self) -> str:
        """The name of the agent whose desktop this is (``jane``): with the same plugins loaded
        for every agent of a contact center, a handler knows whose event it handles."""
        return self._sim.name

    # ------------------------------------------------------------------ events

    def on(self, event: EventName | str, handler: Callable[..., Any]) -> None:
        """Call ``handler(*args)`` for each ``event``; several handlers run in registration order.

        ``event`` must be an exact adApi event name; anything else raises ``UnknownEventError``
        with the closest real name. For an event that needs an answer, the last handler's
        non-None result is used.
        """
        name = event_name(event)
        version = self._sim.api_version
        if not event_available(name, version):
            raise EventNotInVersionError(name, version)
        if not callable(handler):
            raise TypeError(f"on({name.value!r}, ...) needs a function, got {handler!r}")
        self._registry.add(Registration.of(name, handler, self._plugin))

    def remove(self, event: EventName | str, handler: Callable[..., Any]) -> None:
        """Stop calling ``handler`` for ``event``."""
        self._registry.remove(event_name(event), handler, self._plugin)

    def inject_message_logger(self, logger: MessageLogger) -> None:
        """``injectMessageLogger``: ``logger(type, params)`` gets every packet (events, method
        requests and their ``_RESPONSE``)."""
        with self._widget.lock:
            self._widget.loggers.append(logger)

    # ------------------------------------------------------------------ plumbing

    def _do(
        self,
        method: str,
        body: Callable[[], OperationResult],
        *params: Any,
        checked: tuple[Any, ...] | None = None,
    ) -> OperationResult:
        """Run ``body`` on the simulation's thread once ``params`` (or ``checked``, when what is
        logged differs from what was passed; ``()``: nothing to check) fit the method's
        published types."""
        message = request_message(method)
        widget = self._widget
        if widget.loggers:
            widget.log(message, [_wire(p) for p in params])
        refusal = method_refusal(method, self._sim.api_version)
        if refusal is not None:  # as the version's widget answers a request it does not know
            result = fail(Code.api_method_not_implemented, refusal)
            if widget.loggers:
                widget.log(f"{message}_RESPONSE", [result.model_dump(mode="json")])
            return result
        if _holds_lone_surrogate(params):
            # Refused where it enters: the journal, the webhook and UTF-8 cannot carry it.
            result = fail(
                Code.invalid_args,
                f"{method}: the text has a lone surrogate (an unpaired \\ud800-\\udfff); "
                "pass valid Unicode text",
            )
            if widget.loggers:
                widget.log(f"{message}_RESPONSE", [result.model_dump(mode="json")])
            return result
        problem = (
            None
            if checked == ()
            else argument_problem(
                message, checked if checked is not None else params, self._sim.api_version.value
            )
        )

        def guarded() -> OperationResult:
            if problem is not None:
                # Logged out, the widget refuses before it looks at the arguments.
                if message not in _WITHOUT_LOGIN and not self._sim.agent.logged_in:
                    return fail(Code.not_logged_in, "log in first (login)")
                return fail(Code.invalid_args, problem)
            try:
                return body()
            except ValidationError as exc:
                return fail(Code.invalid_args, _one_sentence(message, exc))
            except (ValueError, TypeError) as exc:
                return fail(Code.invalid_args, f"{message}: {exc}")
            except Exception as exc:
                return fail(Code.unknown_error, f"{message}: {type(exc).__name__}: {exc}")

        result = self._call(method, guarded)
        if widget.calls is not None:
            spec = method_named(message)
            call = ApiCall(
                spec.name if spec is not None else message,
                [_wire(p) for p in params],
                result.model_dump(mode="json"),
                self._plugin,
                self._sim.now_ms,
            )
            with widget.lock:
                widget.calls.append(call)
        if widget.loggers:
            widget.log(f"{message}_RESPONSE", [result.model_dump(mode="json")])
        return result

    def _logged_in(self) -> OperationResult | None:
        if not self._sim.agent.logged_in:
            return fail(Code.not_logged_in, "log in first (login)")
        return None

    def _interaction_id(self, interaction_id: str | None) -> tuple[str | None, OperationResult]:
        key = interaction_id or self._sim.active_interaction_id
        if key is None:
            return None, fail(Code.no_interaction, "there is no active interaction; pass an id")
        if self._sim.interaction(key) is None:
            return None, fail(Code.no_interaction, f"no interaction {key!r}")
        return key, ok()

    def _emit(self, name: EventName, *args: Any) -> None:
        self._sim.bus.emit(name, self._sim.now_ms, args)
        self._sim.bus.flush()

    # ------------------------------------------------------------------ session, agent state

    def get_login_state(self) -> OperationResult:
        """``getLoginState`` -> ``LoginStateData``."""
        return self._do("get_login_state", self._sim.get_login_state)

    def login(
        self, login_data: dict[str, Any] | None = None, force: bool = False
    ) -> OperationResult:
        """``login(loginData, force?)``: ``{username, password}`` (the tenant's agent when
        omitted)."""
        data = _wire(login_data) or {}
        return self._do(
            "login",
            lambda: self._sim.login(data.get("username"), data.get("password")),
            {k: v for k, v in data.items() if k != "password"},
            force,
            # Called from Python without loginData: the tenant's own agent (nothing to check).
            checked=(data, force) if login_data is not None else (),
        )

    def open_login(self) -> OperationResult:
        """``openLogin()`` (2026, replaces ``login``): opens the desktop's login form, where the
        simulated agent signs in with the tenant's credentials."""
        return self._do("open_login", self._sim.login)

    def logout(self) -> OperationResult:
        """``logout``."""
        return self._do("logout", self._sim.logout)

    def get_agent_state(self) -> OperationResult:
        """``getAgentState`` -> ``AgentStateData``."""
        return self._do("get_agent_state", self._sim.get_agent_state)

    def set_agent_state(
        self, state: AgentState | str, not_ready_reason: str | None = None
    ) -> OperationResult:
        """``setAgentState(state, notReadyReason?)``: not_ready needs a configured reason."""
        return self._do(
            "set_agent_state",
            lambda: self._sim.set_agent_state(state, not_ready_reason),
            state,
            not_ready_reason,
        )

    def get_agent_not_ready_reasons(self) -> OperationResult:
        """``getAgentNotReadyReasons`` -> ``string[]``."""
        return self._do("get_agent_not_ready_reasons", self._sim.get_agent_not_ready_reasons)

    # ------------------------------------------------------------------ interactions

    def accept_interaction(self, interaction_id: str | None = None) -> OperationResult:
        """``acceptInteraction(interactionId?)``: only while ``delivery_pending``."""
        return self._do(
            "accept_interaction",
            lambda: self._sim.accept_interaction(interaction_id),
            interaction_id,
        )

    def reject_interaction(self, interaction_id: str | None = None) -> OperationResult:
        """``rejectInteraction(interactionId?)``: only while ``delivery_pending``."""
        return self._do(
            "reject_interaction",
            lambda: self._sim.reject_interaction(interaction_id),
            interaction_id,
        )

    def leave_interaction(self, interaction_id: str | None = None) -> OperationResult:
        """``leaveInteraction(interactionId?)``: disconnect."""
        return self._do(
            "leave_interaction", lambda: self._sim.leave_interaction(interaction_id), interaction_id
        )

    def complete_interaction(self, interaction_id: str | None = None) -> OperationResult:
        """``completeInteraction(interactionId?)``: only in wrap-up."""
        return self._do(
            "complete_interaction",
            lambda: self._sim.complete_interaction(interaction_id),
            interaction_id,
        )

    def leave_and_complete_interaction(
        self,
        disposition: str | None = None,
        note: str | None = None,
        interaction_id: str | None = None,
    ) -> OperationResult:
        """``leaveAndCompleteInteraction(disposition?, note?, interactionId?)``."""
        return self._do(
            "leave_and_complete_interaction",
            lambda: self._sim.leave_and_complete_interaction(disposition, note, interaction_id),
            disposition,
            note,
            interaction_id,
        )

    def switch_active_interaction(self, interaction_id: str) -> OperationResult:
        """``switchActiveInteraction(interactionId)``."""
        return self._do(
            "switch_active_interaction",
            lambda: self._sim.switch_active_interaction(interaction_id),
            interaction_id,
        )

    def get_interactions_state(self) -> OperationResult:
        """``getInteractionsState`` (5.24.1) -> ``{activeInteractionId, interactions}``."""
        return self._do("get_interactions_state", self._sim.get_interactions_state)

    # ------------------------------------------------------------------ starting interactions

    def start_call(
        self,
        phone_number: str,
        initial_object: dict[str, Any] | list[dict[str, Any]] | None = None,
    ) -> OperationResult:
        """``startCall(phoneNumber, initialObject?)`` -> ``InitiateResult`` ``{id}``; from
        5.24.1 the second argument may be a list (``InitialObjects``)."""
        record = (
            [_wire(item) for item in initial_object]
            if isinstance(initial_object, list)
            else _wire(initial_object)
        )
        return self._do(
            "start_call",
            lambda: self._sim.start_call(phone_number, record, source=self.integration_key),
            phone_number,
            record,
        )

    def start_chat(
        self, channel: str, address: str, initial_object: dict[str, Any] | None = None
    ) -> OperationResult:
        """``startChat(channel, address, initialObject?)``."""
        record = _wire(initial_object)
        return self._do(
            "start_chat",
            lambda: self._sim.start_chat(channel, address, record, source=self.integration_key),
            channel,
            address,
            record,
        )

    def start_email(
        self, email: str, initial_object: dict[str, Any] | None = None
    ) -> OperationResult:
        """``startEmail(email, initialObject?)`` (``api_method_not_implemented``, as the widget)."""
        record = _wire(initial_object)
        return self._do("start_email", lambda: self._sim.start_email(email, record), email, record)

    # ------------------------------------------------------------------ calls

    def send_dtmf(self, dtmf: str, interaction_id: str | None = None) -> OperationResult:
        """``sendDtmf(dtmf, interactionId?)``: on a connected call."""
        return self._do(
            "send_dtmf", lambda: self._sim.send_dtmf(dtmf, interaction_id), dtmf, interaction_id
        )

    def consult_call(self, phone: str) -> OperationResult:
        """``consultCall(phone)``: hold the active call and dial a second one."""
        return self._do("consult_call", lambda: self._sim.consult_call(phone), phone)

    def blind_transfer(
        self,
        phone: str,
        custom_transfer_data: dict[str, Any] | None = None,
        interaction_id: str | None = None,
    ) -> OperationResult:
        """``blindTransfer(phone, customTransferData?, interactionId?)``."""
        return self._do(
            "blind_transfer",
            lambda: self._sim.blind_transfer(phone, custom_transfer_data, interaction_id),
            phone,
            custom_transfer_data,
            interaction_id,
        )

    def transfer(self, custom_transfer_data: dict[str, Any] | None = None) -> OperationResult:
        """``transfer(customTransferData?)``: complete a consult transfer."""
        return self._do(
            "transfer", lambda: self._sim.transfer(custom_transfer_data), custom_transfer_data
        )

    def invite_to_call_conference(
        self,
        phone: str,
        custom_transfer_data: dict[str, Any] | None = None,
        interaction_id: str | None = None,
    ) -> OperationResult:
        """``inviteToCallConference(phone, customTransferData?, interactionId?)``."""
        return self._do(
            "invite_to_call_conference",
            lambda: self._sim.invite_to_call_conference(
                phone, custom_transfer_data, interaction_id
            ),
            phone,
            custom_transfer_data,
            interaction_id,
        )

    def remove_from_call_conference(
        self, party_id: str, interaction_id: str | None = None
    ) -> OperationResult:
        """``removeFromCallConference(partyId, interactionId?)``."""
        return self._do(
            "remove_from_call_conference",
            lambda: self._sim.remove_from_call_conference(party_id, interaction_id),
            party_id,
            interaction_id,
        )

    def destroy_call_conference(self, interaction_id: str | None = None) -> OperationResult:
        """``destroyCallConference(interactionId?)``."""
        return self._do(
            "destroy_call_conference",
            lambda: self._sim.destroy_call_conference(interaction_id),
            interaction_id,
        )

    def merge_all_calls_into_conference(
        self, custom_transfer_data: dict[str, Any] | None = None
    ) -> OperationResult:
        """``mergeAllCallsIntoConference(customTransferData?)`` (5.19.99): not simulated yet."""

        def body() -> OperationResult:
            return self._logged_in() or fail(
                Code.api_method_not_implemented,
                "mergeAllCallsIntoConference is not simulated; use inviteToCallConference",
            )

        return self._do("merge_all_calls_into_conference", body, custom_transfer_data)

    def invite_to_chat_conference(
        self, party_id: str, interaction_id: str | None = None
    ) -> OperationResult:
        """``inviteToChatConference(partyId, interactionId?)``: a colleague joins the chat."""
        return self._do(
            "invite_to_chat_conference",
            lambda: self._sim.invite_to_chat_conference(party_id, interaction_id),
            party_id,
            interaction_id,
        )

    def remove_from_chat_conference(
        self, party_id: str, interaction_id: str | None = None
    ) -> OperationResult:
        """``removeFromChatConference(partyId, interactionId?)``: a colleague leaves the chat."""
        return self._do(
            "remove_from_chat_conference",
            lambda: self._sim.remove_from_chat_conference(party_id, interaction_id),
            party_id,
            interaction_id,
        )

    def set_call_hold(self, state: bool, interaction_id: str | None = None) -> OperationResult:
        """``setCallHold(state, interactionId?)``: true holds, false resumes."""
        return self._do(
            "set_call_hold",
            lambda: self._sim.set_call_hold(state, interaction_id),
            state,
            interaction_id,
        )

    def set_call_mute(self, state: bool, interaction_id: str | None = None) -> OperationResult:
        """``setCallMute(state, interactionId?)``."""
        return self._do(
            "set_call_mute",
            lambda: self._sim.set_call_mute(state, interaction_id),
            state,
            interaction_id,
        )

    def set_call_recording(self, state: bool, interaction_id: str | None = None) -> OperationResult:
        """``setCallRecording(state, interactionId?)``."""
        return self._do(
            "set_call_recording",
            lambda: self._sim.set_call_recording(state, interaction_id),
            state,
            interaction_id,
        )

    # ------------------------------------------------------------------ chat

    def set_call_recording_mute(
        self, state: bool, interaction_id: str | None = None
    ) -> OperationResult:
        """``setCallRecordingMute(state, interactionId? | 'all')`` (5.24.1): pause or resume the
        call's recording (``callRecording`` reads false while it is muted)."""
        return self._do(
            "set_call_recording_mute",
            lambda: self._sim.set_call_recording_mute(state, interaction_id),
            state,
            interaction_id,
        )

    def send_chat_message(self, message: str, interaction_id: str | None = None) -> OperationResult:
        """``sendChatMessage(message, interactionId?)``: chat only."""
        return self._do(
            "send_chat_message",
            lambda: self._sim.send_chat_message(message, interaction_id),
            message,
            interaction_id,
        )

    def suggest_chat_message(
        self, message: str, allow_overwrite: bool = False, interaction_id: str | None = None
    ) -> OperationResult:
        """``suggestChatMessage(message, allowOverwrite?, interactionId?)``: put text in the
        agent's input box (kept unless ``allow_overwrite`` when text is already there)."""

        def body() -> OperationResult:
            key, found = self._interaction_id(interaction_id)
            if key is None:
                return self._logged_in() or found
            inter = self._sim.interaction(key)
            if inter is None or inter.type.value != "chat":
                return fail(Code.not_suitable_state, "suggestChatMessage works on chats only")
            if not isinstance(message, str):
                return fail(Code.invalid_args, "a suggestion is text")
            with self._widget.lock:
                if allow_overwrite or not self._widget.suggestions.get(key):
                    self._widget.suggestions[key] = message
            return ok()

        return self._do("suggest_chat_message", body, message, allow_overwrite, interaction_id)

    # ------------------------------------------------------------------ directory

    def get_teams(self) -> OperationResult:
        """``getTeams`` -> ``Team[]``."""
        return self._do("get_teams", self._sim.get_teams)

    def get_team_members(self, team_id: str) -> OperationResult:
        """``getTeamMembers(teamId)`` -> ``TeamMember[]``."""
        return self._do("get_team_members", lambda: self._sim.get_team_members(team_id), team_id)

    def get_services_list(self) -> OperationResult:
        """``getServicesList`` -> ``ServiceData[]``."""
        return self._do("get_services_list", self._sim.get_services_list)

    def get_service(self) -> OperationResult:
        """``getService`` -> ``ServiceData`` or null."""
        return self._do("get_service", self._sim.get_service)

    def set_service(self, service: str | None) -> OperationResult:
        """``setService(service)``: id or name, or null."""
        return self._do("set_service", lambda: self._sim.set_service(service), service)

    def get_did_numbers_list(self) -> OperationResult:
        """``getDIDNumbersList`` -> ``DIDNumber[]``."""
        return self._do("get_did_numbers_list", self._sim.get_did_numbers_list)

    def get_did_number(self) -> OperationResult:
        """``getDIDNumber`` -> ``DIDNumber`` or null."""
        return self._do("get_did_number", self._sim.get_did_number)

    def set_did_number(self, did: str | None) -> OperationResult:
        """``setDIDNumber(did)``: id or number, or null."""
        return self._do("set_did_number", lambda: self._sim.set_did_number(did), did)

    def get_config(self) -> OperationResult:
        """``getConfig``: ``{clickAction: 'call'}`` for integration key ``salesforce``, else
        ``{}``."""

        def body() -> OperationResult:
            return ok({"clickAction": "call"} if self.integration_key == "salesforce" else {})

        return self._do("get_config", body)

    # ------------------------------------------------------------------ wrap-up data

    def get_dispositions_list(self, target: dict[str, str] | None = None) -> OperationResult:
        """``getDispositionsList({service?, interactionId?})`` -> ``DispositionData[]``."""
        wanted = _wire(target)
        return self._do(
            "get_dispositions_list", lambda: self._sim.get_dispositions_list(wanted), wanted
        )

    def set_disposition(
        self, disposition: str, interaction_id: str | None = None
    ) -> OperationResult:
        """``setDisposition(disposition, interactionId?)``: by id, code or name."""
        return self._do(
            "set_disposition",
            lambda: self._sim.set_disposition(disposition, interaction_id),
            disposition,
            interaction_id,
        )

    def set_reschedule_window(
        self, reschedule: dict[str, Any], interaction_id: str | None = None
    ) -> OperationResult:
        """``setRescheduleWindow(RescheduleData, interactionId?)``: when to call back."""
        data = _wire(reschedule)

        def body() -> OperationResult:
            refused = self._logged_in()
            if refused is not None:
                return refused
            key, found = self._interaction_id(interaction_id)
            if key is None:
                return found
            window = RescheduleData.model_validate(data)
            # Same format on both sides (checked before), so the text order is the time order.
            if window.until_time.replace("T", " ") < window.from_time.replace("T", " "):
                return fail(Code.invalid_args, "setRescheduleWindow: untilTime is before fromTime.")
            with self._widget.lock:
                self._widget.reschedule[key] = window.wire()
            return ok()

        return self._do("set_reschedule_window", body, data, interaction_id)

    def add_note(self, note: str, interaction_id: str | None = None) -> OperationResult:
        """``addNote(note, interactionId?)``."""
        return self._do(
            "add_note", lambda: self._sim.add_note(note, interaction_id), note, interaction_id
        )

    def update_note(self, note: str, interaction_id: str | None = None) -> OperationResult:
        """``updateNote(note, interactionId?)``: replace the latest note."""
        return self._do(
            "update_note", lambda: self._sim.update_note(note, interaction_id), note, interaction_id
        )

    def replace_note(self, note: str, interaction_id: str | None = None) -> OperationResult:
        """``replaceNote(note, interactionId?)``: replace all notes."""
        return self._do(
            "replace_note",
            lambda: self._sim.replace_note(note, interaction_id),
            note,
            interaction_id,
        )

    def set_variable(
        self, key: str, value: str, interaction_id: str | None = None
    ) -> OperationResult:
        """``setVariable(key, value, interactionId?)``: a scenario variable."""
        return self._do(
            "set_variable",
            lambda: self._sim.set_variable(key, value, interaction_id),
            key,
            value,
            interaction_id,
        )

    def get_variables(self, keys: list[str], interaction_id: str | None = None) -> OperationResult:
        """``getVariables(keys, interactionId?)`` -> ``Record<string, string>``."""
        return self._do(
            "get_variables",
            lambda: self._sim.get_variables(list(keys), interaction_id),
            keys,
            interaction_id,
        )

    def add_interaction_associated_object(
        self, associated_object: dict[str, Any], interaction_id: str | None = None
    ) -> OperationResult:
        """``addInteractionAssociatedObject(object, interactionId?)`` (``source`` = the
        integration key)."""
        record = _wire(associated_object)
        return self._do(
            "add_interaction_associated_object",
            lambda: self._sim.add_interaction_associated_object(
                record, interaction_id, source=self.integration_key
            ),
            record,
            interaction_id,
        )

    def set_interaction_active_screen(
        self, screen: dict[str, Any], interaction_id: str | None = None
    ) -> OperationResult:
        """``setInteractionActiveScreen(screenData, interactionId?)``."""
        data = _wire(screen)
        return self._do(
            "set_interaction_active_screen",
            lambda: self._sim.set_interaction_active_screen(data, interaction_id),
            data,
            interaction_id,
        )

    # ------------------------------------------------------------------ devices, widget

    def get_phone_devices_list(self) -> OperationResult:
        """``getPhoneDevicesList`` -> ``PhoneDevice[]``."""
        return self._do(
            "get_phone_devices_list",
            lambda: self._logged_in() or ok([device.value for device in PhoneDevice]),
        )

    def get_phone_device(self) -> OperationResult:
        """``getPhoneDevice`` -> ``PhoneDeviceData``."""
        return self._do(
            "get_phone_device",
            lambda: self._logged_in() or ok(dict(self._widget.phone_device)),
        )

    def set_phone_device(self, device: dict[str, Any]) -> OperationResult:
        """``setPhoneDevice(PhoneDeviceData)``: external and custom hard phones need a number."""
        data = _wire(device)

        def body() -> OperationResult:
            refused = self._logged_in()
            if refused is not None:
                return refused
            chosen = PhoneDeviceData.model_validate(data)
            if chosen.type in _NEEDS_PHONE and not chosen.phone:
                return fail(Code.invalid_args, f"{chosen.type.value} needs a phone number")
            if self._sim.interactions:
                return fail(Code.not_suitable_state, "finish your interactions first")
            with self._widget.lock:
                self._widget.phone_device = chosen.wire()
            return ok()

        return self._do("set_phone_device", body, data)

    def get_screen_recording_state(self) -> OperationResult:
        """``getScreenRecordingState`` -> ``ScreenRecordingState``."""
        return self._do(
            "get_screen_recording_state",
            lambda: self._logged_in() or ok(dict(self._widget.screen_recording)),
        )

    def set_screen_recording_mute(self, state: bool) -> OperationResult:
        """``setScreenRecordingMute(state)``: ``banned`` when screen recording is not allowed;
        ``ON_SCREEN_RECORDING_STATE_CHANGE`` on a change."""

        def body() -> OperationResult:
            refused = self._logged_in()
            if refused is not None:
                return refused
            current = self._widget.screen_recording
            if not current["allowed"]:
                return fail(Code.banned, "screen recording is not allowed for this agent")
            if current["muted"] != bool(state):
                current["muted"] = bool(state)
                self._emit(
                    EventName.ON_SCREEN_RECORDING_STATE_CHANGE,
                    ScreenRecordingState.model_validate(current).wire(),
                )
            return ok()

        return self._do("set_screen_recording_mute", body, state)

    def set_widget_minimized(self, state: bool) -> OperationResult:
        """``setWidgetMinimized(state)``: ``ON_WIDGET_MINIMIZED_CHANGE`` on a change."""

        def body() -> OperationResult:
            refused = self._logged_in()
            if refused is not None:
                return refused
            if self._widget.minimized != bool(state):
                self._widget.minimized = bool(state)
                self._emit(EventName.ON_WIDGET_MINIMIZED_CHANGE, bool(state))
            return ok()

        return self._do("set_widget_minimized", body, state)

    def activate_page(self) -> OperationResult:
        """``activatePage`` (5.24.1): bring the desktop forward (nothing to do headless)."""
        return self._do("activate_page", ok)

    def set_dial_candidates(self, candidates: list[dict[str, Any]]) -> OperationResult:
        """``setDialCandidates`` (5.24.1): accepted and ignored, as in the vendor's build."""
        return self._do("set_dial_candidates", ok, candidates)

    def get_chat_transcript(self, interaction_id: str | None = None) -> OperationResult:
        """``getChatTranscript(interactionId?)`` (2026) -> the chat's lines so far,
        ``[{party, text, time}]`` (the vendor publishes no signature: the simulator's shape)."""
        return self._do(
            "get_chat_transcript",
            lambda: self._sim.get_chat_transcript(interaction_id),
            interaction_id,
        )

    def get_voice_transcript(self, interaction_id: str | None = None) -> OperationResult:
        """``getVoiceTranscript(interactionId?)`` (2026) -> what speech recognition heard on the
        call so far, ``[{party, text, time}]`` (the scenario's ``transcript`` steps)."""
        return self._do(
            "get_voice_transcript",
            lambda: self._sim.get_voice_transcript(interaction_id),
            interaction_id,
        )
