"""A handler that fails during a test fails the test at its teardown (pytest-qt's rule for
exceptions in Qt virtual methods), unless the test checked ``adsim.failures``, expected the
failure or allowed it: a test passed while the integration's handler raised."""

from __future__ import annotations

import fnmatch

import pytest

pytest_plugins = ["pytester"]

NO_QT = ("-p", "no:pytest-qt", "-p", "no:cacheprovider")

HANDLER = """
def register(ad_api):
    def lookup(interaction):
        if interaction.service == "Sales":
            raise ValueError("crm down")

    ad_api.on("ON_NEW_INTERACTION", lookup)
"""

CALL = """
def ring(desk, service="Sales"):
    desk.login()
    desk.set_agent_state("ready")
    desk.offer_call(service)
"""


def _gate_timers(monkeypatch, gate):
    """The plugin's terminal timers never fire by themselves: ``gate.go_off()`` fires the last
    one made, and ``gate.afters`` are their delays (the test's plugin module reads ``gate`` as
    ``adsim_gate``)."""
    import sys

    from simulator.testing import terminal

    class Timer:
        def __init__(self, after, function):
            gate.afters.append(after)
            gate.go_off = function

        def start(self):
            pass

        def cancel(self):
            pass

    monkeypatch.setitem(sys.modules, "adsim_gate", gate)
    monkeypatch.setattr(terminal, "Timer", Timer)


def run(pytester, test, *args):
    pytester.makepyfile(crm=HANDLER)
    pytester.makepyfile(CALL + test)
    return pytester.runpytest(*NO_QT, "--adsim-handler", "crm.py", *args)


def test_a_handler_that_raised_fails_a_test_that_did_not_check(pytester):
    result = run(pytester, "def test_sale(adsim):\n    ring(adsim)\n")
    result.assert_outcomes(passed=1, errors=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_sale*",
            "*adsim: 1 handler call(s) failed during this test, and the test did not check them:",
            "*#* ON_NEW_INTERACTION -> crm:*lookup error in * ms: ValueError: crm down "
            "(at crm.py:4)",
            "*Traceback (most recent call last):",
            '*File "*crm.py", line 4, in lookup',
            "*ValueError: crm down",
            "*expect them (with adsim.expect_handler_failure(): ...)*",
        ]
    )
    assert "dispatch.py" not in result.stdout.str()  # the frames above the handler's: noise


def test_a_test_without_handler_failures_passes(pytester):
    result = run(pytester, "def test_support(adsim):\n    ring(adsim, 'Customer Support')\n")
    result.assert_outcomes(passed=1)


@pytest.mark.parametrize(
    "check",
    [
        "assert [o.status for o in adsim.failures] == ['error']",
        "assert len(adsim.failures) == 1",
        "assert adsim.failures",
    ],
)
def test_a_test_that_read_adsim_failures_decides_itself(pytester, check):
    run(pytester, f"def test_sale(adsim):\n    ring(adsim)\n    {check}\n").assert_outcomes(
        passed=1
    )


def test_assert_failures_empty_still_fails_with_its_own_message(pytester):
    test = "def test_sale(adsim):\n    ring(adsim)\n    assert adsim.failures == []\n"
    result = run(pytester, test)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*1 failed handler call(s)] == []*"])
    assert "did not check them" not in result.stdout.str()


def test_a_failure_after_the_check_still_fails_the_test(pytester):
    test = """
def test_two_calls(adsim):
    ring(adsim, "Customer Support")
    assert adsim.failures == []
    adsim.accept_interaction()
    adsim.leave_interaction()
    adsim.complete_interaction()
    adsim.offer_call("Sales")
"""
    result = run(pytester, test)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*ValueError: crm down (at crm.py:4)"])


def test_another_agents_failure_counts_and_its_own_failures_check_it(pytester):
    test = """
def test_omar_unchecked(adsim):
    ring(adsim.agent("omar"))

def test_omar_expected(adsim):
    omar = adsim.agent("omar")
    with omar.expect_handler_failure(match="crm down"):
        ring(omar)

def test_omar_checked(adsim):
    omar = adsim.agent("omar")
    ring(omar)
    assert len(omar.failures) == 1
    assert adsim.failures == []
"""
    result = run(pytester, test)
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(["*  - adsim.agent('omar'): #* ON_NEW_INTERACTION -> crm:*"])


