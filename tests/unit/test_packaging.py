"""The package's metadata: what a package index and a user's resolver see.

The wheel itself is built, installed and run in ``tests/e2e/test_package.py``.
"""

from __future__ import annotations

import re
import tomllib

import simulator
from tests.documentation import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
PROJECT = PYPROJECT["project"]


def test_the_license_is_an_spdx_expression_with_its_file():
    assert PROJECT["license"] == "MIT"
    assert PROJECT["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text("utf-8")
    assert text.startswith("MIT License")
    assert "Permission is hereby granted, free of charge" in text
    # An SPDX license and a license classifier together are an error for setuptools.
    assert not [c for c in PROJECT["classifiers"] if c.startswith("License ::")]


def test_the_version_has_one_source():
    assert "version" not in PROJECT
    assert "version" in PROJECT["dynamic"]
    dynamic = PYPROJECT["tool"]["setuptools"]["dynamic"]["version"]
    assert dynamic == {"attr": "simulator.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", simulator.__version__)


def test_the_changelog_has_the_current_version():
    changelog = (ROOT / "CHANGELOG.md").read_text("utf-8")
    assert f"\n## {simulator.__version__}" in changelog


def test_the_index_gets_classifiers_authors_and_a_short_description():
    assert {"Framework :: Pytest", "Typing :: Typed"} <= set(PROJECT["classifiers"])
    assert PROJECT["authors"]
    description = (ROOT / PROJECT["readme"]).read_text("utf-8")
    assert len(description.splitlines()) <= 60
    # Relative links break on an index page; absolute ones must lead somewhere real.
    assert not re.findall(r"\]\((?!https://)[^)]+\)", description)


def test_no_invented_project_address_reaches_the_index():
    """The project has no public home yet: an address made up for the metadata is a dead link.

    When it gets one, list it under [project.urls] and here, and this test checks them all.
    """
    known_homes: tuple[str, ...] = ()
    urls = PROJECT.get("urls", {})
    description = (ROOT / PROJECT["readme"]).read_text("utf-8")
    addresses = list(urls.values()) + re.findall(r"https?://[^\s)>`]+", description)
    stray = [url for url in addresses if not url.startswith(known_homes or ("\0",))]
    assert not stray, f"addresses outside the project's known homes: {stray}"


def test_runtime_dependencies_are_ranges_not_pins():
    for requirement in PROJECT["dependencies"]:
        assert "==" not in requirement, f"{requirement}: a pin collides with a user's own"
        assert ">=" in requirement, f"{requirement}: give the lowest version tested"


def test_the_sdist_carries_the_fixtures():
    manifest = (ROOT / "MANIFEST.in").read_text("utf-8").splitlines()
    assert "graft fixtures" in manifest
