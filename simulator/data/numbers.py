"""Caller numbers from ranges set aside for fiction, so generated data never rings a real person.

Where the numbering plan has such a range, a customer's number is drawn from it, behind a real
geographic area code (never toll-free, premium or non-geographic):

- US and Canada (NANP): ``NPA-555-0100`` to ``NPA-555-0199``, the block the North American
  Numbering Plan Administrator reserves for fictional use;
- United Kingdom: Ofcom's drama ranges ``020 7946 0000-0999`` (London), ``0113 496 0000-0999``
  (Leeds), ``0161 496 0000-0999`` (Manchester);
- Australia: ACMA's fictitious ranges ``02 5550 xxxx`` and ``03 7010 xxxx``.

Every block is a valid geographic number for ``phonenumbers`` (``fictional_prefixes`` checks it,
and a test runs the check for every region), so drawing from it needs neither ``phonenumbers`` nor
Faker: importing them is a fifth of ``adsim demo``'s start-up. A region without a fictional range
falls back to valid numbers drawn by Faker (``phonenumbers`` checks each one).
"""

from __future__ import annotations

import functools
import random

__all__ = ["FICTIONAL_RANGES", "fictional_number", "fictional_prefixes"]

_NANP_US = (
    "201", "202", "206", "212", "213", "214", "303", "305", "312", "313", "404", "407",
    "415", "469", "503", "512", "602", "615", "617", "702", "704", "713", "720", "801",
    "808", "818", "904", "916", "919", "971",
)  # fmt: skip
_NANP_CA = ("403", "416", "514", "604", "613", "902")

FICTIONAL_RANGES: dict[str, tuple[tuple[str, int], ...]] = {
    # (E.164 digits before the drawn part, how many digits are drawn)
    "US": tuple((f"1{npa}55501", 2) for npa in _NANP_US),
    "CA": tuple((f"1{npa}55501", 2) for npa in _NANP_CA),
    "GB": (("442079460", 3), ("441134960", 3), ("441614960", 3)),
    "AU": (("6125550", 4), ("6137010", 4)),
}
"""Per region: the fictional blocks, as E.164 prefixes and the number of digits drawn after."""


@functools.cache
def fictional_prefixes(region: str) -> tuple[tuple[str, int], ...]:
    """The region's fictional blocks that ``phonenumbers`` takes as valid geographic numbers
    (all of them: ``tests/unit/test_data_realism.py`` checks it with the installed release)."""
    import phonenumbers

    kept = []
    for prefix, width in FICTIONAL_RANGES.get(region.upper(), ()):
        sample = phonenumbers.parse("+" + prefix + "0" * width)
        kind = phonenumbers.number_type(sample)
        geographic = kind in (
            phonenumbers.PhoneNumberType.FIXED_LINE,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        )
        if phonenumbers.is_valid_number(sample) and geographic:
            kept.append((prefix, width))
    return tuple(kept)


def fictional_number(region: str, rng: random.Random) -> str | None:
    """A number from one of the region's fictional blocks (E.164 digits), or None when the
    region has none."""
    blocks = FICTIONAL_RANGES.get(region.upper(), ())
    if not blocks:
        return None
    prefix, width = rng.choice(blocks)
    return prefix + str(rng.randrange(10**width)).zfill(width)
