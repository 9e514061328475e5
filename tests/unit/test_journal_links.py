"""A ``--journal`` that is a symbolic link reaching no file it could be (a loop, a target whose
folder is gone): a run said "cannot be written (unable to open database file)", and a reader
"no journal here; run adsim first", which then failed the same way. Both name the link."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from simulator.cli import main

CHAT = str(Path(__file__).resolve().parents[2] / "fixtures" / "scenarios" / "chat.yaml")


def _loop(tmp_path: Path) -> tuple[Path, str]:
    os.symlink(tmp_path / "b.db", tmp_path / "a.db")
    os.symlink(tmp_path / "a.db", tmp_path / "b.db")
    return (
        tmp_path / "a.db",
        "is a symbolic link that loops (to itself, or through others back to it)",
    )


def _dangling(tmp_path: Path) -> tuple[Path, str]:
    target = tmp_path / "gone" / "j.db"
    os.symlink(target, tmp_path / "a.db")
    return tmp_path / "a.db", f"is a symbolic link to {target}, whose folder does not exist"


@pytest.mark.parametrize("make", [_loop, _dangling], ids=["loop", "dangling"])
@pytest.mark.parametrize(
    ("argv", "advice"),
    [
        (["run", CHAT], "pass another --journal file"),
        (["journal", "export"], "pass the journal file with --journal PATH"),
        (["journal", "prune", "--keep", "1"], "pass the journal file with --journal PATH"),
    ],
    ids=["run", "export", "prune"],
)
def test_a_link_to_no_file_is_named(tmp_path, capsys, make, argv, advice):
    link, what = make(tmp_path)
    assert main([*argv, "--journal", str(link)]) == 2
    assert capsys.readouterr().err == f"adsim: {link}: {what}; {advice}\n"
    assert not (tmp_path / "gone").exists()


def test_a_link_to_a_file_not_made_yet_is_made_by_a_run(tmp_path):
    os.symlink(tmp_path / "target.db", tmp_path / "a.db")
    assert main(["run", CHAT, "--journal", str(tmp_path / "a.db")]) == 0
    assert (tmp_path / "target.db").stat().st_size > 0
