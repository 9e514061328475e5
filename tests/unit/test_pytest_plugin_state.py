"""What a test reads of its handler's state, and what it is told when that misleads it: an
``ad_api`` an earlier test's ``register()`` gave, kept in a global and called in a later test,
acts on nothing and says so (it acted on the stopped simulator and answered success, or said
only ``the simulator has stopped``)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

NO_QT = ("-p", "no:pytest-qt", "-p", "no:cacheprovider")

KEPT = (
    "api_not_answer*: this ad_api's handler host was closed (its run ended; under pytest, the "
    "test whose adsim loaded the plugin ended), so the call does nothing. An ad_api kept from "
    "an earlier register() call acts on nothing: use the one the latest register(ad_api) gave "
    "(under pytest, register() runs again for each adsim fixture)*"
)


@pytest.mark.parametrize("where", ["handler", "test"])
def test_an_ad_api_kept_from_an_earlier_test_says_it_acts_on_nothing(pytester, where):
    """From a handler of the later test it said ``set_disposition: the simulator has stopped``;
    from the test itself (the simulation's thread) it set the earlier test's stopped desktop
    Ready and answered success."""
    pytester.makeini("[pytest]\nadsim_handlers = crm_handler.py\n")
    pytester.makepyfile(
        crm_handler=(
            "API = None\nRESULTS = []\n\n\ndef on_new(interaction):\n"
            "    RESULTS.append(API.set_disposition('Product sold'))\n\n\n"
            "def register(ad_api):\n    global API\n    if API is None:\n        API = ad_api\n"
            "    ad_api.on('ON_NEW_INTERACTION', on_new)\n"
        )
    )
    later = (
        "    adsim.offer_call('Sales')\n    result = crm_handler.RESULTS[-1]\n"
        if where == "handler"
        else "    result = crm_handler.API.set_agent_state('not_ready')\n"
    )
    pytester.makepyfile(
        test_crm=(
            "import crm_handler\n\n\ndef test_a(adsim):\n    adsim.login()\n"
            "    adsim.set_agent_state('ready')\n    adsim.offer_call('Sales')\n"
            "    assert crm_handler.RESULTS[-1].status == 'success'\n\n\n"
            "def test_b(adsim):\n    adsim.login()\n    adsim.set_agent_state('ready')\n"
            f"{later}    print(result.status, result.error.name, result.error.message)\n"
        )
    )
    result = pytester.runpytest(*NO_QT, "-s")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([f"*error {KEPT}"])
