"""The pytest plugin, tested with pytester: fixtures, options, ini keys, marker, assertions."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.testing import assert_event_sequence, assert_record_matches

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
# pytest-qt is switched off in the inner runs: this suite also runs with no Qt binding at all.
NO_QT = ("-p", "no:pytest-qt", "-p", "no:cacheprovider")

HANDLER = """
saved = []

def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: saved.append(activity))
    ad_api.on("ON_REQUEST_TRANSFER_DATA", lambda interaction_id: {"caseId": "C-7"})
"""


def test_plugin_is_registered_and_imports_no_qt(pytester):
    pytester.makepyfile(
        """
        import sys

        def test_loaded(request):
            assert request.config.pluginmanager.has_plugin("adsim")
            assert not [m for m in sys.modules if m.startswith("PySide6")]
        """
    )
    # In a subprocess: this process has imported Qt already (pytest-qt, the window tests).
    pytester.runpytest_subprocess(*NO_QT).assert_outcomes(passed=1)


def test_adsim_fixture_with_a_handler_from_the_command_line(pytester):
    pytester.makepyfile(my_handler=HANDLER)
    pytester.makepyfile(
        """
        from simulator.testing import assert_event_sequence, assert_record_matches

        def test_call(adsim):
            adsim.login()
            adsim.set_agent_state("ready")
            adsim.offer_call("Sales")
            adsim.accept_interaction()
            adsim.advance(130)
            adsim.blind_transfer("2001")
            adsim.set_disposition("Product sold")
            adsim.complete_interaction()
            assert_event_sequence(
                adsim.events,
                ["ON_NEW_INTERACTION", "ON_REQUEST_TRANSFER_DATA", "ON_SAVE_ACTIVITY_RECORD"],
            )
            assert_record_matches(
                adsim.records[0], {"disposition": "Product sold", "duration": {"at_least": 120}}
            )
            assert [o.status for o in adsim.outcomes] == ["ok", "ok"]
            assert adsim.interaction is not None
        """
    )
    result = pytester.runpytest(*NO_QT, "--adsim-handler", "my_handler.py")
    result.assert_outcomes(passed=1)


def test_ini_handlers_seed_and_marker(pytester):
    pytester.makepyfile(my_handler=HANDLER)
    pytester.makeini(
        """
        [pytest]
        adsim_handlers = my_handler.py
        adsim_seed = 5
        """
    )
    pytester.makepyfile(
        """
        import pytest

        def test_from_ini(adsim):
            assert adsim.seed == 5
            assert len(adsim.host.plugins) == 1

        @pytest.mark.adsim(seed=9, handlers=[], settings={"ivr_state_spelling": "IVR"})
        def test_marker_overrides(adsim):
            assert adsim.seed == 9
            assert adsim.host.plugins == []
            assert adsim.sim.settings.ivr_state_spelling == "IVR"
        """
    )
    pytester.runpytest(*NO_QT, "--strict-markers").assert_outcomes(passed=2)


@pytest.mark.parametrize(
    ("ini", "line"),
    [
        ("adsim_handler_timeout = inf", "adsim_handler_timeout: 'inf' is not a finite number"),
        ("adsim_handler_timeout = nan", "adsim_handler_timeout: 'nan' is not a finite number"),
        ("adsim_handler_timeout = 0", "adsim_handler_timeout: 0 is out of range"),
        ("adsim_seed = -1", "adsim_seed: -1 is negative: a seed is a whole number from 0"),
        ("adsim_seed = abc", "adsim_seed: 'abc' is not a whole number"),
    ],
)
def test_a_bad_number_in_the_ini_file_is_named_as_the_command_line_names_it(pytester, ini, line):
    """``adsim_handler_timeout = inf`` waited for a hung handler for ever (the session hung),
    ``nan`` timed every handler out at once, ``adsim_seed = -1`` was taken though adsim's seed
    rule refuses it, and ``abc`` was an int() traceback."""
    pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makepyfile("def test_a(adsim):\n    adsim.login()\n")
    result = pytester.runpytest(*NO_QT)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*UsageError: adsim: {line}*"])


@pytest.mark.parametrize(
    ("marker", "line"),
    [
        ("handler_timeout=float('inf')", "handler_timeout=): 'inf' is not a finite number"),
        ("seed=True", "seed=): True is a bool, not an int"),
    ],
)
def test_a_bad_number_in_the_marker_is_named(pytester, marker, line):
    pytester.makepyfile(
        f"import pytest\n\n@pytest.mark.adsim({marker})\ndef test_a(adsim):\n    adsim.login()\n"
    )
    result = pytester.runpytest(*NO_QT)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*UsageError: adsim: @pytest.mark.adsim({line}*"])


def test_a_negative_seed_option_is_refused_as_adsim_refuses_it(pytester):
    pytester.makepyfile("def test_a(adsim):\n    pass\n")
    result = pytester.runpytest(*NO_QT, "--adsim-seed=-1")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*argument --adsim-seed: -1 is negative*"])


def test_a_broken_handler_fails_the_test_with_file_and_line(pytester):
    pytester.makepyfile(
        broken="def register(ad_api):\n    ad_api.on('ON_SAVE_ACTIVTY_RECORD', print)\n"
    )
    pytester.makepyfile("def test_x(adsim):\n    pass\n")
    result = pytester.runpytest(*NO_QT, "--adsim-handler", "broken.py")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*broken.py:2*ON_SAVE_ACTIVITY_RECORD*"])


def test_adsim_scenario_fixture_runs_a_fixture_scenario(pytester):
    scenario = ROOT / "fixtures" / "scenarios" / "inbound_acw_disposition.yaml"
    pytester.makepyfile(
        f"""
        def test_scenario(adsim_scenario):
            result = adsim_scenario({str(scenario)!r})
            assert result.passed, result.failures
            assert result.events
        """
    )
    pytester.runpytest(*NO_QT).assert_outcomes(passed=1)


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_scenario_runs_after_the_tests_own_actions_and_each_other_pass(pytester, isolation):
    """A run shared the test's journal: its events (numbered from 1 again) were refused once
    the test had driven ``adsim`` or run a scenario, and the run failed on the journal."""
    scenarios = ROOT / "fixtures" / "scenarios"
    pytester.makepyfile(
        crm=HANDLER,
        test_runs=f"""
        import pytest
        from simulator.testing import assert_scenario_passed

        @pytest.mark.adsim(handlers=["crm.py"], handler_isolation={isolation!r})
        def test_runs(adsim, adsim_scenario):
            adsim.login()
            adsim.agent("omar").login()
            for name in ["inbound_acw_disposition.yaml", "colleague_blind_transfer.yaml"] * 2:
                assert_scenario_passed(adsim_scenario({str(scenarios)!r} + "/" + name))
            assert adsim.failures == []
        """,
    )
    pytester.runpytest(*NO_QT).assert_outcomes(passed=1)


def test_assert_event_sequence_explains_what_came():
    with pytest.raises(AssertionError) as caught:
        assert_event_sequence(["ON_LOGIN", "ON_AGENT_STATE_CHANGE"], ["ON_LOGIN", "ON_LOGOUT"])
    message = str(caught.value)
    assert "ON_LOGOUT (expected #2) never came" in message
    assert "ON_AGENT_STATE_CHANGE" in message
    assert_event_sequence(["A", "B", "C"], ["A", "C"])
    with pytest.raises(AssertionError, match="exactly"):
        assert_event_sequence(["A", "B", "C"], ["A", "C"], exact=True)


def test_assert_record_matches_lists_each_difference():
    record = {"disposition": "Offer rejected", "duration": 30, "state": "completed"}
    with pytest.raises(AssertionError) as caught:
        assert_record_matches(
            record, {"disposition": "Product sold", "duration": {"at_least": 120}}
        )
    message = str(caught.value)
    assert "disposition" in message
    assert "duration" in message
    assert '"state": "completed"' in message
    assert_record_matches(record, {"state": "completed", "duration": {"at_most": 30}})


def _integration_package(pytester: pytest.Pytester) -> None:
    """``src/acme/``: a handler that stores records in a sibling module (relative import)."""
    (pytester.path / "src" / "acme").mkdir(parents=True)
    (pytester.path / "src" / "acme" / "__init__.py").write_text("", encoding="utf-8")
    (pytester.path / "src" / "acme" / "store.py").write_text("RECORDS = []\n", encoding="utf-8")
    (pytester.path / "src" / "acme" / "handler.py").write_text(
        "from .store import RECORDS\n\n"
        "def register(ad_api):\n"
        '    ad_api.on("ON_SAVE_ACTIVITY_RECORD", RECORDS.append)\n',
        encoding="utf-8",
    )


CALL_TEST = """
import acme.store
from acme import handler

