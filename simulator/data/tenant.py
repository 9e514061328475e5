"""The tenant directory: the agent, teams, services with dispositions, reasons and numbers.

A tenant is a YAML (or JSON) file validated by ``Tenant``; ``load_tenant()`` with no path gives the
built-in default (``default_tenant.yaml`` beside this module).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from simulator.contract import DispositionType, TeamMemberState
from simulator.contract.tenant_payloads import DIDNumber, WebScreenPop
from simulator.data.errors import InputFileError
from simulator.data.model_wording import error_text, place_of, suggest
from simulator.data.tenant_unique import PlacedError, check_unique, relocated

if TYPE_CHECKING:
    from simulator.contract.models import DispositionData, ServiceData, Team, TeamMember

__all__ = [
    "AgentProfile",
    "Disposition",
    "Member",
    "Service",
    "ServiceType",
    "TeamDefinition",
    "Tenant",
    "load_tenant",
]


class _FileModel(BaseModel):
    # Field docstrings are read only for a schema (simulator.contract.field_docs), not at import.
    # Empty lists are plain ``= []`` defaults (pydantic copies them for each instance):
    # ``default_factory=list`` makes pydantic parse the builtin's text signature (~2 ms a start).
    # The validators are built on the first validation of a user's file, not at import: the
    # built-in tenant is built without one (``simulator.data.trusted``).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class ServiceType(StrEnum):
    """Service types of the Contact Center Administrator Guide."""

    inbound_voice = "inbound_voice"
    outbound_voice = "outbound_voice"
    blended_voice = "blended_voice"
    chat = "chat"
    email = "email"


class Disposition(_FileModel):
    """A disposition of a service."""

    id: str
    code: str
    name: str
    type: DispositionType = DispositionType.SUCCESS

    def to_wire(self) -> DispositionData:
        """The ``DispositionData`` adApi returns."""
        from simulator.contract.models import DispositionData

        return DispositionData(id=self.id, code=self.code, name=self.name, type=self.type)


class Service(_FileModel):
    """A service interactions are routed through."""

    id: str
    name: str
    type: ServiceType
    did: str | None = None
    """The number customers dial for this service (digits); used as DNIS of its inbound calls."""
    after_call_work: bool = True
    """Whether the agent goes to After Call Work (and the interaction to wrap-up) on release."""
    acw_timeout_seconds: int | None = Field(default=None, ge=1, le=366 * 86_400)
    """Complete the interaction automatically after this long in wrap-up; None: no limit."""
    use_dispositions: bool = True
    require_disposition: bool = False
    dispositions: list[Disposition] = []
    web_screen_pop: WebScreenPop | None = None
    """Offered to ``ON_WEB_SCREEN_POP_CUSTOM`` when an interaction of this service is delivered."""
    teams: list[str] = []
    """The teams (ids or names) whose agents take this service's interactions; empty: every
    team."""
    offer_timeout_seconds: float | Literal["never"] | None = None
    """An offer of this service not accepted in this time is missed (Not Ready "No Answer");
    ``never``: it waits until accepted; unset: the engine settings' default for its media
    (calls 20 s, chats 10 s, emails never)."""

    @field_validator("acw_timeout_seconds", "offer_timeout_seconds", mode="before")
    @classmethod
    def _a_number_not_true_or_false(cls, value: Any) -> Any:
        # pydantic takes true as 1: ``acw_timeout_seconds: true`` completed wrap-up after 1 s.
        if isinstance(value, bool):
            raise ValueError(f"expected a number, got {str(value).lower()}")
        return value

    @field_validator("offer_timeout_seconds")
    @classmethod
    def _positive_timeout(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not value > 0:
            raise ValueError("offer_timeout_seconds must be more than 0 (or never)")
        return value

    @model_validator(mode="after")
    def _a_required_disposition_can_be_chosen(self) -> Service:
        # Otherwise no interaction of this service could ever be completed.
        if self.use_dispositions and self.require_disposition and not self.dispositions:
            raise ValueError(
                f"service {self.name!r}: require_disposition is true but it has no "
                "dispositions, so its interactions could never be completed; add dispositions "
                "or set require_disposition: false"
            )
        return self

    @property
    def is_voice(self) -> bool:
        """True for the voice service types."""
        return self.type in {
            ServiceType.inbound_voice,
            ServiceType.outbound_voice,
            ServiceType.blended_voice,
        }

    def find_disposition(self, key: str) -> Disposition | None:
        """The disposition whose id, code or name is ``key`` (the vendor matches all three)."""
        for disposition in self.dispositions:
            if key in (disposition.id, disposition.code, disposition.name):
                return disposition
        return None

    def to_wire(self) -> ServiceData:
        """The ``ServiceData`` adApi returns."""
        from simulator.contract.models import ServiceData

        return ServiceData(
            id=self.id,
            name=self.name,
            use_dispositions=self.use_dispositions,
            require_disposition=self.require_disposition,
        )


class Member(_FileModel):
    """A user of a team other than the simulated agent."""

    id: str
    first_name: str
    last_name: str
    extension: str
    state: TeamMemberState = TeamMemberState.ready

    @property
    def display_name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}"


class TeamDefinition(_FileModel):
    """A team and its members."""

    id: str
    name: str
    supervised: bool = True
    members: list[Member] = []

    def to_wire(self, extra_members: int = 0) -> Team:
        """The ``Team`` adApi returns."""
        from simulator.contract.models import Team

        return Team(
            id=self.id,
            display_name=self.name,
            is_supervised=self.supervised,
            users_count=len(self.members) + extra_members,
        )

    def member_to_wire(self, member: Member) -> TeamMember:
        """A member as ``TeamMember``."""
        from simulator.contract.models import TeamMember

        return TeamMember(
            id=member.id,
            team_id=self.id,
            first_name=member.first_name,
            last_name=member.last_name,
            phone=member.extension,
            state=member.state,
        )


class AgentProfile(_FileModel):
    """The simulated agent."""

    id: str
    """The agent's user id (``agentId``)."""
    login_id: str
    """The login name (``username``)."""
    password: str = "password"
    first_name: str
    last_name: str
    extension: str
    team: str
    """Id of the agent's team."""

    @property
    def display_name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}"


