"""Customers who call, chat and email: names and companies from Faker's data, numbers from
fictional ranges, email addresses on reserved domains.

A new customer is on the hot path (a README-style flow draws one per call), so Faker's own
methods (weighted draws through its generator: tens of microseconds each) are not called per
customer: the names, last names and company formats of the locale's Faker providers are read once
per process and drawn with the factory's seeded ``random.Random``. Numbers come from the fictional
ranges of ``simulator.data.numbers`` (US 555-0100 to 0199 ...), email addresses use only domains
reserved for examples and tests (RFC 2606: ``example.com``, ``example.net``, ``example.org`` and
``.test``), so generated data can never reach a real person. ``phonenumbers`` parsing is cached.
Faker is pinned: its data changes between releases.

Faker and ``phonenumbers`` are imported on first use, not with this module: together they are
about half the engine's import time, and a session that has not yet drawn a customer (the window
at start, a login, going Ready) never needs them. The default locale's tables come from a
committed copy of Faker's (``simulator.data.faker_tables``) while the installed Faker is the
release they were read from, so a US customer needs neither. Drawing is unchanged by when or
where the tables are read: reading them draws nothing from the factory's seeded generator.
"""

from __future__ import annotations

import functools
import random
import re
from bisect import bisect
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from simulator.data.numbers import fictional_number
from simulator.data.texts import Conversation

if TYPE_CHECKING:
    from faker import Faker

__all__ = [
    "EMAIL_DOMAINS",
    "Customer",
    "CustomerFactory",
    "digits_only",
    "email_address",
    "normalize_phone",
]

_MAX_DRAWS = 50
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")
"""Domains reserved for examples (RFC 2606); company addresses use ``<company>.test``."""
_NON_DIGIT = re.compile(r"\D")
_NOT_LOCAL = re.compile(r"[^a-z0-9.]")


def digits_only(number: str) -> str:
    """The number as the widget sends it: digits only (``digitizePhone``)."""
    return _NON_DIGIT.sub("", number)


@functools.lru_cache(maxsize=4096)
def normalize_phone(number: str, region: str = "US") -> str | None:
    """E.164 digits (no ``+``) of a dialled number, or None when it is not a valid number
    (cached: the same numbers are dialled again and again)."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)[1:]


def email_address(first_name: str, last_name: str, domain: str) -> str:
    """``first.last@domain``, lower case, letters, digits and dots only."""
    local = _NOT_LOCAL.sub("", f"{first_name}.{last_name}".lower()).strip(".")
    return f"{local or 'customer'}@{domain}"


@functools.lru_cache(maxsize=1024)
def _display(phone: str) -> str:
    import phonenumbers

    parsed = phonenumbers.parse("+" + phone)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


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
        return _display(self.phone)


_Pool = tuple[tuple[str, ...], tuple[float, ...] | None, float]
"""Values, their cumulative weights (None: equally likely) and the total weight."""


def _weighted(values: Any) -> _Pool:
    """Faker's data as a pool: a mapping carries weights, a list not."""
    if isinstance(values, dict):
        cumulative = tuple(accumulate(float(w) for w in values.values()))
        return tuple(values), cumulative, cumulative[-1]
    return tuple(values), None, float(len(values))


@dataclass(frozen=True)
class _LocaleData:
    """What a customer is drawn from, read once per locale from Faker's providers."""

    first: _Pool
    last: _Pool
    company_formats: tuple[tuple[str, ...], ...]
    """Each company format split into literal text and ``{{token}}`` names, alternating."""
    suffixes: tuple[str, ...]


_TOKEN = re.compile(r"\{\{(\w+)\}\}")


@functools.cache
def _locale_data(locale: str) -> _LocaleData:
    from simulator.data.faker_tables import committed_tables, faker_tables

    # The committed copy of Faker's tables when it matches the installed Faker: the same data
    # without importing Faker (a third of ``adsim demo``'s start-up).
    tables = committed_tables(locale) or faker_tables(locale)
    return _LocaleData(
        _weighted(tables["first"]),
        _weighted(tables["last"]),
        tuple(tuple(_TOKEN.split(text)) for text in tables["company_formats"]),
        tuple(tables["suffixes"]),
    )


