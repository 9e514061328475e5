"""The pytest plugin's configuration mistakes are one line naming the key, as ``adsim`` names an
option: the marker's ``tenant=``, ``settings=`` and ``handler_isolation=`` and the ini file's
``adsim_handler_isolation`` were tracebacks from deep inside the harness (pydantic's, the handler
host's); and ``adsim_window`` with no display aborted the whole session (Qt's fatal error, exit
134, not one result reported)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

NO_QT = ("-p", "no:pytest-qt", "-p", "no:cacheprovider")


def _marked(pytester: pytest.Pytester, marker: str) -> pytest.RunResult:
    pytester.makepyfile(
        f"import pytest\n\n@pytest.mark.adsim({marker})\ndef test_a(adsim):\n    adsim.login()\n"
    )
    return pytester.runpytest(*NO_QT)


def _one_usage_line(result: pytest.RunResult, line: str) -> None:
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*UsageError: adsim: {line}"])
    raised = [line for line in result.outlines if line.startswith("E ")]
    assert all("UsageError: adsim: " in line for line in raised), raised
    # The line alone: a page of the plugin's own code stood above it.
    assert "simulator/testing/" not in result.stdout.str(), result.stdout.str()


@pytest.mark.parametrize(
    ("marker", "line"),
    [
        (
            "handler_isolation='proces'",
            "@pytest.mark.adsim(handler_isolation=): 'proces' is not thread or process",
        ),
        (
            "settings={'ring_timeout_secs': 5}",
            "@pytest.mark.adsim(settings=): ring_timeout_secs: not a setting (did you mean "
            "`ring_timeout_seconds`?)",
        ),
        (
            "settings={'ring_timeout_seconds': 'soon'}",
            "@pytest.mark.adsim(settings=): ring_timeout_seconds: expected a number, got the "
            "text 'soon'",
        ),
        (
            "tenant='missing.yaml'",
            "@pytest.mark.adsim(tenant=): missing.yaml: cannot read the tenant file: No such "
            "file or directory",
        ),
    ],
    ids=["isolation", "unknown-setting", "bad-setting", "tenant"],
)
def test_a_bad_marker_value_is_one_line_naming_it(pytester, marker, line):
    _one_usage_line(_marked(pytester, marker), line)


@pytest.mark.parametrize(
    ("marker", "line"),
    [
        (
            "seed='3'",
            "@pytest.mark.adsim(seed=): '3' is a str, not an int: write seed=3, without quotes",
        ),
        (
            "seed=True",
            "@pytest.mark.adsim(seed=): True is a bool, not an int: give a whole number from 0 "
            "to 9,007,199,254,740,992",
        ),
        ("seed=3.0", "@pytest.mark.adsim(seed=): 3.0 is a float, not an int: give a whole number*"),
        (
            "handler_timeout='5'",
            "@pytest.mark.adsim(handler_timeout=): '5' is a str, not a number: write "
            "handler_timeout=5, without quotes",
        ),
        (
            "handler_timeout=False",
            "@pytest.mark.adsim(handler_timeout=): False is a bool, not a number: give "
            "a number of seconds from 0.001 to 86,400",
        ),
        ("seed=-1", "@pytest.mark.adsim(seed=): -1 is negative: a seed is a whole number*"),
        (  # it ended in a ValueError traceback (Python turns no int of over 4,300 digits to text)
            "seed=10**5000",
            "@pytest.mark.adsim(seed=): a number of more than 4,300 digits is out of range",
        ),
        (
            "handler_timeout=__import__('fractions').Fraction(10**400)",
            "@pytest.mark.adsim(handler_timeout=): the value is out of range: give a number of "
            "seconds from 0.001 to 86,400",
        ),
    ],
    ids=[
        "str-seed",
        "bool-seed",
        "float-seed",
        "str-timeout",
        "bool-timeout",
        "range",
        "huge-seed",
        "huge-timeout",
    ],
)
def test_a_marker_number_of_another_python_type_is_named(pytester, marker, line):
    """The marker's numbers are Python's: ``seed="3"`` passed as seed 3 (the docs say an
    integer) and ``seed=True`` was said as ``'true' is not a whole number``."""
    _one_usage_line(_marked(pytester, marker), line)


def test_marker_numbers_of_their_types_and_ini_text_still_work(pytester):
    pytester.makeini("[pytest]\nadsim_seed = 3\nadsim_handler_timeout = 2.5\n")
    pytester.makepyfile(
        "import pytest\n\n"
        "def test_ini(adsim):\n    assert adsim.seed == 3\n\n"
        "@pytest.mark.adsim(seed=4, handler_timeout=0.5)\n"
        "def test_floats(adsim):\n    assert adsim.seed == 4\n\n"
        "@pytest.mark.adsim(handler_timeout=5)\n"
        "def test_int(adsim):\n    adsim.login()\n\n"
        # Any real number is a timeout, as float() takes it (a Decimal ran before the types
        # were checked, and was then refused though in range).
        "@pytest.mark.adsim(handler_timeout=__import__('decimal').Decimal('2.5'))\n"
        "def test_decimal(adsim):\n    assert adsim.host.timeout == 2.5\n\n"
        "@pytest.mark.adsim(handler_timeout=__import__('fractions').Fraction(1, 2))\n"
        "def test_fraction(adsim):\n    assert adsim.host.timeout == 0.5\n"
    )
    pytester.runpytest(*NO_QT).assert_outcomes(passed=5)


@pytest.mark.parametrize("table", ["pyproject", "pytest.toml"])
def test_bare_numbers_in_pytest_9s_own_toml_table_are_taken(pytester, table):
    """pytest 9 types a TOML table's values: `adsim_seed = 3` was refused by pytest itself
    ("expects a string, got int") for an option read as text."""
    if int(pytest.__version__.split(".")[0]) < 9:
        pytest.skip("pytest 9 reads its own TOML table")
    body = "adsim_seed = 3\nadsim_handler_timeout = 2.5\nadsim_api_version = 2026\n"
    if table == "pyproject":
        pytester.makepyprojecttoml("[tool.pytest]\n" + body)
    else:
        pytester.path.joinpath("pytest.toml").write_text("[pytest]\n" + body, encoding="utf-8")
    pytester.makepyfile(
        "def test_a(adsim):\n"
        "    assert (adsim.seed, adsim.host.timeout) == (3, 2.5)\n"
        "    assert adsim.api_version == '2026'\n"
    )
    pytester.runpytest(*NO_QT).assert_outcomes(passed=1)


def test_a_bool_in_pytest_9s_own_toml_table_is_named(pytester):
    if int(pytest.__version__.split(".")[0]) < 9:
        pytest.skip("pytest 9 reads its own TOML table")
    pytester.makepyprojecttoml("[tool.pytest]\nadsim_seed = true\n")
    pytester.makepyfile("def test_a(adsim):\n    adsim.login()\n")
    _one_usage_line(pytester.runpytest(*NO_QT), "adsim_seed: 'true' is not a whole number*")


def test_a_bad_tenant_file_in_the_marker_names_its_line(pytester):
    pytester.path.joinpath("tenant.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    result = _marked(pytester, f"tenant={str(pytester.path / 'tenant.yaml')!r}")
    _one_usage_line(result, "@pytest.mark.adsim(tenant=): *tenant.yaml:2:1: not valid YAML*")


def test_a_bad_isolation_in_the_ini_file_is_named(pytester):
    pytester.makeini("[pytest]\nadsim_handler_isolation = threads\n")
    pytester.makepyfile("def test_a(adsim):\n    adsim.login()\n")
    _one_usage_line(
        pytester.runpytest(*NO_QT),
        "adsim_handler_isolation: 'threads' is not thread or process",
    )


def test_good_marker_values_still_work(pytester):
    """The checks take what the docs show."""
    result = _marked(
        pytester,
        "handler_isolation='process', settings={'ring_timeout_seconds': 5}, tenant=None",
    )
    result.assert_outcomes(passed=1)


_HEADLESS = sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd"))


@pytest.mark.skipif(not _HEADLESS, reason="X11/Wayland platforms only")
def _installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ImportError:  # refused (tests/test_headless.py runs this suite with Qt refused)
        return False


@pytest.mark.skipif(
    not (_installed("pytestqt") and _installed("PySide6")), reason="needs pytest-qt and PySide6"
)
def test_adsim_window_without_a_display_fails_the_test_not_the_session(pytester, monkeypatch):
    """No ``$DISPLAY``, no ``$WAYLAND_DISPLAY`` (a CI runner), no ``QT_QPA_PLATFORM``: Qt's
    QApplication aborted the process from pytest-qt's ``qapp``; every result was lost."""
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    pytester.makepyfile(
        """
        def test_window(adsim_window):
            pass

        def test_other():
            pass
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*adsim_window: no display to show the window on*QT_QPA_PLATFORM=offscreen*xvfb-run*"]
    )


SAVE_HANDLER = """
def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: None)
"""


def test_an_ini_handler_folder_is_relative_to_the_ini_file_from_any_folder(pytester, monkeypatch):
    """``adsim_handlers = handlers`` (a folder beside pytest.ini, no slash in its name) loaded
    when pytest ran in the ini's folder and was "no such file, folder or importable module"
    when it ran in ``tests/``: the docs say a path is relative to the ini file."""
    pytester.makeini("[pytest]\nadsim_handlers = handlers\n")
    (pytester.path / "handlers").mkdir()
    (pytester.path / "handlers" / "save.py").write_text(SAVE_HANDLER, encoding="utf-8")
    tests = pytester.mkdir("tests")
    (tests / "test_it.py").write_text(
        "def test_loaded(adsim):\n    assert [p.name for p in adsim.host.plugins] == ['save']\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tests)
    pytester.runpytest(*NO_QT).assert_outcomes(passed=1)


def test_an_unknown_agent_is_one_error_not_a_chain(pytester):
    """``adsim.agent("nobody")`` failed with two chained errors, the first one ("no simulated
    agent 'nobody'; the agents are: jane") only adsim's way to find out it was new."""
    pytester.makepyfile("def test_a(adsim):\n    adsim.agent('nobody')\n")
    result = pytester.runpytest(*NO_QT)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*'nobody' is nobody of the tenant's teams: give the new agent a team, as in "
            "adsim.agent('nobody', team='Customer Support') (the teams: *"
        ]
    )
    assert "During handling of the above exception" not in result.stdout.str()


