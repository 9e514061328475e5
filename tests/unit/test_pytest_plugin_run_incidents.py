"""A scenario run's plugin failures outside any handler call (a ``close()`` that raised at the
run's end, a plugin process that died) fail it as they fail ``adsim run``: its result said
``passed`` and the test passed, where ``adsim run`` exits 1 with ``1 plugin problem(s)``."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

NO_QT = ("-p", "no:pytest-qt", "-p", "no:cacheprovider")

FLOW = """\
name: sale
steps:
  - call: Sales
  - accept
  - hang_up: customer
  - disposition: Product sold
  - complete
"""

# The batch it flushes at its close fails: only a run that saved a record has one, so the
# adsim fixture's own host (which saw no call) closes cleanly.
CRM = """\
BATCH = []


def save(activity):
    BATCH.append(activity)


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)


def close():
    pending = BATCH[:]
    BATCH.clear()
    if pending:
        raise OSError("flush failed")
"""


def _run(pytester: pytest.Pytester, body: str, isolation: str) -> pytest.RunResult:
    pytester.makefile(".yaml", flow=FLOW)
    pytester.makepyfile(crm=CRM)
    pytester.makepyfile(
        test_flow="import pytest\n"
        "from simulator.testing import assert_scenario_passed\n\n\n"
        f"@pytest.mark.adsim(handlers=['crm.py'], handler_isolation={isolation!r})\n"
        f"def test_flow(adsim_scenario):\n{body}"
    )
    return pytester.runpytest(*NO_QT)


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_a_runs_close_that_raised_fails_its_result(
    pytester: pytest.Pytester, isolation: str
) -> None:
    body = "    result = adsim_scenario('flow.yaml')\n    assert_scenario_passed(result)\n"
    result = _run(pytester, body, isolation)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*FAIL  sale  (*flow.yaml, seed 0)", "*plugin crm: its close() raised: *OSError: flush*"]
    )


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_a_runs_close_that_raised_and_went_unchecked_fails_the_test(
    pytester: pytest.Pytester, isolation: str
) -> None:
    result = _run(pytester, "    adsim_scenario('flow.yaml')\n", isolation)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*handler plugin failure(s) outside any call during this test*",
            "*- scenario flow.yaml: plugin crm: its close() raised: *OSError: flush failed",
        ]
    )


def test_reading_the_verdict_checks_them(pytester: pytest.Pytester) -> None:
    body = "    result = adsim_scenario('flow.yaml')\n    assert result.exit_code == 1\n"
    _run(pytester, body, "thread").assert_outcomes(passed=1)