class CustomerFactory:
    """Draws reproducible customers from a seed: the same seed gives the same customers."""

    def __init__(self, seed: int, locale: str = "en_US", region: str = "US"):
        self._seed = seed
        self._locale = locale
        self._rng = random.Random(f"customers:{seed}")
        self._region = region
        self._faker: Faker | None = None

    @property
    def _data(self) -> _LocaleData:
        """The locale's tables, read from Faker on the first customer (not at construction:
        an engine that never draws a customer never imports Faker)."""
        return _locale_data(self._locale)

    def _pick(self, pool: _Pool) -> str:
        values, cumulative, total = pool
        if cumulative is None:
            return values[int(self._rng.random() * total)]
        # random.choices(cum_weights=...) without its list and argument checks: a hot path.
        return values[bisect(cumulative, self._rng.random() * total, 0, len(values) - 1)]

    def _faker_instance(self) -> Faker:
        """Faker itself, for what its data tables do not cover (built on first use)."""
        if self._faker is None:
            from faker import Faker

            self._faker = Faker(self._locale)
            self._faker.seed_instance(self._seed)
        return self._faker

    def phone(self) -> str:
        """A phone number of the region, E.164 digits: from a fictional range where the region
        has one (US: 555-0100 to 0199 behind a geographic area code)."""
        number = fictional_number(self._region, self._rng)
        if number is not None:
            return number
        faker = self._faker_instance()
        for _ in range(_MAX_DRAWS):
            number = normalize_phone(faker.phone_number(), self._region)
            if number is not None:
                return number
        # A locale whose patterns are never valid: fall back to the library's example number.
        import phonenumbers

        example = phonenumbers.example_number(self._region)
        if example is None:
            raise ValueError(f"no phone number can be made for region {self._region!r}")
        return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)[1:]

    def company(self) -> str:
        """A company name in one of the locale's formats (``Lee, Diaz and Moss``)."""
        parts = self._data.company_formats[
            int(self._rng.random() * len(self._data.company_formats))
        ]
        out = []
        for index, part in enumerate(parts):
            if index % 2 == 0:
                out.append(part)
            elif part == "last_name":
                out.append(self._pick(self._data.last))
            elif part == "first_name":
                out.append(self._pick(self._data.first))
            elif part == "company_suffix":
                out.append(self._data.suffixes[int(self._rng.random() * len(self._data.suffixes))])
            else:  # a token this table does not know: ask Faker
                out.append(str(getattr(self._faker_instance(), part)()))
        return "".join(out)

    def customer(self) -> Customer:
        """A new customer."""
        first = self._pick(self._data.first)
        last = self._pick(self._data.last)
        company = self.company()
        rng = self._rng
        if rng.random() < 0.7:
            domain = EMAIL_DOMAINS[int(rng.random() * len(EMAIL_DOMAINS))]
        else:
            slug = _NOT_LOCAL.sub("", company.split(",")[0].split(" ")[0].lower()) or "company"
            domain = f"{slug}.test"
        return Customer(
            first_name=first,
            last_name=last,
            phone=self.phone(),
            email=email_address(first, last, domain),
            company=company,
        )

    def conversation(self) -> Conversation:
        """A topic for an interaction, with its values drawn."""
        return Conversation.draw(self._rng)

    def chat_opening(self) -> tuple[Conversation, str]:
        """A chat's first line, with its topic (for the customer's later lines on it)."""
        conversation = self.conversation()
        return conversation, conversation.opening(self._rng)

    def chat_line(self, conversation: Conversation | None) -> str:
        """A later line of the customer's in a chat on ``conversation`` (None: any topic)."""
        if conversation is None:
            return self.sentence()
        return conversation.customer_line(self._rng)

    def sentence(self) -> str:
        """A line a customer might write in a chat."""
        conversation = self.conversation()
        if self._rng.random() < 0.5:
            return conversation.opening(self._rng)
        return conversation.customer_line(self._rng)

    def paragraph(self) -> str:
        """An email body a customer might send."""
        return self.conversation().email_body(self._rng, self._pick(self._data.first))

    def email(self, name: str) -> tuple[str, str]:
        """An email a customer named ``name`` (a first name) might send: its subject and its
        body, on one topic, signed with that name."""
        conversation = self.conversation()
        return conversation.subject(), conversation.email_body(self._rng, name)
