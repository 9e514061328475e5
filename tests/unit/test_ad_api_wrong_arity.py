"""An ``ad_api`` method called with arguments it does not take raises ``TypeError`` in the
handler in both isolations, as the method does in adsim's own process.

Before: with process isolation (``adsim run``'s default) the call answered an ``invalid_args``
envelope instead, so a handler that never looked at it passed there (exit 0) while the same
handler failed under the pytest fixtures' thread isolation: one plugin, two verdicts.
"""

from __future__ import annotations

import pytest

from tests.unit.plugin_demo import demo_through

PLUGIN = """
CALLS = {
    "too_many": lambda api: api.set_disposition("Product sold", None, "one too many"),
    "unknown_keyword": lambda api: api.add_note(note="hello", interactionid="x"),
    "missing": lambda api: api.add_note(),
}


def register(ad_api):
    for call in CALLS.values():
        ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity, call=call: call(ad_api))
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: ad_api.get_agent_state().ok)
"""


@pytest.mark.parametrize("isolation", ["process", "thread"])
def test_wrong_arguments_raise_type_error_in_the_handler(tmp_path, isolation):
    host = demo_through(tmp_path, PLUGIN, isolation)
    outcomes = [(o.status, (o.error or "").split(":")[0], o.result) for o in host.outcomes]
    assert outcomes == [
        ("error", "TypeError", None),
        ("error", "TypeError", None),
        ("error", "TypeError", None),
        ("ok", "", True),
    ], host.outcomes
    assert all("crm.py" in o.traceback for o in host.outcomes if o.status == "error")


CAMEL_PLUGIN = """
def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: ad_api.setDisposition("Product sold"))
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: ad_api.add_notes("x"))
"""


@pytest.mark.parametrize("isolation", ["process", "thread"])
def test_a_method_by_its_javascript_name_names_the_python_one(tmp_path, isolation):
    """``ad_api.setDisposition(...)`` (the adApi's name, from a JavaScript integration) said
    only ``'AdApi' object has no attribute 'setDisposition'``."""
    host = demo_through(tmp_path, CAMEL_PLUGIN, isolation)
    errors = [o.error for o in host.outcomes]
    assert errors == [
        "AttributeError: 'AdApi' object has no attribute 'setDisposition' (ad_api's methods are "
        "the adApi's in snake_case: set_disposition)",
        "AttributeError: 'AdApi' object has no attribute 'add_notes' (did you mean add_note?)",
    ], host.outcomes
