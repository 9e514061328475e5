"""The pytest plugin's message for failures a test did not check names what to read."""

from __future__ import annotations

from simulator.testing.handler_failures import report


def test_failures_outside_any_call_point_at_adsim_incidents() -> None:
    """They are not in ``adsim.failures`` (calls only): the message said reading it counted."""
    text = report([], ["plugin crm: its thread uploader raised: crm.py:6: ValueError: no"])
    assert "reading adsim.incidents counts as checking" in text
    assert "adsim.failures" not in text


def test_failed_calls_point_at_adsim_failures() -> None:
    text = report(["  - #4 ON_SAVE_ACTIVITY_RECORD -> crm:save error"], [])
    assert "reading adsim.failures counts as checking" in text
