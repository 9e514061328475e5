"""A loose handler file beside the ini file (``adsim_handlers = crm_handler.py``) is the module
the test imports, under plain ``pytest`` as under ``python -m pytest``: plain ``pytest`` (no
working directory on ``sys.path``) ran it as its own copy, then appended its folder, so the
test's ``import crm_handler`` found a second copy, and its ``RECORDS`` stayed empty."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytest_plugins = ["pytester"]

TEST = """
import crm_handler


def test_the_handler_is_the_module_the_test_imports(adsim):
    adsim.login()
    adsim.set_agent_state("ready")
    adsim.offer_call("Sales")
    adsim.accept_interaction()
    adsim.customer_hang_up()
    adsim.set_disposition("Product sold")
    adsim.complete_interaction()
    assert len(crm_handler.RECORDS) == 1
"""


def test_a_loose_handler_beside_the_ini_file_is_shared_with_the_tests(pytester):
    pytester.makeini("[pytest]\nadsim_handlers = crm_handler.py\n")
    pytester.makepyfile(
        crm_handler=(
            "RECORDS = []\n\n\ndef register(ad_api):\n"
            "    ad_api.on('ON_SAVE_ACTIVITY_RECORD', RECORDS.append)\n"
        )
    )
    (pytester.path / "tests").mkdir()
    (pytester.path / "tests" / "test_crm.py").write_text(TEST, encoding="utf-8")
    # -P: as the `pytest` script runs, without the working directory on sys.path
    # (`python -m pytest` puts it there, and the file was found by its name).
    done = subprocess.run(
        [sys.executable, "-P", "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"],
        check=False,
        cwd=pytester.path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


@pytest.mark.parametrize("name", ["json", "not-an-identifier"])
def test_a_loose_file_whose_name_is_taken_still_runs_as_its_own_copy(tmp_path, name):
    from simulator.testing.imports import make_importable, resolve_handlers

    file = tmp_path / "elsewhere" / f"{name}.py"
    file.parent.mkdir()
    file.write_text("def register(ad_api):\n    pass\n", encoding="utf-8")
    before = list(sys.path)
    try:
        make_importable(file)
        assert sys.path == before
        (module,) = resolve_handlers(file)
    finally:
        sys.path[:] = before
    assert module.name is None and module.path == file.resolve()


def test_a_handler_path_the_system_refuses_is_the_set_ups_error_not_the_sessions(pytester):
    """A name too long for the file system (or a folder the user cannot read) in
    ``adsim_handlers`` ended the whole session in INTERNALERROR at start-up, no test run."""
    pytester.makeini(f"[pytest]\nadsim_handlers = {'a' * 300}.py\n")
    pytester.makepyfile("def test_a(adsim):\n    pass\n\n\ndef test_b():\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:pytest-qt", "-p", "no:cacheprovider")
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    result.assert_outcomes(passed=1, errors=1)
