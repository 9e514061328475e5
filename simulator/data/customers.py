"""Customers who call, chat and email: Faker names and companies, phone numbers valid per
``phonenumbers``.

Faker has no E.164 generator and many of its numbers are not valid, so each number is parsed and
validated with ``phonenumbers`` and redrawn until it is. Faker is pinned: its seeded output changes
between releases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from faker import Faker

__all__ = ["Customer", "CustomerFactory", "digits_only", "email_address", "normalize_phone"]

_MAX_DRAWS = 50


def digits_only(number: str) -> str:
    """The number as the widget sends it: digits only (``digitizePhone``)."""
    return re.sub(r"\D", "", number)


def normalize_phone(number: str, region: str = "US") -> str | None:
    """E.164 digits (no ``+``) of a dialled number, or None when it is not a valid number."""
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)[1:]


def email_address(first_name: str, last_name: str, domain: str) -> str:
    """``first.last@domain``, lower case, letters, digits and dots only."""
    local = re.sub(r"[^a-z0-9.]", "", f"{first_name}.{last_name}".lower()).strip(".")
    return f"{local or 'customer'}@{domain}"


@dataclass(frozen=True, slots=True)
class Customer:
    """A person on the other side of an interaction."""

    first_name: str
    last_name: str
    phone: str
    """E.164 without the ``+``: digits only, as on the wire."""
    email: str
    company: str

    @property
    def name(self) -> str:
        """Full display name."""
        return f"{self.first_name} {self.last_name}"

    @property
    def phone_display(self) -> str:
        """The number formatted for people (international format)."""
        parsed = phonenumbers.parse("+" + self.phone)
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class CustomerFactory:
    """Draws reproducible customers from a seed."""

    def __init__(self, seed: int, locale: str = "en_US", region: str = "US"):
        self._faker = Faker(locale)
        self._faker.seed_instance(seed)
        self._region = region

    def phone(self) -> str:
        """A valid phone number of the region, E.164 digits."""
        for _ in range(_MAX_DRAWS):
            number = normalize_phone(self._faker.phone_number(), self._region)
            if number is not None:
                return number
        # A locale whose patterns are never valid: fall back to the library's example number.
        example = phonenumbers.example_number(self._region)
        return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)[1:]

    def customer(self) -> Customer:
        """A new customer."""
        first = self._faker.first_name()
        last = self._faker.last_name()
        company = self._faker.company()
        domain = self._faker.free_email_domain()
        return Customer(
            first_name=first,
            last_name=last,
            phone=self.phone(),
            email=email_address(first, last, domain),
            company=company,
        )

    def sentence(self) -> str:
        """A line a customer might write."""
        return self._faker.sentence(nb_words=10)

    def paragraph(self) -> str:
        """A paragraph for an email body."""
        return self._faker.paragraph(nb_sentences=4)
