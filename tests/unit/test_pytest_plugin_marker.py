"""The ``@pytest.mark.adsim`` marker as integration developers write it: a value of the wrong
type is one line naming the key (``tenant=5`` opened file descriptor 5, pytest's own capture
file, and closed it: the session ended with exit 1 and not a line of output); ``None`` is the
default, as the marker's registered signature says (``seed=None`` was an unseeded random run,
``handler_timeout=None`` a ``TypeError``); a class's or module's marker and a test's add up."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

NO_QT = ("-p", "no:pytest-qt", "-p", "no:cacheprovider")


def _marked(
    pytester: pytest.Pytester, marker: str, body: str = "adsim.login()"
) -> pytest.RunResult:
    pytester.makepyfile(
        f"import pytest\n\n@pytest.mark.adsim({marker})\ndef test_a(adsim):\n    {body}\n"
    )
    return pytester.runpytest_subprocess(*NO_QT)  # tenant=5 would close this process's fd 5


@pytest.mark.parametrize(
    ("marker", "line"),
    [
        ("tenant=5", "@pytest.mark.adsim(tenant=): 5 is not a tenant file: give its path"),
        (
            "handlers=5",
            "@pytest.mark.adsim(handlers=): 5 is not a handler: give a module name, a .py "
            "file or a folder, or a list of them",
        ),
        (
            "handlers=['ok', 3]",
            "@pytest.mark.adsim(handlers=): 3 is not a handler: give a module name, a .py "
            "file or a folder, or a list of them",
        ),
        (
            "settings='fast'",
            "@pytest.mark.adsim(settings=): 'fast' is not a dict of settings "
            "({'ring_timeout_seconds': 5} ...)",
        ),
    ],
    ids=["tenant-int", "handlers-int", "handlers-item", "settings-str"],
)
def test_a_marker_value_of_the_wrong_type_is_one_line_naming_it(pytester, marker, line):
    result = _marked(pytester, marker)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*UsageError: adsim: {line}"])


@pytest.mark.parametrize(
    ("marker", "check"),
    [
        ("seed=None", "assert adsim.seed == 0 and adsim.sim.center.seed == 0"),
        ("handler_timeout=None", "assert adsim.handler_timeout == 5"),
        ("handler_isolation=None", "assert adsim.handler_isolation == 'thread'"),
        ("handlers=None", "assert [p.name for p in adsim.host.plugins] == ['ini_handler']"),
        ("tenant=None, settings=None, api_version=None", "assert adsim.api_version is None"),
    ],
    ids=["seed", "timeout", "isolation", "handlers", "others"],
)
def test_none_in_the_marker_is_the_default(pytester, marker, check):
    pytester.makepyfile(ini_handler="def register(ad_api):\n    pass\n")
    pytester.makeini("[pytest]\nadsim_handlers = ini_handler.py\n")
    _marked(pytester, marker, check).assert_outcomes(passed=1)


def test_a_class_marker_and_a_test_marker_add_up(pytester):
    """The class says the seed, one test the isolation: that test kept seed 0."""
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.adsim(handler_timeout=2)

        @pytest.mark.adsim(seed=7)
        class TestCrm:
            def test_class_seed(self, adsim):
                assert (adsim.seed, adsim.handler_timeout) == (7, 2)

            @pytest.mark.adsim(settings={"ring_timeout_seconds": 9})
            def test_both(self, adsim):
                assert (adsim.seed, adsim.handler_timeout) == (7, 2)
                assert adsim.sim.settings.ring_timeout_seconds == 9

            @pytest.mark.adsim(seed=8)
            def test_closest_wins(self, adsim):
                assert adsim.seed == 8
        """
    )
    pytester.runpytest(*NO_QT).assert_outcomes(passed=3)


@pytest.mark.parametrize(
    ("marker", "line"),
    [
        (
            "handler_timout=1",
            "@pytest.mark.adsim(handler_timout=...): handler_timout is not one of its keys (did "
            "you mean handler_timeout=?); it takes only the keyword arguments seed, tenant, *",
        ),
        (
            "{'seed': 1}",
            "@pytest.mark.adsim(...): a positional argument, which it does not take; it takes "
            "only the keyword arguments *",
        ),
    ],
    ids=["misspelt", "positional"],
)
def test_a_key_the_marker_does_not_take_is_named_with_a_suggestion(pytester, marker, line):
    result = _marked(pytester, marker)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*UsageError: adsim: {line}"])


def test_the_harness_refuses_a_tenant_that_is_not_a_path():
    """``AdsimHarness(tenant=5)`` (a module-scoped fixture's) read file descriptor 5."""
    from simulator.testing import AdsimHarness

    with pytest.raises(TypeError, match=r"tenant=5: give a tenant file's path or a Tenant"):
        AdsimHarness(tenant=5)


def test_a_marker_mistake_is_its_line_alone_with_pytest_qt_loaded(pytester):
    """With pytest-qt loaded (as in most integrations' test runs: it comes with the window's
    fixture) the mistake's line stood under a page of pytest-qt's set-up hook: the one frame
    the marker's checks could not hide."""
    pytester.makepyfile(
        "import pytest\n\n@pytest.mark.adsim(handler_timout=3)\ndef test_a(adsim):\n    pass\n"
    )
    pytester.makeconftest(  # the case itself: pytest-qt loaded
        "def pytest_configure(config):\n    assert config.pluginmanager.hasplugin('pytest-qt')\n"
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["UsageError: adsim: @pytest.mark.adsim(handler_timout=...): handler_timout is not one *"]
    )
    output = result.stdout.str()
    assert "pytestqt" not in output and "def pytest_runtest_setup" not in output, output