class Tenant(_FileModel):
    """Everything the simulated contact center is configured with."""

    name: str
    host: str
    """The tenant's host name; URLs in payloads start with ``https://<host>``."""
    id: str
    """The tenant GUID (appears in playback URLs)."""
    agent: AgentProfile
    teams: list[TeamDefinition]
    services: list[Service]
    default_outbound_service: str | None = None
    """Name of the service agent-initiated calls use until ``setService`` picks another."""
    not_ready_reasons: list[str] = Field(default_factory=lambda: ["Break", "Lunch"])
    """The configured custom Not Ready reasons; ``not_ready`` requires one of them."""
    no_answer_reason: str = "No Answer"
    """The system Not Ready reason after an unanswered offered interaction."""
    after_call_break_reason: str = "After Call Work"
    """The system Not Ready reason used when the after-call state is Not Ready."""
    dids: list[DIDNumber] = []
    ivr_numbers: list[str] = []
    """Numbers that answer with a self-service IVR when dialled."""

    @model_validator(mode="after")
    def _check_references(self) -> Tenant:
        return self.resolve_references()

    def resolve_references(self) -> Tenant:
        """What validation checks across the file (the agent's team exists, services name
        known teams, what must be unique is (``tenant_unique``), the default outbound service
        exists), services' team names replaced by ids; for a tenant built without validation
        (the built-in one). Raises ``ValueError``."""
        # Each refused at the value (``PlacedError``), the teams it could be listed in order.
        if self.agent.team not in [team.id for team in self.teams]:
            known = ", ".join(f"{team.id} {team.name}" for team in self.teams)
            raise PlacedError(
                ("agent", "team"),
                f"{self.agent.team!r} is not one of the teams: give a team's id ({known})",
            )
        for index, service in enumerate(self.services):
            found = [self.team(team) for team in service.teams]
            if None in found:
                at = found.index(None)
                known = ", ".join(team.name for team in self.teams)
                raise PlacedError(
                    ("services", index, "teams", at),
                    f"no team {service.teams[at]!r}: give a team's id or name ({known})",
                )
            ids = [team.id for team in found if team is not None]
            if ids != service.teams:  # named by name: routing compares ids
                self.services[index] = service.model_copy(update={"teams": ids})
        check_unique(self)  # two teams or extensions alike ...: refused where the second is
        names = [service.name for service in self.services]
        if self.default_outbound_service and self.default_outbound_service not in names:
            raise PlacedError(
                ("default_outbound_service",),
                f"{self.default_outbound_service!r} is not a service"
                f"{suggest(self.default_outbound_service, names)}",
            )
        return self

    def service(self, key: str) -> Service | None:
        """The service whose id or name is ``key``."""
        for service in self.services:
            if key in (service.id, service.name):
                return service
        return None

    def services_of(self, *types: ServiceType) -> list[Service]:
        """Services of the given types, in file order."""
        return [service for service in self.services if service.type in types]

    def team(self, key: str) -> TeamDefinition | None:
        """The team whose id or name is ``key``."""
        return next((team for team in self.teams if key in (team.id, team.name)), None)

    def member_by_phone(self, phone: str) -> tuple[TeamDefinition, Member] | None:
        """The team member whose extension is ``phone``."""
        for team in self.teams:
            for member in team.members:
                if member.extension == phone:
                    return team, member
        return None


