"""Wrap-up and interaction data: completing, dispositions, notes, scenario variables, associated
CRM records and the saved CRM screen.
"""

from __future__ import annotations

from typing import Any

from simulator.contract import OperationResult, fail, ok
from simulator.contract.methods import argument_problem
from simulator.data import Disposition
from simulator.engine.core import Code
from simulator.engine.errors import ActionError
from simulator.engine.interaction import Interaction
from simulator.engine.lifecycle import Lifecycle
from simulator.engine.tables import Action, is_allowed

__all__ = ["WrapUp"]


def _closest_disposition(inter: Interaction, key: object) -> str:
    """`` (did you mean 'Product sold'?)`` for a disposition name written in another case or
    misspelt (``Product Sold``), else empty."""
    service = inter.service
    if not isinstance(key, str) or service is None or not service.use_dispositions:
        return ""
    names = [d.name for d in service.dispositions]
    same = [name for name in names if name.casefold() == key.casefold()]
    if not same:
        import difflib  # only for a misspelt disposition

        same = difflib.get_close_matches(key, names, n=1, cutoff=0.75)
    return f" (did you mean {same[0]!r}?)" if same else ""


class WrapUp(Lifecycle):
    """Completion and the data an activity record carries."""

    def _require_disposition(self, inter: Interaction, disposition_set: bool) -> None:
        service = inter.service
        if (
            service is not None
            and service.use_dispositions
            and service.require_disposition
            and not disposition_set
        ):
            raise ActionError(
                Code.no_disposition,
                f"service {service.name!r} requires a disposition before completing",
            )

    def complete_interaction(self, interaction_id: str | None = None) -> OperationResult:
        """``completeInteraction``: finish after-call work (a service may require a
        disposition: ``no_disposition``)."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.complete)
            self._require_disposition(inter, inter.disposition is not None)
            self._transition(inter, Action.complete)
            self._refresh_agent()

        return self._perform(
            "agent", "complete_interaction", {"interaction_id": interaction_id}, body
        )

    def leave_and_complete_interaction(
        self,
        disposition: str | None = None,
        note: str | None = None,
        interaction_id: str | None = None,
    ) -> OperationResult:
        """``leaveAndCompleteInteraction``: set the disposition, add the note, disconnect,
        then complete."""

        def body() -> None:
            inter = self._get(interaction_id)
            if not (is_allowed(inter.state, inter.type, Action.leave) or inter.in_wrap_up):
                self._check(inter, Action.leave)
            found = self._find_disposition(inter, disposition) if disposition else None
            has_disposition = found is not None or inter.disposition is not None
            # It will reach wrap-up (and so a completion) unless the service has no after-call work.
            if (inter.service is not None and inter.service.after_call_work) or inter.in_wrap_up:
                self._require_disposition(inter, has_disposition)
            if note is not None and not note.strip():
                raise ActionError(Code.invalid_args, "a note needs some text")
            if found is not None:
                inter.disposition = found.name
            if note:
                inter.notes.append(note)
            self._sync(inter)
            if not inter.in_wrap_up:
                self._transition(inter, Action.leave)
            if inter.is_live and inter.in_wrap_up:
                self._complete_checked(inter, Action.complete)
            self._refresh_agent()

        return self._perform(
            "agent",
            "leave_and_complete_interaction",
            {"disposition": disposition, "note": note, "interaction_id": interaction_id},
            body,
        )

    def _find_disposition(self, inter: Interaction, key: str) -> Disposition:
        service = inter.service
        found = service.find_disposition(key) if service and service.use_dispositions else None
        if found is None:
            raise ActionError(
                Code.object_not_found,
                f"no disposition {key!r} in service {service.name if service else '(none)'!r}"
                + _closest_disposition(inter, key),
            )
        return found

    def set_disposition(
        self, disposition: str, interaction_id: str | None = None
    ) -> OperationResult:
        """``setDisposition``: by id, code or name; the payload carries the name."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.disposition)
            found = self._find_disposition(inter, disposition)
            inter.disposition = found.name
            self._sync(inter)

        return self._perform(
            "agent",
            "set_disposition",
            {"disposition": disposition, "interaction_id": interaction_id},
            body,
        )

    def _note(self, name: str, note: str, interaction_id: str | None, mode: str) -> OperationResult:
        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.note)
            if not isinstance(note, str) or not note.strip():
                raise ActionError(Code.invalid_args, "a note needs some text")
            if mode == "add" or not inter.notes:
                inter.notes.append(note)
            elif mode == "update":
                inter.notes[-1] = note
            else:
                inter.notes[:] = [note]
            self._sync(inter)

        return self._perform("agent", name, {"note": note, "interaction_id": interaction_id}, body)

    def add_note(self, note: str, interaction_id: str | None = None) -> OperationResult:
        """``addNote``: append a note (notes join with newlines into ``description``)."""
        return self._note("add_note", note, interaction_id, "add")

    def update_note(self, note: str, interaction_id: str | None = None) -> OperationResult:
        """``updateNote``: replace the latest note."""
        return self._note("update_note", note, interaction_id, "update")

    def replace_note(self, note: str, interaction_id: str | None = None) -> OperationResult:
        """``replaceNote``: replace all notes with this one."""
        return self._note("replace_note", note, interaction_id, "replace")

    def set_variable(
        self, key: str, value: str, interaction_id: str | None = None
    ) -> OperationResult:
        """``setVariable``: set a scenario variable (it shows in ``attachedData``)."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.set_data)
            if not isinstance(key, str) or not key:
                raise ActionError(Code.invalid_args, "a variable needs a name")
            # attachedData is Record<string, string>: a Python None or True would reach the wire
            # as "None" or "True", which no widget sends; the vendor's types take a string.
            problem = argument_problem("setVariable", [key, value])
            if problem is not None:
                raise ActionError(Code.invalid_args, problem)
            inter.attached_data[key] = value
            self._sync(inter)

        return self._perform(
            "agent",
            "set_variable",
            {"key": key, "value": value, "interaction_id": interaction_id},
            body,
        )

    def get_variables(self, keys: list[str], interaction_id: str | None = None) -> OperationResult:
        """``getVariables``: the named scenario variables that are set."""
        try:
            inter = self._get(interaction_id)
        except ActionError as exc:
            return fail(exc.code, exc.message)
        return ok({key: inter.attached_data[key] for key in keys if key in inter.attached_data})

    def _associated_record(self, data: dict[str, Any], source: str) -> dict[str, Any]:
        from pydantic import ValidationError

        from simulator.contract import InteractionAssociatedObject

        try:
            record = InteractionAssociatedObject.model_validate({**data, "source": source})
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "the object"
            raise ActionError(
                Code.invalid_args,
                f"not an associated object: {where}: {first['msg']} "
                "(needs id, type, displayName, displayType)",
            ) from None
        return record.wire()

    def add_interaction_associated_object(
        self,
        associated_object: dict[str, Any],
        interaction_id: str | None = None,
        *,
        source: str = "integration",
    ) -> OperationResult:
        """``addInteractionAssociatedObject``: associate a CRM record (``source`` = the
        integration key)."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.set_data)
            record = self._associated_record(associated_object, source)
            inter.associated = [r for r in inter.associated if r["id"] != record["id"]]
            inter.associated.append(record)
            if inter.selected_record is None:
                inter.selected_record = record["id"]
            self._sync(inter)

        return self._perform(
            "agent",
            "add_interaction_associated_object",
            {"associated_object": associated_object, "interaction_id": interaction_id},
            body,
        )

    def set_interaction_active_screen(
        self, screen: dict[str, Any], interaction_id: str | None = None
    ) -> OperationResult:
        """``setInteractionActiveScreen``: remember the CRM screen (replayed by
        ``ON_SHOW_SCREEN`` when the agent switches back to the interaction)."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.set_data)
            # InteractionScreen holds flat values; ON_SHOW_SCREEN replays it as given.
            problem = argument_problem("setInteractionActiveScreen", [screen])
            if problem is not None:
                raise ActionError(Code.invalid_args, problem)
            inter.active_screen = dict(screen)

        return self._perform(
            "agent",
            "set_interaction_active_screen",
            {"screen": screen, "interaction_id": interaction_id},
            body,
        )
