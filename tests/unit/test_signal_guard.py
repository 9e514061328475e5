"""tests/conftest.py guards every test directory: a GUI or end-to-end test (they run first, and
were not guarded) that leaves a signal handler set fails itself; the next test finds the default."""

from __future__ import annotations

from pathlib import Path

pytest_plugins = ["pytester"]

CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"
NO_QT = ("-p", "no:pytest-qt", "-p", "no:cacheprovider")

LEAKS = """
import signal


def test_leaves_a_handler():
    signal.signal(signal.SIGUSR1, lambda signum, frame: None)


def test_after_it():
    assert signal.getsignal(signal.SIGUSR1) is signal.SIG_DFL
"""


def test_a_test_that_leaves_a_signal_handler_fails_in_every_directory(pytester):
    pytester.makeconftest(CONFTEST.read_text(encoding="utf-8"))
    for folder in ("e2e", "gui", "unit"):
        (pytester.mkpydir(folder) / "test_leaks.py").write_text(LEAKS, encoding="utf-8")
    result = pytester.runpytest_subprocess(*NO_QT, "-ra")
    result.assert_outcomes(passed=6, errors=3)
    result.stdout.fnmatch_lines(["E*Failed: the test left a handler of SIGUSR1 set: put it back"])
    result.stdout.fnmatch_lines(
        [
            f"ERROR {folder}/test_leaks.py::test_leaves_a_handler - *"
            for folder in ("e2e", "gui", "unit")
        ]
    )