@pytest.mark.parametrize("how", ["option", "marker"], ids=["--adsim-handler ''", "handlers=['']"])
def test_an_empty_handler_name_is_refused_not_the_working_directory(pytester, how):
    """``pytest --adsim-handler "$HANDLER"`` with the variable unset loaded every ``*.py`` of
    the working directory as a handler (``setup.py``, ``conftest.py`` ...)."""
    pytester.makepyfile(setup="raise SystemExit('imported as a handler')\n")
    marker = "@pytest.mark.adsim(handlers=[''])\n" if how == "marker" else ""
    pytester.makepyfile(test_it=f"import pytest\n\n{marker}def test_a(adsim):\n    pass\n")
    args = ("--adsim-handler", "") if how == "option" else ()
    result = pytester.runpytest_subprocess(*NO_QT, *args, "test_it.py")
    assert "imported as a handler" not in result.stdout.str() + result.stderr.str()
    if how == "option":
        assert result.ret == pytest.ExitCode.USAGE_ERROR
        result.stderr.fnmatch_lines(["*argument --adsim-handler: an empty file name*"])
    else:
        result.assert_outcomes(errors=1)
        result.stdout.fnmatch_lines(["*an empty handler name*"])


@pytest.mark.parametrize(
    ("seed", "line"),
    [
        ("-1", "adsim_scenario(seed=): -1 is negative*"),
        ("2**60", "adsim_scenario(seed=): * is too big*"),
        ("True", "adsim_scenario(seed=): True is a bool, not an int: give a whole number*"),
        ("'4'", "adsim_scenario(seed=): '4' is a str, not an int: write seed=4, without quotes"),
    ],
)
def test_a_bad_seed_for_adsim_scenario_is_named(pytester, seed, line):
    """``adsim_scenario(path, seed=-1)`` ran (Python's random takes any seed), a seed that
    ``adsim run --seed`` then refused when the failure was to be replayed."""
    scenario = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios" / "chat.yaml"
    pytester.makepyfile(
        f"def test_a(adsim_scenario):\n    adsim_scenario({str(scenario)!r}, seed={seed})\n"
    )
    result = pytester.runpytest(*NO_QT)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"*UsageError: adsim: {line}"])


