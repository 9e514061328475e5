"""``ad_api`` methods of wrap-up data: dispositions, the reschedule window, notes, variables,
associated records and the active screen."""

from __future__ import annotations

from typing import Any

from simulator.contract import OperationResult, ResultErrorCode, fail, ok
from simulator.handlers.ad_api.checks import wire
from simulator.handlers.ad_api.core import AdApiCore

__all__ = ["WrapUpMethods"]

Code = ResultErrorCode


class WrapUpMethods(AdApiCore):
    """Wrap-up data the integration sets on an interaction."""

    # ------------------------------------------------------------------ wrap-up data

    def get_dispositions_list(self, target: dict[str, str] | None = None) -> OperationResult:
        """``getDispositionsList({service?, interactionId?})`` -> ``DispositionData[]``."""
        wanted = wire(target)
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
        data = wire(reschedule)

        def body() -> OperationResult:
            refused = self._logged_in()
            if refused is not None:
                return refused
            key, found = self._interaction_id(interaction_id)
            if key is None:
                return found
            from simulator.contract.models import RescheduleData  # not at start-up

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
        record = wire(associated_object)
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
        data = wire(screen)
        return self._do(
            "set_interaction_active_screen",
            lambda: self._sim.set_interaction_active_screen(data, interaction_id),
            data,
            interaction_id,
        )
