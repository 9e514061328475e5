"""Generated data looks real and is safe: fictional numbers, reserved email domains, notes that
fit the interaction, dispositions chosen by outcome (issue 14)."""

from __future__ import annotations

import random
import re

import phonenumbers
import pytest

from simulator.data import CustomerFactory, load_tenant
from simulator.data.customers import EMAIL_DOMAINS
from simulator.data.numbers import FICTIONAL_RANGES, fictional_prefixes
from simulator.data.texts import TOPICS, Conversation, choose_disposition, is_no_contact
from simulator.scenarios.generate import generate_records


def _reserved(email: str) -> bool:
    domain = email.rsplit("@", 1)[1]
    return domain in EMAIL_DOMAINS or domain.endswith(".test")


def test_us_customers_call_from_the_fictional_555_01xx_block_behind_geographic_area_codes():
    factory = CustomerFactory(7)
    area_codes = set()
    for _ in range(500):
        customer = factory.customer()
        assert re.fullmatch(r"1[2-9]\d{2}55501\d{2}", customer.phone), customer.phone
        parsed = phonenumbers.parse("+" + customer.phone)
        assert phonenumbers.is_valid_number(parsed)
        assert phonenumbers.number_type(parsed) is not phonenumbers.PhoneNumberType.TOLL_FREE
        assert _reserved(customer.email), customer.email
        area_codes.add(customer.phone[1:4])
    assert len(area_codes) > 10


@pytest.mark.parametrize("region", sorted(FICTIONAL_RANGES))
def test_every_documented_fictional_range_is_valid_and_geographic(region):
    assert fictional_prefixes(region) == FICTIONAL_RANGES[region]


def test_other_regions_use_their_fictional_ranges():
    gb = CustomerFactory(3, "en_GB", "GB")
    for _ in range(50):
        phone = gb.customer().phone
        assert phone[:9] in ("442079460", "441134960", "441614960"), phone
    au = CustomerFactory(3, "en_AU", "AU").customer().phone
    assert au.startswith(("6125550", "6137010"))


def test_a_region_without_a_fictional_range_still_gets_valid_numbers():
    customer = CustomerFactory(3, "de_DE", "DE").customer()
    assert phonenumbers.is_valid_number(phonenumbers.parse("+" + customer.phone))
    assert _reserved(customer.email)


def test_customers_are_reproducible_and_varied():
    first = [CustomerFactory(5).customer() for _ in range(1)]
    again = [CustomerFactory(5).customer() for _ in range(1)]
    assert first == again
    many = CustomerFactory(5)
    assert len({many.customer().name for _ in range(200)}) > 150


def test_dispositions_are_chosen_by_outcome():
    tenant = load_tenant()
    rng = random.Random(1)
    for service in tenant.services:
        for _ in range(100):
            talked = choose_disposition(service.dispositions, True, rng)
            assert talked is None or not is_no_contact(talked.name)
            nobody = choose_disposition(service.dispositions, False, rng)
            assert nobody is None or nobody.type.value in ("FAILURE", "CONTINUE")
    sales = tenant.service("Sales")
    assert sales is not None
    picked = {choose_disposition(sales.dispositions, True, rng).name for _ in range(300)}
    assert "Answering machine" not in picked and "Product sold" in picked
    assert {choose_disposition(sales.dispositions, False, rng).name for _ in range(50)} == {
        "Answering machine"
    }


def _templates() -> list[re.Pattern[str]]:
    patterns = []
    for topic in TOPICS:
        for notes in topic.notes.values():
            for note in notes:
                pattern = re.escape(note)
                pattern = re.sub(r"\\\{\w+\\\}", ".+", pattern)
                patterns.append(re.compile(pattern))
    return patterns


def test_generated_records_have_notes_that_fit_and_no_lorem():
    notes = _templates()
    no_contact = re.compile(r"No answer; will retry later\.|Reached voicemail.*|Number rang out\.")
    records = list(generate_records(300, seed=4))
    described = [r for r in records if "description" in r]
    assert len(described) > 50
    for record in described:
        for line in record["description"].split("\n"):
            assert any(p.fullmatch(line) for p in notes) or no_contact.fullmatch(line), line
    for record in records:
        if record.get("callDirection") == "inbound" and record.get("duration"):
            assert not is_no_contact(record.get("disposition", "")), record
        if "email" in record:
            assert _reserved(record["email"])


def test_a_conversation_names_the_same_order_everywhere():
    rng = random.Random(2)
    for _ in range(50):
        talk = Conversation.draw(rng)
        order = talk.values["order"]
        texts = [talk.subject(), talk.email_body(rng, "Ann"), talk.note(None, True, rng)]
        numbers = {n for text in texts for n in re.findall(r"\b\d{6}\b", text)}
        assert numbers <= {order}


_GUID = re.compile(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")


def test_the_built_in_tenant_uses_the_vendors_guid_ids():
    tenant = load_tenant()
    ids = [tenant.id, tenant.agent.id]
    ids += [team.id for team in tenant.teams] + [m.id for t in tenant.teams for m in t.members]
    ids += [service.id for service in tenant.services]
    ids += [d.id for service in tenant.services for d in service.dispositions]
    ids += [did.id for did in tenant.dids]
    bad = [value for value in ids if not _GUID.fullmatch(value)]
    assert not bad


def test_generated_sessions_take_human_sub_second_times():
    records = [r for r in generate_records(100, seed=9) if "startTime" in r and "endTime" in r]
    assert sum(1 for r in records if r["startTime"] % 1000) > len(records) // 2
    for record in records:
        assert record["duration"] == (record["endTime"] - record["startTime"]) // 1000


def test_a_region_without_any_usable_number_is_named_not_a_crash_inside_phonenumbers(monkeypatch):
    """No fictional range, no valid Faker number, no example number: the error names the
    region (it was an AttributeError from inside ``phonenumbers``)."""
    from simulator.data import customers

    monkeypatch.setattr(customers, "fictional_number", lambda region, rng: None)
    monkeypatch.setattr(customers, "normalize_phone", lambda number, region="US": None)
    monkeypatch.setattr(phonenumbers, "example_number", lambda region: None)
    with pytest.raises(ValueError, match="region 'US'"):
        CustomerFactory(7).phone()