@pytest.mark.parametrize("how", ["conftest", "-p"])
def test_naming_the_plugin_module_as_well_as_its_entry_point_is_fine(pytester, how):
    """``pytest_plugins = ["simulator.testing.plugin"]`` in a conftest (what a project that
    sets ``PYTEST_DISABLE_PLUGIN_AUTOLOAD`` in CI writes) or ``-p simulator.testing.plugin``:
    with the entry point ``adsim`` loaded too, pytest stopped before any test with "ValueError:
    Plugin already registered under a different name" and a page of its internals."""
    if how == "conftest":
        pytester.makeconftest('pytest_plugins = ["simulator.testing.plugin"]\n')
    pytester.makepyfile("def test_a(adsim):\n    adsim.login()\n")
    args = ("-p", "simulator.testing.plugin") if how == "-p" else ()
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)
    result.assert_outcomes(passed=1)
    assert "ValueError" not in result.stderr.str()


def test_one_handler_given_to_the_marker_as_a_string_is_that_handler(pytester):
    """``@pytest.mark.adsim(handlers="save.py")`` was read letter by letter: "s: no such file,
    folder or importable module"."""
    pytester.makepyfile(save=SAVE_HANDLER)
    pytester.makepyfile(
        test_it="import pytest\n\n@pytest.mark.adsim(handlers='save.py')\n"
        "def test_a(adsim):\n    assert [p.name for p in adsim.host.plugins] == ['save']\n"
    )
    pytester.runpytest(*NO_QT).assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("key", "meant"),
    [("adsim_handler", "adsim_handlers"), ("adsim_handlers_timeout", "adsim_handler_timeout")],
)
def test_a_misspelt_adsim_ini_option_is_refused(pytester, key, meant):
    """``adsim_handler = crm.py`` (one letter short) was pytest's warning, "Unknown config
    option", and every test ran without the handler and passed."""
    pytester.makeini(f"[pytest]\n{key} = crm.py\n")
    pytester.makepyfile("def test_a(adsim):\n    adsim.login()\n")
    result = pytester.runpytest(*NO_QT)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            f"ERROR: adsim: ini option {key}: not one of adsim's (did you mean {meant}?); "
            "they are adsim_handlers, adsim_seed, adsim_handler_timeout, "
            "adsim_handler_isolation, adsim_api_version, adsim_handler_failures"
        ]
    )