def test_expect_handler_failure_takes_the_failures_of_its_block(pytester):
    test = """
import pytest

def test_expected(adsim):
    with adsim.expect_handler_failure(status="error", match="crm d.wn") as failed:
        ring(adsim)
    assert [o.error for o in failed] == ["ValueError: crm down"]

def test_none_failed(adsim):
    with adsim.expect_handler_failure():
        ring(adsim, "Customer Support")

def test_not_that_one(adsim):
    with adsim.expect_handler_failure(status="timeout"):
        ring(adsim)

def test_a_wrong_status(adsim):
    with pytest.raises(ValueError, match="one of error, timeout, junk, crashed"):
        with adsim.expect_handler_failure(status="raised"):
            pass
"""
    result = run(pytester, test)
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*test_none_failed*",
            "*AssertionError: adsim.expect_handler_failure(): expected a handler call to fail: "
            "every handler call in it returned normally",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*AssertionError: adsim.expect_handler_failure(): expected a handler call to fail "
            "(timeout). The calls that failed in it:",
            "*ValueError: crm down*",
        ]
    )


@pytest.mark.parametrize(
    ("marker", "ini"),
    [
        ('@pytest.mark.adsim(handler_failures="allow")', ""),
        ('pytestmark = pytest.mark.adsim(handler_failures="allow")', ""),
        ("", "adsim_handler_failures = allow"),
    ],
    ids=["marker", "module-marker", "ini"],
)
def test_handler_failures_allowed(pytester, marker, ini):
    if ini:
        pytester.makeini(f"[pytest]\n{ini}\n")
    result = run(pytester, f"import pytest\n{marker}\ndef test_sale(adsim):\n    ring(adsim)\n")
    result.assert_outcomes(passed=1)


def test_the_marker_fails_one_test_where_the_ini_allows(pytester):
    pytester.makeini("[pytest]\nadsim_handler_failures = allow\n")
    test = """
import pytest

@pytest.mark.adsim(handler_failures="fail")
def test_sale(adsim):
    ring(adsim)
"""
    run(pytester, test).assert_outcomes(passed=1, errors=1)


@pytest.mark.parametrize(
    ("marker", "ini", "line"),
    [
        (
            '@pytest.mark.adsim(handler_failures="ignore")',
            "",
            "@pytest.mark.adsim(handler_failures=): 'ignore' is not fail (the default: *) or allow",
        ),
        ("", "adsim_handler_failures = yes", "adsim_handler_failures: 'yes' is not fail *"),
    ],
    ids=["marker", "ini"],
)
def test_a_wrong_handler_failures_value_is_a_usage_error(pytester, marker, ini, line):
    if ini:
        pytester.makeini(f"[pytest]\n{ini}\n")
    result = run(pytester, f"import pytest\n{marker}\ndef test_sale(adsim):\n    pass\n")
    result.stdout.fnmatch_lines([f"*UsageError: adsim: {line}"])


def test_a_test_that_failed_on_its_own_shows_them_once_in_its_report(pytester):
    result = run(pytester, "def test_sale(adsim):\n    ring(adsim)\n    assert 1 == 2\n")
    result.assert_outcomes(failed=1)  # not a second error at its teardown
    result.stdout.fnmatch_lines(
        ["*- adsim: handler failures -*", "*ValueError: crm down (at crm.py:4)"]
    )


def test_a_fixture_that_checks_adsim_failures_after_its_yield_decides_itself(pytester):
    """The integrators' own check before this rule (an autouse fixture over every test)."""
    pytester.makeconftest(
        """
import pytest

@pytest.fixture(autouse=True)
def only_errors_allowed(adsim):
    yield
    assert {o.status for o in adsim.failures} <= {"error"}
"""
    )
    run(pytester, "def test_sale(adsim):\n    ring(adsim)\n").assert_outcomes(passed=1)


def test_a_failure_in_a_fixtures_teardown_fails_at_teardown(pytester):
    test = """
import pytest

@pytest.fixture
def rings_at_its_end(adsim):
    yield
    ring(adsim)

def test_sale(rings_at_its_end, adsim):
    pass
"""
    result = run(pytester, test)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_sale*", "*ValueError: crm down*"])


def test_a_hung_handler_fails_the_test_with_where_it_hung(pytester):
    pytester.makepyfile(
        slow="""
import threading

STOP = threading.Event()

def register(ad_api):
    ad_api.on("ON_NEW_INTERACTION", lambda interaction: STOP.wait(30))

def close():
    STOP.set()
"""
    )
    pytester.makepyfile(CALL + "def test_sale(adsim):\n    ring(adsim)\n")
    pytester.makeini("[pytest]\nadsim_handler_timeout = 0.2\n")
    result = pytester.runpytest(*NO_QT, "--adsim-handler", "slow.py")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*ON_NEW_INTERACTION -> slow:* timeout in *", "*STOP.wait(30)*"])
    assert "threading.py" not in result.stdout.str().partition("STOP.wait(30)")[0]