def load_tenant(path: str | Path | None = None) -> Tenant:
    """Load and validate a tenant file; the built-in default when ``path`` is None.

    Raises ``InputFileError`` naming the file, line and problem.
    """
    if path is None:
        # The project's own file, proven valid by the tests: no YAML parser, no validation.
        from simulator.data.builtin_tenant import builtin_tenant

        return builtin_tenant()
    if not isinstance(path, str | Path):  # an int would be opened as that file descriptor
        raise TypeError(f"a tenant is a file's path, not {type(path).__name__} {path!r}")
    # PyYAML only for a user's file (its import is a tenth of the window's start).
    import yaml

    from simulator.data.bounded_yaml import (
        NESTED_TOO_DEEPLY,
        TAB_PROBLEM,
        EditorLines,
        FileTooLargeError,
        RefusedValueError,
        TenantLoader,
        is_tab_problem,
        key_node_at,
        node_at,
        not_utf8,
        read_limited,
        unprintable,
        unreadable,
    )

    source = str(path)
    try:
        text = read_limited(path)
    except FileTooLargeError as exc:
        raise InputFileError(source, None, f"{exc}; is this a tenant file?") from None
    except UnicodeDecodeError as exc:
        line, column, message = not_utf8(exc)
        raise InputFileError(source, line, message, column) from None
    except IsADirectoryError:  # as a scenario's tenant: says it
        raise InputFileError(
            source, None, "is a folder: give the tenant file (a .yaml) in it"
        ) from None
    except OSError as exc:
        reason = unreadable(exc, path)
        raise InputFileError(source, None, f"cannot read the tenant file: {reason}") from exc
    # The pure-Python parser, whose messages for broken YAML the docs show.
    lines = EditorLines(text)  # U+2028 ...: YAML's lines are not the editor's
    try:
        loader = TenantLoader(text)  # its reader refuses a control character here
    except yaml.reader.ReaderError as exc:
        line, column, message = unprintable(exc, text)
        raise InputFileError(source, line, message, column) from None
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, column = lines.at(mark.line, mark.column) if mark else (None, None)
        problem = getattr(exc, "problem", None) or str(exc)
        if is_tab_problem(problem):
            problem = TAB_PROBLEM
        elif not isinstance(exc, RefusedValueError):
            problem = f"not valid YAML: {problem}"
            problem += lines.break_before(mark.line) if mark else ""
        raise InputFileError(source, line, problem, column) from None
    except RecursionError:
        raise InputFileError(source, None, NESTED_TOO_DEEPLY) from None
    finally:
        loader.dispose()
    if data is None:  # nothing, blanks or comments only
        raise InputFileError(
            source, 1, "the file is empty: a tenant is a mapping (name:, host:, agent: ...)", 1
        )
    if not isinstance(data, dict):
        raise InputFileError(
            source, 1, "a tenant file must be a mapping (name:, host:, agent: ...)"
        )
    try:
        tenant = Tenant.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        # A misspelt key is the likely cause of the key "missing" beside it: say it first.
        first = relocated(next((e for e in errors if e["type"] == "extra_forbidden"), errors[0]))
        node = node_at(root, first["loc"])
        if first["type"] == "extra_forbidden" and first["loc"]:  # the key, not its value
            node = key_node_at(node_at(root, first["loc"][:-1]), first["loc"][-1]) or node
        line, column = (
            lines.at(node.start_mark.line, node.start_mark.column) if node else (None, None)
        )
        message = error_text(first, Tenant)
        where, _model = place_of(Tenant, first["loc"])
        label = f"{where}: " if where else ""
        written = getattr(node, "value", None)
        value = first["input"]
        if first["type"] == "string_type" and type(value) in (int, float):  # not True/False
            # YAML reads 1001 (and 0123, as octal) as a number; the tenant wants the text.
            message = (
                f'{label}expected text, got the number {written}: write it in quotes ("{written}")'
            )
        elif first["type"] == "string_type" and type(value) is bool:
            # A service or disposition named true or false (Yes, No, On, Off are text).
            message = (
                f"{label}expected text, got {written}, which YAML reads as "
                f'{str(value).lower()}: write it in quotes ("{written}")'
            )
        more = f" ({exc.error_count()} problems in all)" if exc.error_count() > 1 else ""
        raise InputFileError(source, line, f"{message}{more}", column) from None
    from simulator.data.as_written import place_text, retyped, retyped_problem

    changed = retyped(tenant, data)
    if changed:  # ``acw_timeout_seconds: "1_0"`` was 10 seconds
        place, given, value = changed[0]
        node = node_at(root, place)
        line, column = (
            lines.at(node.start_mark.line, node.start_mark.column) if node else (None, None)
        )
        more = f" ({len(changed)} problems in all)" if len(changed) > 1 else ""
        message = retyped_problem(given, value, place_text(place))
        raise InputFileError(source, line, f"{message}{more}", column)
    return tenant
