"""A file option given an empty value (``--handler "$HANDLER"`` in a CI script, the variable
unset) is refused, naming the option, before anything is read.

``--handler ""`` loaded the working directory as a handler folder: every ``*.py`` in it
(``setup.py``, ``conftest.py`` ...) was imported as a plugin. ``adsim journal export --journal ""``
read the default journal instead, and ``--tenant ""`` was "adsim: .: cannot read the tenant
file: Is a directory"."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]
CHAT = str(ROOT / "fixtures" / "scenarios" / "chat.yaml")

CASES = {
    "run-handler": (["run", CHAT, "--journal", ":memory:", "--handler", ""], "--handler"),
    "run-agent-handler": (
        ["run", CHAT, "--journal", ":memory:", "--handler", "omar="],
        "--handler",
    ),
    "demo-handler": (["demo", "--journal", ":memory:", "--handler", ""], "--handler"),
    "run-tenant": (["run", CHAT, "--journal", ":memory:", "--tenant", ""], "--tenant"),
    "demo-tenant": (["demo", "--journal", ":memory:", "--tenant", ""], "--tenant"),
    "generate-tenant": (["generate", "--count", "1", "--tenant", ""], "--tenant"),
    "run-journal": (["run", CHAT, "--journal", ""], "--journal"),
    "export-journal": (["journal", "export", "--journal", ""], "--journal"),
    "show-journal": (["journal", "show", "X", "--journal", ""], "--journal"),
    "run-scenario": (["run", "", "--journal", ":memory:"], "SCENARIO"),
    "js-handler": (["run", CHAT, "--journal", ":memory:", "--js-handler", ""], "--js-handler"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_an_empty_file_name_is_refused_naming_the_option(tmp_path, capsys, monkeypatch, case):
    argv, option = CASES[case]
    monkeypatch.chdir(tmp_path)  # were "" the working directory, this plugin would load
    (tmp_path / "setup.py").write_text("raise SystemExit('imported as a plugin')\n")
    monkeypatch.setenv("ADSIM_JOURNAL", str(tmp_path / "default.db"))
    with pytest.raises(SystemExit) as ended:
        main(argv)
    assert ended.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert f": argument {option}" in err.splitlines()[0], err
    assert "an empty file name" in err.splitlines()[0], err
    assert not (tmp_path / "default.db").exists()


@pytest.mark.parametrize(
    "argv",
    [["run", CHAT, "--journal", ":memory:", "--page", ""], ["--page", ""]],
    ids=["run", "window"],
)
def test_an_empty_page_is_refused_not_the_working_directory_served(tmp_path, capsys, argv):
    """``--page "$PAGE"`` with the variable unset served the working directory as the CRM page
    (its index.html, and every file beside it), and the run passed."""
    with pytest.raises(SystemExit) as ended:
        main(argv)
    assert ended.value.code == 2
    first = capsys.readouterr().err.splitlines()[0]
    assert first.endswith(
        "argument --page: an empty page; give a URL or a folder with index.html"
    ), first


def test_a_file_given_as_the_screenshot_folder_is_called_a_file(tmp_path, capsys):
    """``--page-screenshots report.html`` was "cannot create it: File exists"."""
    page = ROOT / "fixtures" / "example_page"
    taken = tmp_path / "report.html"
    taken.write_text("<p>mine</p>")
    argv = ["run", CHAT, "--journal", ":memory:", "--page", str(page)]
    assert main([*argv, "--page-screenshots", str(taken)]) == 2
    assert capsys.readouterr().err == (
        f"adsim: {taken}: is a file: give a folder for the screenshots\n"
    )
    assert taken.read_text() == "<p>mine</p>"