def test_a_scenario_runs_failures_count_unless_its_file_allows_them(pytester):
    pytester.makefile(".yaml", ring="name: ring\nsteps:\n  - call: {service: Sales}\n")
    pytester.makefile(
        ".yaml",
        allowed="name: ring\nallow_handler_errors: true\nsteps:\n  - call: {service: Sales}\n",
    )
    test = """
from simulator.testing import assert_scenario_passed

def test_events_only(adsim_scenario):
    assert adsim_scenario("ring.yaml").events

def test_allowed_by_its_file(adsim_scenario):
    assert adsim_scenario("allowed.yaml").passed

def test_expected(adsim, adsim_scenario):
    with adsim.expect_handler_failure(match="crm down"):
        result = adsim_scenario("ring.yaml")
    assert not result.passed
"""
    result = run(pytester, test)
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(
        ["*  - scenario ring.yaml: #4 ON_NEW_INTERACTION -> crm:*ValueError: crm down*"]
    )


def test_a_register_that_never_returns_is_said_past_the_capture(pytester, monkeypatch, capfd):
    """With thread isolation nothing can stop it: the session hung with nothing said (the
    host's line on stderr was captured until the test's end, which never came). The load
    timer is a fake that ``register()`` itself makes go off: no waiting."""
    import types

    gate = types.SimpleNamespace(afters=[])

    _gate_timers(monkeypatch, gate)
    pytester.makepyfile(
        stuck="""
import adsim_gate

def register(ad_api):
    adsim_gate.go_off()
"""
    )
    pytester.makepyfile("def test_sale(adsim):\n    pass\n")
    pytester.runpytest(*NO_QT, "--adsim-handler", "stuck.py").assert_outcomes(passed=1)
    assert gate.afters == [10.0]  # the handler host's load timeout
    err = capfd.readouterr().err  # the terminal's stderr, not the inner test's capture
    assert (
        "adsim: test_a_register_that_never_returns_is_said_past_the_capture.py::test_sale: "
        "setting up adsim: a handler module's import or register() still running after 10 s; "
        'stuck at stuck.py:4 in register; with handler_isolation="thread" nothing can stop it'
    ) in err


@pytest.mark.parametrize(
    "check",
    [
        "assert [o.status for o in adsim.outcomes if o.event_name == 'ON_NEW_INTERACTION'] "
        "== ['error']",
        "assert adsim.agent('omar').outcomes == [] or True\n    assert adsim.outcomes",
    ],
)
def test_a_test_that_read_adsim_outcomes_checked_the_failed_ones_among_them(pytester, check):
    # Every call's status is there: a test that looks at them has seen the failed ones.
    run(pytester, f"def test_sale(adsim):\n    ring(adsim)\n    {check}\n").assert_outcomes(
        passed=1
    )


@pytest.mark.parametrize(
    "check",
    [
        "assert not result.passed",
        "assert result.exit_code == 1",
        "assert [o.status for o in result.handler_failures] == ['error']",
        "assert any(o.status == 'error' for o in result.outcomes)",
    ],
)
def test_a_test_that_read_whether_its_scenario_run_passed_checked_its_failures(pytester, check):
    pytester.makefile(".yaml", ring="name: ring\nsteps:\n  - call: {service: Sales}\n")
    test = f"def test_run(adsim_scenario):\n    result = adsim_scenario('ring.yaml')\n    {check}\n"
    run(pytester, test).assert_outcomes(passed=1)


def test_a_scenario_result_still_reads_and_compares_as_one(pytester):
    pytester.makefile(".yaml", ring="name: ring\nsteps:\n  - call: {service: Customer Support}\n")
    test = """
import copy

from simulator.scenarios.result import ScenarioResult

def test_run(adsim_scenario):
    result = adsim_scenario("ring.yaml")
    assert isinstance(result, ScenarioResult) and type(result).__name__ == "ScenarioResult"
    assert copy.copy(result) == result and result.jsonl()
"""
    run(pytester, test).assert_outcomes(passed=1)


