"""Scenario (and tenant) files a tester may hand adsim by mistake, each told for what it is.

A UTF-32 file was called UTF-16 (its byte order mark starts with UTF-16's), or a control
character at 1:1; two YAML documents in one file read "but found another document"; a symbolic
link whose target is gone said "No such file or directory" of a file the user can see.
"""

from __future__ import annotations

import pytest

from simulator.cli import main

SCENARIO = "name: x\nsteps: []\n"


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (SCENARIO.encode("utf-32"), "is UTF-32: save it as UTF-8"),
        (b"\x00\x00\xfe\xff" + SCENARIO.encode("utf-32-be"), "is UTF-32: save it as UTF-8"),
        (SCENARIO.encode("utf-32-le"), "is UTF-32 without a byte order mark"),
        (SCENARIO.encode("utf-32-be"), "is UTF-32 without a byte order mark"),
        (SCENARIO.encode("utf-16"), "is UTF-16 (Notepad's 'Unicode'): save it as UTF-8"),
    ],
)
@pytest.mark.parametrize("as_tenant", [False, True], ids=["scenario", "tenant"])
def test_a_file_in_utf_32_is_called_utf_32(data, said, as_tenant, tmp_path, capsys):
    path = tmp_path / "file.yaml"
    path.write_bytes(data)
    argv = ["demo", "--tenant", str(path)] if as_tenant else ["run", str(path)]
    assert main([*argv, "--journal", ":memory:"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"adsim: {path}: {said}")
    assert err.count("\n") == 1


def test_two_documents_in_one_file_say_so(tmp_path, capsys):
    path = tmp_path / "two.yaml"
    path.write_text("name: a\nsteps: []\n---\nname: b\nsteps: []\n", encoding="utf-8")
    assert main(["run", str(path), "--journal", ":memory:"]) == 2
    assert capsys.readouterr().err == (
        f"adsim: {path}:3:1: a second YAML document (after ---) here: a scenario file holds one "
        "scenario; put each in a file of its own\n"
    )


def test_a_link_to_nowhere_is_named_a_link(tmp_path, capsys):
    link = tmp_path / "flow.yaml"
    link.symlink_to("moved-away.yaml")
    assert main(["run", str(link), "--journal", ":memory:"]) == 2
    assert capsys.readouterr().err == (
        f"adsim: {link}: cannot read the scenario file: it is a symbolic link to "
        "'moved-away.yaml', which is not there\n"
    )


def test_a_tenant_link_to_nowhere_is_named_a_link(tmp_path, capsys):
    link = tmp_path / "tenant.yaml"
    link.symlink_to("moved-away.yaml")
    assert main(["demo", "--tenant", str(link), "--journal", ":memory:"]) == 2
    assert capsys.readouterr().err == (
        f"adsim: {link}: cannot read the tenant file: it is a symbolic link to "
        "'moved-away.yaml', which is not there\n"
    )