def _call(adsim):
    adsim.login()
    adsim.set_agent_state("ready")
    adsim.offer_call("Sales")
    adsim.accept_interaction()
    adsim.advance(60)
    adsim.customer_hang_up()
    adsim.set_disposition("Product sold")
    adsim.complete_interaction()

def test_the_test_reads_what_its_handler_stored(adsim):
    acme.store.RECORDS.clear()
    _call(adsim)
    [saved] = acme.store.RECORDS
    [model] = adsim.record_models
    assert type(saved) is type(model)  # handlers and tests get the same kind of object
    assert saved.disposition == model.disposition == adsim.records[0]["disposition"]
    assert handler.RECORDS is acme.store.RECORDS
"""


@pytest.mark.parametrize("spec", ["acme.handler", "src/acme/handler.py"])
def test_a_handler_module_is_imported_not_copied(pytester, spec):
    """By module name (``pythonpath = src``, as plain ``pytest`` needs) or by a path inside
    the package: the test and the handler share ``acme.store``, the relative import works."""
    _integration_package(pytester)
    pytester.makeini(f"[pytest]\npythonpath = src\nadsim_handlers = {spec}\n")
    pytester.makepyfile(test_call=CALL_TEST)
    pytester.runpytest_subprocess(*NO_QT).assert_outcomes(passed=1)


def test_a_path_inside_a_package_is_imported_as_that_package_without_pythonpath(pytester):
    _integration_package(pytester)
    pytester.makeini("[pytest]\nadsim_handlers = src/acme/handler.py\n")
    pytester.makepyfile(
        test_call="""
        import sys

        def test_shared(adsim):
            import acme.store  # importable: the harness appended src/ for its package

            assert sys.modules["acme.handler"].RECORDS is acme.store.RECORDS
        """
    )
    pytester.runpytest_subprocess(*NO_QT).assert_outcomes(passed=1)


def test_adsim_scenario_paths_are_relative_to_the_test_file(pytester):
    scenario = (ROOT / "fixtures" / "scenarios" / "inbound_acw_disposition.yaml").read_text(
        encoding="utf-8"
    )
    folder = pytester.mkdir("tests")
    (folder / "call.yaml").write_text(scenario, encoding="utf-8")
    (folder / "test_scenario.py").write_text(
        "def test_scenario(adsim_scenario):\n"
        '    result = adsim_scenario("call.yaml")\n'
        "    assert result.passed, result.failures\n",
        encoding="utf-8",
    )
    # Run from the project folder: the old behaviour (the working directory) finds no call.yaml.
    pytester.runpytest_subprocess(*NO_QT, "tests").assert_outcomes(passed=1)


def test_a_missing_or_broken_scenario_fails_at_the_test_line_with_its_message(pytester):
    """The failure showed a page of the loader's own frames above the one line that said what
    was wrong; it is the test's line and that message (still a ``ScenarioFileError``)."""
    pytester.makefile(".yaml", broken="name: x\nsteps:\n  - wait: [5]\n")
    pytester.makepyfile(
        """
        import pytest
        from simulator.scenarios.errors import ScenarioFileError

        def test_missing(adsim_scenario):
            adsim_scenario("nope.yaml")

        def test_broken(adsim_scenario):
            adsim_scenario("broken.yaml")

        def test_still_catchable(adsim_scenario):
            with pytest.raises(ScenarioFileError, match="cannot read the scenario file"):
                adsim_scenario("nope.yaml")
        """
    )
    result = pytester.runpytest(*NO_QT)
    result.assert_outcomes(failed=2, passed=1)
    text = result.stdout.str()
    assert "cannot read the scenario file: No such file or directory" in text
    assert "broken.yaml:3:11: wait: expected a duration" in text
    assert "loader.py" not in text
    assert "def load_scenario" not in text


