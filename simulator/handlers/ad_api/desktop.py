"""``ad_api`` methods of the desktop around the interactions: the directory (teams, services,
DIDs, config) and the widget (phone device, screen recording, minimized, page)."""

from __future__ import annotations

from typing import Any

from simulator.contract import (
    EventName,
    OperationResult,
    PhoneDevice,
    ResultErrorCode,
    fail,
    ok,
)
from simulator.handlers.ad_api.checks import wire
from simulator.handlers.ad_api.core import AdApiCore

__all__ = ["DesktopMethods"]

Code = ResultErrorCode
_NEEDS_PHONE = {PhoneDevice.phone_type_external, PhoneDevice.phone_type_hard_custom}


class DesktopMethods(AdApiCore):
    """The directory and the widget's own state."""

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
        data = wire(device)

        def body() -> OperationResult:
            refused = self._logged_in()
            if refused is not None:
                return refused
            from simulator.contract.models import PhoneDeviceData  # not at start-up

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
                from simulator.contract.models import ScreenRecordingState  # not at start-up

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
