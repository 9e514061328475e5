"""Documentation that cannot rot: generated tables are fresh, every command and fixture is
described in the documentation site's pages, and the site builds with warnings as errors."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys

import pytest

from simulator.cli import build_parser
from simulator.reference import PAGES, main, refresh
from tests.documentation import DOCS, NAV, README, ROOT, page, text


@pytest.mark.parametrize("name", sorted(PAGES))
def test_generated_tables_are_fresh(name):
    current = text(page(name))
    assert refresh(current, PAGES[name]) == current, (
        f"run `python -m simulator.reference --write` and commit docs/{name}"
    )


def test_the_check_command_finds_a_stale_table(tmp_path, capsys):
    for name in PAGES:
        (tmp_path / name).write_text(text(page(name)), "utf-8")
    assert main(["--docs", str(tmp_path), "--check"]) == 0
    stale = text(page("handlers.md")).replace("| `ON_LOGIN` |", "| `ON_LOGGED_IN` |")
    (tmp_path / "handlers.md").write_text(stale, "utf-8")
    assert main(["--docs", str(tmp_path), "--check"]) == 1
    assert "handlers.md: stale tables" in capsys.readouterr().err
    assert main(["--docs", str(tmp_path), "--write"]) == 0
    assert text(tmp_path / "handlers.md") == text(page("handlers.md"))


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def test_every_subcommand_is_in_the_command_table():
    section = text(page("cli.md")).split("## Every command and option", 1)[0]
    for command in _subcommands(build_parser()):
        assert f"`adsim {command}" in section, f"`adsim {command}` is not documented"


def test_every_option_of_every_command_is_in_the_reference():
    reference = text(page("cli.md"))
    parser = build_parser()
    commands = {"adsim": parser} | {
        f"adsim {name}": child for name, child in _subcommands(parser).items()
    }
    for prog, command in commands.items():
        assert f"### `{prog}`" in reference, prog
        for action in command._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            for flag in action.option_strings:
                assert f"`{flag}" in reference or f", {flag}" in reference, f"{prog} {flag}"


def test_every_fixture_and_option_of_the_plugin_is_documented():
    plugin = (ROOT / "simulator/testing/plugin.py").read_text()
    fixtures = re.findall(r"@pytest\.fixture\ndef (\w+)", plugin)
    options = re.findall(r'"(--adsim-[\w-]+)"', plugin)
    inis = re.findall(r'addini\(\s*"(\w+)"', plugin)
    section = text(page("pytest.md"))
    assert fixtures and options and inis
    for name in fixtures + options + inis:
        assert name in section, f"{name} is not documented"


def test_every_page_is_in_the_navigation():
    on_disk = {path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md")}
    assert on_disk == set(NAV)


def test_the_readme_is_a_short_front_page_linking_every_page():
    front = text(README)
    assert len(front.splitlines()) <= 250
    for name in NAV:
        assert f"](docs/{name})" in front, f"the README does not link docs/{name}"
    assert "pip install agent-desktop-simulator[gui]" in front
    assert "make run" in front
    assert "make test" in front


def test_every_page_has_one_title():
    """One `# ` heading a page (outside code): the site and GitHub take it as the title, and a
    second one splits the page's table of contents."""
    for path in [README, *DOCS.rglob("*.md")]:
        prose = re.sub(r"```.*?```", "", text(path), flags=re.S)
        titles = re.findall(r"^# .*", prose, re.M)
        assert len(titles) == 1, f"{path.relative_to(ROOT)}: {titles}"


def test_no_page_names_a_machine_path():
    for path in [README, *DOCS.rglob("*.md"), ROOT / "CHANGELOG.md"]:
        found = re.findall(r"(?<![\w.])/(?:work|home|root|Users|tmp|opt)/\S*", text(path))
        assert found == [], f"{path.relative_to(ROOT)} names machine paths: {found}"


@pytest.mark.slow
def test_the_site_builds_with_warnings_as_errors(tmp_path):
    pytest.importorskip("mkdocs", reason="the dev extra installs mkdocs")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (tmp_path / "cli" / "index.html").is_file()
    assert (tmp_path / "assets" / "screenshot-call.png").is_file()


def _slugs(path) -> set[str]:
    """The anchors GitHub (and the site's ``toc``) give a page's headings."""
    prose = re.sub(r"```.*?```", "", text(path), flags=re.S)
    slugs = set()
    for heading in re.findall(r"^#+ (.*)", prose, re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        slugs.add(slug)
    return slugs


def test_every_link_of_the_readme_resolves():
    """The front page's links are relative to the repository, as GitHub resolves them; an
    anchor must be a heading of the page it points into."""
    links = re.findall(r"\]\(([^)\s]+)\)", text(README))
    local = [link for link in links if "://" not in link]
    assert local
    missing = [link for link in local if not (ROOT / link.split("#", 1)[0]).exists()]
    assert missing == []
    anchored = [link.split("#", 1) for link in local if "#" in link]
    assert anchored, "the README links no section (the vendor-silent choices)"
    dangling = [f"{p}#{a}" for p, a in anchored if a not in _slugs(ROOT / p)]
    assert dangling == []


def test_make_docs_serves_the_site():
    result = subprocess.run(
        ["make", "-n", "docs"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0 and "No rule" in result.stderr:
        raise AssertionError("the Makefile has no docs target")
    assert "mkdocs serve" in result.stdout, result.stdout + result.stderr
