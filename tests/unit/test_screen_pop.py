"""Scenario variables in web screen pops are filled in before the integration sees the pop, as
the vendor's Web Screen Pop block does (issue 14); a setting keeps them literal."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from simulator.contract import EventName
from simulator.engine import EventRecorder, Settings, Simulator
from simulator.engine.screen_pop import fill_screen_pop, substitute


def _pop(sim: Simulator, recorder, **offer):
    sim.login()
    sim.set_agent_state("ready")
    iid = sim.offer_call("Customer Support", **offer).data["id"]
    sim.advance(2)
    sim.accept_interaction(iid)  # Customer Support pops upon answer
    (event,) = recorder.of(EventName.ON_WEB_SCREEN_POP_CUSTOM)
    return sim.interaction(iid), event.wire_args[1]


def test_the_built_in_pop_url_carries_the_callers_number(sim, recorder):
    inter, pop = _pop(sim, recorder)
    assert "$(" not in pop["url"]
    query = parse_qs(urlsplit(pop["url"]).query)
    assert query == {"phone": [inter.ani]}
    assert inter.ani and inter.ani.isdigit()


def test_literal_keeps_the_template(tenant, recorder):
    sim = Simulator(tenant, seed=7, settings=Settings(screen_pop_variables="literal"))
    sim.subscribe(recorder)
    _inter, pop = _pop(sim, recorder)
    assert pop["url"] == "https://crm.example.com/search?phone=$(item.from)"


def test_every_variable(sim, recorder):
    inter, _pop_wire = _pop(sim, recorder, attached_data={"order": "A 1&2"})
    from simulator.engine.screen_pop import variables_of

    values = variables_of(inter, sim.tenant.agent)
    assert values["item.from"] == inter.ani
    assert values["item.DNIS"] == values["item.to"] == "14155550100"
    assert values["item.customerPhone"] == inter.customer.phone
    assert values["item.globalInteractionId"] == inter.global_interaction_id
    assert values["item.serviceName"] == "Customer Support"
    assert values["user.loginId"] == "jane.agent"
    template = {
        "url": "https://crm.test/x?o=$(order)&a=$(user.loginId)&g=$(item.globalInteractionId)",
        "content": "Caller $(item.from) about $(order)$(unset.variable)",
        "label": "$(user.firstName) $(user.lastName)",
        "secondaryUrls": {"0": {"label": "$(order)", "url": "https://crm.test/$(order)"}},
    }
    filled = fill_screen_pop(template, values)
    assert filled["url"] == (
        f"https://crm.test/x?o=A%201%262&a=jane.agent&g={inter.global_interaction_id}"
    )
    assert filled["content"] == f"Caller {inter.ani} about A 1&2"
    assert filled["label"] == "Jane Agent"
    assert filled["secondaryUrls"] == {"0": {"label": "A 1&2", "url": "https://crm.test/A%201%262"}}


def test_chats_and_emails_pop_with_the_customers_address():
    values = {"item.from": "bo.chen@example.com"}
    assert substitute("mailto:$(item.from)", values, url=True) == "mailto:bo.chen%40example.com"
    assert substitute("From $(item.from)", values) == "From bo.chen@example.com"


def test_user_variables_name_the_agent_whose_desktop_pops(tenant):
    """``$(user.loginId)`` ... are the agent the interaction was delivered to: on Omar's
    desktop, Omar (they were filled in with the tenant's agent, Jane, whoever answered)."""
    services = [
        s.model_copy(
            update={
                "web_screen_pop": s.web_screen_pop.model_copy(
                    update={
                        "url": "https://crm.test/agent?login=$(user.loginId)",
                        "label": "$(user.firstName) $(user.lastName)",
                    }
                )
            }
        )
        if s.name == "Customer Support"
        else s
        for s in tenant.services
    ]
    sim = Simulator(tenant.model_copy(update={"services": services}), seed=7)
    omar = sim.center.add_agent("omar")
    recorder = EventRecorder()
    omar.subscribe(recorder)
    sim.login()  # Jane stays Not Ready: the call goes to Omar
    omar.login()
    omar.set_agent_state("ready")
    iid = sim.offer_call("Customer Support").data["id"]
    assert omar.accept_interaction(iid).ok
    (event,) = recorder.of(EventName.ON_WEB_SCREEN_POP_CUSTOM)
    pop = event.wire_args[1]
    assert pop["url"] == f"https://crm.test/agent?login={omar.profile.login_id}"
    assert pop["label"] == "Omar Haddad"
