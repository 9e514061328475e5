"""Faker and phonenumbers are not imported to draw a US customer (start-up speed): the numbers
come from the checked fictional ranges, the names from the committed copy of Faker's tables
(the project's own data: the same whatever Faker release is installed). That the drawn values
did not change is pinned by ``test_determinism``'s and ``test_seeded_data``'s goldens."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from simulator.data.customers import _locale_data
from simulator.data.faker_tables import (
    COMMITTED_LOCALES,
    TABLES_FILE,
    committed_tables,
    faker_tables,
    installed_faker,
    main,
)

_PROBE = """
import json, sys
from simulator.data.faker_tables import committed_tables
from simulator.engine import Simulator
loaded = {}
sim = Simulator(seed=4)
sim.login()
sim.set_agent_state("ready")
loaded["ready"] = sorted(m for m in ("faker", "phonenumbers") if m in sys.modules)
sim.offer_call("Customer Support")
loaded["offered"] = sorted(m for m in ("faker", "phonenumbers") if m in sys.modules)
loaded["committed"] = committed_tables("en_US") is not None
print(json.dumps(loaded))
"""


def test_the_engine_draws_a_us_customer_without_importing_faker_or_phonenumbers():
    # A fresh interpreter: this test process has imported both long ago.
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=120, check=True
    )
    loaded = json.loads(done.stdout)
    # Neither with another Faker release installed: the committed tables are the project's data
    # (and the fictional ranges are checked by test_data_realism, not at run time).
    assert loaded == {"ready": [], "offered": [], "committed": True}


@pytest.mark.parametrize("locale", COMMITTED_LOCALES)
def test_the_committed_tables_are_fakers_own_for_the_installed_release(locale):
    from importlib.metadata import version

    recorded = json.loads(TABLES_FILE.read_text("utf-8"))["faker"]
    if recorded == version("Faker"):
        assert committed_tables(locale) == faker_tables(locale)
        assert main(["--check"]) == 0
    else:  # another release: the committed copy is still the data drawn from
        assert (
            committed_tables(locale)
            == json.loads(TABLES_FILE.read_text("utf-8"))["locales"][locale]
        )


def test_the_tables_read_from_faker_draw_the_same_customers_as_the_committed_ones():
    committed = _locale_data("en_US")
    _locale_data.cache_clear()
    try:
        from unittest import mock

        with mock.patch("simulator.data.faker_tables.committed_tables", return_value=None):
            from_faker = _locale_data("en_US")
    finally:
        _locale_data.cache_clear()
    assert from_faker == committed


def test_a_locale_without_committed_tables_reads_faker():
    assert committed_tables("en_GB") is None
    assert _locale_data("en_GB").suffixes == tuple(faker_tables("en_GB")["suffixes"])


def test_a_stale_committed_file_fails_the_check(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "faker_tables.json"
    stale.write_text('{"faker": "0", "locales": {}}\n', "utf-8")
    monkeypatch.setattr("simulator.data.faker_tables.TABLES_FILE", stale)
    assert main(["--check"]) == 1
    assert "--write" in capsys.readouterr().out


def test_the_committed_copy_is_drawn_from_whatever_faker_release_is_installed(
    tmp_path, monkeypatch
):
    """A user's own Faker pin never changes a seeded US customer (nor brings Faker's import)."""
    other = tmp_path / "faker_tables.json"
    tables = {"first": ["Zed"], "last": ["Quill"], "company_formats": ["Q"], "suffixes": ["X"]}
    other.write_text(json.dumps({"faker": "0.0.1", "locales": {"en_US": tables}}), "utf-8")
    monkeypatch.setattr("simulator.data.faker_tables.TABLES_FILE", other)
    _locale_data.cache_clear()
    try:
        assert committed_tables("en_US") == tables
        assert _locale_data("en_US").suffixes == ("X",)
    finally:
        _locale_data.cache_clear()


def test_the_installed_faker_version_is_read_as_importlib_metadata_reads_it():
    from importlib.metadata import version

    assert installed_faker() == version("Faker")