def test_a_test_that_skipped_itself_after_a_handler_failed_errors_at_its_teardown(pytester):
    """The skip was its report (shown as skipped), and the failure was heard of nowhere."""
    test = """
import pytest

def test_skip(adsim):
    ring(adsim)
    pytest.skip("no crm today")

def test_importorskip(adsim):
    ring(adsim)
    pytest.importorskip("adsim_no_such_module")

def test_xfail(adsim):
    ring(adsim)
    pytest.xfail("known")

def test_skip_after_checking(adsim):
    ring(adsim)
    assert len(adsim.failures) == 1
    pytest.skip("checked first")
"""
    result = run(pytester, test)
    result.assert_outcomes(skipped=3, xfailed=1, errors=3)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_skip*",
            "*ValueError: crm down (at crm.py:4)",
            "The test skipped itself after they failed (no crm today): that does not check "
            "them; check, expect or allow them before it.",
            "*ERROR at teardown of test_importorskip*",
            "The test skipped itself after they failed (could not import 'adsim_no_such_module'*",
            "*ERROR at teardown of test_xfail*",
            "The test called pytest.xfail() after they failed (known): *",
        ]
    )
    assert "test_skip_after_checking" not in result.stdout.str()


def test_an_xfail_marked_test_that_failed_keeps_its_handler_failures_for_pytests_verdict(pytester):
    """As any error at the teardown of an xfail-marked test, pytest counts it as expected
    (XFAIL at teardown); with ``raises=`` of another type it is an error."""
    test = """
import pytest

@pytest.mark.xfail(reason="bug 12")
def test_marked(adsim):
    ring(adsim)
    assert 0

@pytest.mark.xfail(reason="bug 13", raises=ZeroDivisionError)
def test_raises(adsim):
    ring(adsim)
    1 / 0
"""
    result = run(pytester, test, "-rx")
    result.assert_outcomes(xfailed=3, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_raises*",
            "The test failed as its xfail marker expects after they failed (bug 13): *",
            "XFAIL at teardown of test_*.py::test_marked - bug 12",
        ]
    )


@pytest.mark.parametrize(
    ("test", "what"),
    [
        (
            "def test_it(adsim):\n    adsim.agent('omar')\n",
            "adsim.agent('omar'): loading its handlers",
        ),
        ("def test_it(adsim):\n    adsim.host.reload()\n", "*stuck.py: register(ad_api)"),
        (
            "def test_it(adsim_scenario):\n    adsim_scenario('ring.yaml')\n",
            "adsim_scenario(ring.yaml): loading its handlers",
        ),
        (
            "import pytest\n"
            "from simulator.testing import AdsimHarness\n\n"
            "@pytest.fixture(scope='session')\n"
            "def shared():\n"
            "    with AdsimHarness(handlers=['stuck.py']):\n"
            "        yield\n\n"
            "def test_it(shared):\n    pass\n",
            "*stuck.py: register(ad_api)",
        ),
    ],
    ids=["agent", "reload", "scenario", "session-fixture"],
)
def test_a_register_that_never_returns_mid_test_is_said_past_the_capture(
    pytester, monkeypatch, capfd, test, what
):
    """Not only the fixture's set-up loads a plugin: each of these registers it again (a
    harness of session scope for the first time), and one stuck there hung with nothing said.
    The fake load timer goes off from inside that register()."""
    import types

    gate = types.SimpleNamespace(afters=[], loads=0, stuck_at=1 if "shared" in test else 2)

    _gate_timers(monkeypatch, gate)
    pytester.makefile(".yaml", ring="name: ring\nsteps:\n  - call: {service: Sales}\n")
    pytester.makepyfile(
        stuck="""
import adsim_gate

def register(ad_api):
    adsim_gate.loads += 1
    if adsim_gate.loads == adsim_gate.stuck_at:
        adsim_gate.go_off()
"""
    )
    pytester.makepyfile(test_it=test)
    pytester.runpytest(*NO_QT, "--adsim-handler", "stuck.py").assert_outcomes(passed=1)
    err = capfd.readouterr().err
    line = next(line for line in err.splitlines() if line.startswith("adsim: "))
    assert fnmatch.fnmatch(line, f"adsim: test_it.py::test_it: {what} still running after 10 s; *")
    assert "; stuck at stuck.py:" in line


def test_expect_handler_failure_with_no_handler_called_says_so_at_the_tests_line(pytester):
    """A block in which no handler was called (the event the handler takes never came) read
    "every handler call in it returned normally", as if the handler had run; and the failure
    showed contextlib's ``__exit__`` frame under the test's line."""
    test = """
def test_nothing_called(adsim):
    with adsim.expect_handler_failure():
        adsim.login()
"""
    result = run(pytester, test)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*with adsim.expect_handler_failure():",
            "E *AssertionError: adsim.expect_handler_failure(): expected a handler call to fail: "
            "no handler was called in it (none of the events the handlers take came)",
        ]
    )
    out = result.stdout.str()
    assert "returned normally" not in out
    assert "contextlib" not in out and "handler_failures.py" not in out