def test_a_pyproject_table_is_checked_too(pytester):
    pytester.makepyprojecttoml('[tool.pytest.ini_options]\nadsim_sed = "3"\n')
    pytester.makepyfile("def test_a(adsim):\n    adsim.login()\n")
    result = pytester.runpytest(*NO_QT)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: adsim: ini option adsim_sed: * (did you mean adsim_seed?)*"]
    )


def test_a_marker_handler_path_from_another_folder_says_where_it_is(pytester, monkeypatch):
    """``@pytest.mark.adsim(handlers=["handlers/save.py"])`` is relative to the working
    directory: run from ``tests/`` (or a CI step's other folder) it said only "no such file or
    folder (looked for .../tests/handlers/save.py)"; the line says the marker's paths are
    relative to the working directory and where the file is."""
    (pytester.path / "handlers").mkdir()
    (pytester.path / "handlers" / "save.py").write_text(SAVE_HANDLER, encoding="utf-8")
    tests = pytester.mkdir("tests")
    (tests / "test_it.py").write_text(
        "import pytest\n\n\n@pytest.mark.adsim(handlers=['handlers/save.py'])\n"
        "def test_loaded(adsim):\n    adsim.login()\n",
        encoding="utf-8",
    )
    pytester.runpytest(*NO_QT).assert_outcomes(passed=1)  # from the folder it is written for
    monkeypatch.chdir(tests)
    result = pytester.runpytest(*NO_QT)
    result.assert_outcomes(errors=1)
    where = pytester.path / "handlers" / "save.py"
    result.stdout.fnmatch_lines(
        [
            f"handlers/save.py: no such file or folder (looked for {tests}/handlers/save.py; "
            "a path in @pytest.mark.adsim(handlers=) and --adsim-handler is relative to the "
            f"working directory, {tests}; it is at {where}: run pytest from {pytester.path}, "
            "or name it in the ini file's adsim_handlers, relative to the ini file wherever "
            "pytest runs)"
        ]
    )


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("save.py, other.py", "'save.py, other.py' names no file"),
        ("save.py other.py", "'save.py other.py' names no file"),
        ('"save.py"', "'\"save.py\"' names no file"),
        ("[save.py, other.py]", "'[save.py, other.py]' names no file"),
    ],
    ids=["commas", "spaces", "quotes", "brackets"],
)
def test_several_ini_handlers_on_one_line_say_one_a_line(pytester, value, said):
    """``adsim_handlers = save.py, other.py`` (or quoted, or a TOML list in pytest.ini) read as
    one path, "no such file or folder (looked for .../save.py, other.py)": the ini option takes
    one handler a line, unquoted."""
    pytester.makeini(f"[pytest]\nadsim_handlers = {value}\n")
    for name in ("save.py", "other.py"):
        (pytester.path / name).write_text(SAVE_HANDLER, encoding="utf-8")
    pytester.makepyfile("def test_a(adsim):\n    adsim.login()\n")
    result = pytester.runpytest(*NO_QT)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            f"UsageError: adsim: ini option adsim_handlers: {said.replace('[', '[[]')}: give "
            "one handler a line, "
            "without quotes or brackets (adsim_handlers = followed by indented lines: save.py*"
        ]
    )
