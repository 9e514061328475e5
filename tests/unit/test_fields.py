"""Field rules of reference section 5: units, shapes, omissions, names."""

from __future__ import annotations

import re

import phonenumbers

from simulator.contract import InteractionData

GUID = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$")


def _one_call(sim, recorder, *, talk=125.7, service="Sales"):
    sim.offer_call(service)
    sim.advance(6)
    sim.accept_interaction()
    sim.set_call_recording(True)
    sim.advance(talk)
    sim.customer_hang_up()
    sim.advance(20)
    sim.set_disposition(
        "FFF0EDE8-A953-5B5F-95BB-B674FE0BC05B"
    )  # by id: the payload carries the name
    sim.add_note("Repeat customer")
    sim.add_note("Wants the blue one")
    sim.complete_interaction()
    return recorder.records()[-1]


def test_times_are_epoch_ms_at_answer_and_wrap_up_and_duration_is_floor_seconds(ready, recorder):
    start = ready.now_ms
    record = _one_call(ready, recorder, talk=125.7)
    assert record["startTime"] == start + 6000
    assert record["endTime"] == start + 6000 + 125_700
    assert record["duration"] == 125
    assert isinstance(record["duration"], int)


def test_disposition_by_name_and_description_joined_by_newlines(ready, recorder):
    record = _one_call(ready, recorder)
    assert record["disposition"] == "Product sold"
    assert record["description"] == "Repeat customer\nWants the blue one"
    assert record["subject"] == ""


def test_numbers_are_digits_only_and_valid(ready, recorder):
    record = _one_call(ready, recorder)
    for key in ("ANI", "DNIS", "phoneNumber"):
        assert record[key].isdigit(), key
    assert phonenumbers.is_valid_number(phonenumbers.parse("+" + record["ANI"]))
    assert record["DNIS"] == "14155550200"
    assert record["callParties"][0]["phone"] == record["ANI"]


def test_ids_and_urls_in_the_vendor_shapes(ready, recorder):
    record = _one_call(ready, recorder)
    assert GUID.match(record["interactionId"])
    assert GUID.match(record["globalInteractionId"])
    assert re.match(
        r"^https://acme\.brightpattern\.com/admin/\?interactionId=[0-9A-F-]{36}$",
        record["recordingUrl"],
    )
    assert re.match(
        r"^https://acme\.brightpattern\.com/agentdesktop/msgplayback\?tenant_id=[0-9A-F-]{36}"
        r"&rtp_processor_id=[0-9A-F-]{36}&message=recordings/acme\.brightpattern\.com/"
        r"\d{4}-\d{2}-\d{2}/[0-9A-F-]{36}&key_id=[0-9A-F-]{36}&CRC=[0-9A-F]{32}$",
        record["playbackUrl"],
    )


def test_no_nulls_in_optional_keys_and_the_model_round_trips(ready, recorder):
    _one_call(ready, recorder)
    for event in recorder.events:
        for arg in event.wire_args:
            if isinstance(arg, dict) and "interactionId" in arg:
                model = InteractionData.model_validate(arg)
                assert model.model_dump(mode="json") == arg
                nulls = [k for k, v in arg.items() if v is None]
                assert nulls == []
                assert arg["associatedObjects"]["selected"] is None  # required, nullable


def test_key_order_follows_the_vendor_page(ready, recorder):
    record = _one_call(ready, recorder)
    order = list(InteractionData.model_fields)
    aliases = [InteractionData.model_fields[name].alias or name for name in order]
    present = [key for key in aliases if key in record]
    assert list(record) == present


def test_recording_url_only_when_recorded_setting(tenant):
    from simulator.engine import EventRecorder, Settings, Simulator

    sim = Simulator(tenant, seed=4, settings=Settings(recording_url="when_recorded"))
    recorder = EventRecorder()
    sim.subscribe(recorder)
    sim.login()
    sim.set_agent_state("ready")
    sim.offer_call("Customer Support")
    sim.accept_interaction()
    assert "recordingUrl" not in recorder.events[-1].wire_args[0]
    sim.set_call_recording(True)
    assert "recordingUrl" in recorder.of("ON_INTERACTION_STATE_CHANGE")[-1].wire_args[0]


def test_routed_origination_and_dnis_settings(tenant):
    from simulator.engine import EventRecorder, Settings, Simulator

    sim = Simulator(
        tenant, seed=4, settings=Settings(routed_origination="omit", inbound_dnis="omit")
    )
    recorder = EventRecorder()
    sim.subscribe(recorder)
    sim.login()
    sim.set_agent_state("ready")
    sim.offer_call("Customer Support")
    new = recorder.of("ON_NEW_INTERACTION")[0].wire_args[0]
    assert "origination" not in new
    assert "DNIS" not in new


def test_outbound_ani_settings(tenant):
    from simulator.engine import EventRecorder, Settings, Simulator

    for setting, expected in (("did", "14155550100"), ("extension", "1001"), ("omit", None)):
        sim = Simulator(tenant, seed=4, settings=Settings(outbound_ani=setting))
        recorder = EventRecorder()
        sim.subscribe(recorder)
        sim.login()
        sim.start_call("4155550134")
        assert recorder.of("ON_NEW_INTERACTION")[0].wire_args[0].get("ANI") == expected


UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def _routed_ids(tenant, style: str) -> list[str]:
    """The ids of a routed call, the colleague's item it is blind-transferred to, and the
    customer's call routed again after a reject, with ``routed_interaction_id`` ``style``."""
    from simulator.engine import EventRecorder, Settings, Simulator

    sim = Simulator(tenant, seed=4, settings=Settings(routed_interaction_id=style))
    omar = sim.center.add_agent("omar")
    recorder = EventRecorder()
    omar.subscribe(recorder)
    for desk in (sim, omar):
        desk.login()
        desk.set_agent_state("ready")
    first = sim.offer_call("Customer Support").data["id"]
    sim.accept_interaction()
    sim.blind_transfer("1002", {"caseId": "1"})
    landed = recorder.of("ON_NEW_INTERACTION")[0].wire_args[0]["interactionId"]
    omar.reject_interaction()  # rings nobody else: jane is in wrap-up
    start = sim.start_call("4155550134").data["id"]
    return [first, landed, start]


def test_routed_interaction_ids_are_server_guids_or_client_uuids(tenant):
    """Reference 5 (conflict, turn 2): the style of a routed item's id is a gap with a setting;
    agent-initiated items get a client uuid either way, and the id stream is the same."""
    server = _routed_ids(tenant, "server")
    client = _routed_ids(tenant, "client")
    assert all(GUID.match(iid) for iid in server[:2])
    assert all(UUID4.match(iid) for iid in client)
    assert UUID4.match(server[2])  # startCall: a client id in both styles
    assert [iid.lower() for iid in server] == client


def test_initial_object_is_associated_with_its_source(ready, recorder):
    record = {"id": "003A", "type": "Contact", "displayName": "Ann Lee", "displayType": "Contact"}
    ready.start_call("+14155550134", record, source="salesforce")
    new = recorder.of("ON_NEW_INTERACTION")[0].wire_args[0]
    assert new["associatedObjects"] == {
        "list": [{**record, "customFields": {}, "source": "salesforce"}],
        "selected": None,
    }


def test_a_bad_associated_object_says_which_field(ready):
    ready.offer_call("Customer Support")
    result = ready.add_interaction_associated_object({"id": "1", "type": "Contact"})
    assert result.error.name == "invalid_args"
    assert "displayName" in result.error.message
    assert "https://" not in result.error.message
