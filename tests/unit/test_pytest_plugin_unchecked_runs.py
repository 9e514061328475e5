"""A scenario run that failed (an expectation not met, a step the engine refused) fails the test
that ran it and never read its verdict: ``adsim_scenario("flow.yaml")`` with no assertion
passed, as ``adsim run flow.yaml`` would not have."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

NO_QT = ("-p", "no:pytest-qt", "-p", "no:cacheprovider")

FLOW = """\
name: {name}
steps:
  - call: Sales
  - accept
  - wait: 10s
  - hang_up: customer
  - disposition: Product sold
  - complete
  - expect:
      event: ON_SAVE_ACTIVITY_RECORD
      payload: {{disposition: {disposition}}}
"""


def _run(pytester, body: str, disposition: str = "Service call"):
    pytester.makefile(".yaml", flow=FLOW.format(name="sale", disposition=disposition))
    pytester.makepyfile(f"def test_flow(adsim_scenario):\n{body}")
    return pytester.runpytest(*NO_QT)


def test_a_failed_run_the_test_did_not_check_fails_it(pytester):
    result = _run(pytester, "    adsim_scenario('flow.yaml')\n")
    result.assert_outcomes(passed=1, errors=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_flow*",
            "*adsim: 1 scenario run(s) failed during this test, and the test did not check them:",
            "FAIL  sale  (*flow.yaml, seed 0)",
            "*flow.yaml:9:5: expected at least 1 ON_SAVE_ACTIVITY_RECORD with disposition "
            '"Service call"; 0 came.*',
            "Check each run: assert_scenario_passed(result)*",
        ]
    )


def test_a_refused_step_the_test_did_not_check_fails_it(pytester):
    pytester.makefile(".yaml", flow="name: x\nsteps:\n  - accept\n")
    pytester.makepyfile("def test_flow(adsim_scenario):\n    adsim_scenario('flow.yaml')\n")
    result = pytester.runpytest(*NO_QT)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["ERROR  x  (*flow.yaml, seed 0)"])


@pytest.mark.parametrize(
    "body",
    [
        "    assert not adsim_scenario('flow.yaml').passed\n",
        "    assert adsim_scenario('flow.yaml').exit_code == 1\n",
        "    assert len(adsim_scenario('flow.yaml').failures) == 1\n",
        "    assert adsim_scenario('flow.yaml').error is None\n",
    ],
)
def test_reading_the_verdict_checks_the_run(pytester, body):
    _run(pytester, body).assert_outcomes(passed=1)


def test_a_run_that_passed_needs_no_check(pytester):
    _run(pytester, "    adsim_scenario('flow.yaml')\n", "Product sold").assert_outcomes(passed=1)


def test_a_test_that_failed_on_its_own_gets_no_second_error(pytester):
    result = _run(pytester, "    adsim_scenario('flow.yaml')\n    assert False, 'mine'\n")
    result.assert_outcomes(failed=1)
    assert "scenario run(s) failed" not in result.stdout.str()