def test_adsim_window_without_pytest_qt_skips_with_a_hint(pytester):
    pytester.makepyfile("def test_window(adsim_window):\n    raise AssertionError\n")
    result = pytester.runpytest_subprocess(*NO_QT, "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*adsim_window needs pytest-qt and PySide6: pip install*"])


def test_the_plugin_under_xdist_two_workers(pytester):
    """``pytest -n 2``: each worker process has its own simulators, handler modules and
    journals; every test sees only its own records."""
    pytest.importorskip("xdist")
    _integration_package(pytester)
    pytester.makeini("[pytest]\npythonpath = src\nadsim_handlers = acme.handler\n")
    body = CALL_TEST + "".join(
        f"""
def test_worker_{n}(adsim):
    acme.store.RECORDS.clear()
    _call(adsim)
    assert len(acme.store.RECORDS) == 1
    assert len(adsim.records) == 1
"""
        for n in range(6)
    )
    pytester.makepyfile(test_many=body)
    result = pytester.runpytest_subprocess(*NO_QT, "-n", "2")
    result.assert_outcomes(passed=7)
    result.stdout.fnmatch_lines(["*2 workers*"])


def test_handlers_run_in_a_process_of_their_own_one_marker_away(pytester):
    pytester.makepyfile(
        crashes="import os\n\ndef register(ad_api):\n"
        "    ad_api.on('ON_NEW_INTERACTION', lambda interaction: os._exit(3))\n"
    )
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.adsim(handlers=["crashes.py"], handler_isolation="process")
        def test_call(adsim):
            adsim.login()
            adsim.set_agent_state("ready")
            adsim.offer_call("Sales")
            [failure] = adsim.failures
            assert failure.status == "crashed"
            assert "exited with status 3" in failure.error
        """
    )
    # In a subprocess: were the handler run in the test's own process, os._exit would end the
    # outer pytest run too.
    pytester.runpytest_subprocess(*NO_QT).assert_outcomes(passed=1)


def test_a_scenarios_handler_the_fixture_loads_already_runs_once(tmp_path):
    """``adsim_handlers = save.py`` and a scenario with ``handlers: [save.py]``: the plugin
    was loaded twice (``save``, ``save#2``) and got every event twice."""
    from simulator.testing.harness import AdsimHarness

    (tmp_path / "save.py").write_text(
        "def register(ad_api):\n    ad_api.on('ON_SAVE_ACTIVITY_RECORD', lambda r: None)\n"
    )
    scenario = tmp_path / "flow.yaml"
    scenario.write_text(
        (ROOT / "fixtures" / "scenarios" / "chat.yaml")
        .read_text(encoding="utf-8")
        .replace("seed: 12", "handlers: [save.py]"),
        encoding="utf-8",
    )
    with AdsimHarness(handlers=[tmp_path / "save.py"], base=tmp_path) as adsim:
        result = adsim.run_scenario(scenario)
    assert result.passed, result.failures
    assert [(o.plugin, o.event_name) for o in result.outcomes] == [
        ("save", "ON_SAVE_ACTIVITY_RECORD")
    ]


def test_ctrl_c_while_a_handler_registers_stops_the_session(pytester):
    """Ctrl-C while a thread-isolated handler's ``register()`` runs (a slow CRM login): the
    KeyboardInterrupt was taken for the plugin's load error, that test failed and the session
    went on. It stops the session, as Ctrl-C anywhere else does."""
    pytester.makepyfile(
        slow_login="def register(ad_api):\n    raise KeyboardInterrupt  # Ctrl-C, here\n"
    )
    # Ctrl-C is Python's, as in a terminal: a suite started in the background of a script
    # (nohup, `&`) passes SIGINT on ignored, and then no Ctrl-C can come.
    pytester.makeconftest(
        "import signal\n\nsignal.signal(signal.SIGINT, signal.default_int_handler)\n"
    )
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.adsim(handlers=["slow_login.py"])
        def test_first(adsim):
            pass

        def test_second():
            pass
        """
    )
    result = pytester.runpytest_subprocess(*NO_QT)  # in-process, it would stop this session
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert "did not load" not in result.stdout.str()
    assert "test_second" not in result.stdout.str()
