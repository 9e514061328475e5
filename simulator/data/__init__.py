"""Realistic data: the tenant directory, customers, ids and URLs in the vendor's formats."""

from simulator.data.customers import (
    Customer,
    CustomerFactory,
    digits_only,
    email_address,
    normalize_phone,
)
from simulator.data.errors import InputFileError
from simulator.data.ids import IdFactory
from simulator.data.tenant import (
    AgentProfile,
    Disposition,
    Member,
    Service,
    ServiceType,
    TeamDefinition,
    Tenant,
    load_tenant,
)

__all__ = [
    "AgentProfile",
    "Customer",
    "CustomerFactory",
    "Disposition",
    "IdFactory",
    "InputFileError",
    "Member",
    "Service",
    "ServiceType",
    "TeamDefinition",
    "Tenant",
    "digits_only",
    "email_address",
    "load_tenant",
    "normalize_phone",
]
