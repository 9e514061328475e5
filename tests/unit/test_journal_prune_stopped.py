"""A stop (Ctrl-C, SIGTERM) that comes while ``adsim journal prune`` works.

Once the deletes were committed the runs were gone, but a stop during the file's rewrite (or
right as the commit returned) ended the command with ``adsim: interrupted (SIGINT): stopping``
alone, exit 130: the tester was left to think nothing was pruned, and the line saying which
runs were deleted was never printed. A stop before the commit deleted nothing, and said only
that it stopped.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest

from simulator import interrupts
from simulator.cli import main
from simulator.journal import Journal, pruning

ROOT = Path(__file__).resolve().parents[2]
CHAT = str(ROOT / "fixtures" / "scenarios" / "chat.yaml")
pytestmark = pytest.mark.usefixtures("sigint_heard")


class _StopDuring:
    """The prune's connection, SIGINT coming while ``statement`` runs (its handler runs as the
    statement returns, as a Ctrl-C during a long statement does)."""

    def __init__(self, db: Any, statement: str) -> None:
        self._db, self._statement, self.sent = db, statement, False

    def execute(self, sql: str, *args: Any) -> Any:
        cursor = self._db.execute(sql, *args)
        if sql.startswith(self._statement) and not self.sent:
            self.sent = True
            signal.raise_signal(signal.SIGINT)
        return cursor

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)


@pytest.fixture
def journal(tmp_path, capfd) -> Path:
    path = tmp_path / "j.sqlite3"
    for seed in ("1", "2", "3"):
        assert main(["run", CHAT, "--journal", str(path), "--seed", seed]) == 0
    capfd.readouterr()
    return path


def _stopped_during(statement: str, monkeypatch) -> list[_StopDuring]:
    opened: list[_StopDuring] = []

    def open_database(*args: Any, **kwargs: Any) -> _StopDuring:
        opened.append(_StopDuring(real(*args, **kwargs), statement))
        return opened[-1]

    real = pruning.open_database
    monkeypatch.setattr(pruning, "open_database", open_database)
    return opened


def _runs(path: Path) -> list[int]:
    with Journal.open(path, writing=False) as read:
        return [run_id for run_id, _started, _meta in read.runs()]


@pytest.mark.parametrize("statement", ["COMMIT", "VACUUM", "PRAGMA wal_checkpoint"])
def test_a_stop_once_the_runs_are_deleted_says_what_was_deleted(
    journal, capfd, monkeypatch, statement
):
    opened = _stopped_during(statement, monkeypatch)
    with interrupts.stop_on_signals():
        code = main(["journal", "prune", "--keep", "1", "--journal", str(journal)])
    assert opened[0].sent
    assert code == 130
    captured = capfd.readouterr()
    assert captured.out.startswith(f"{journal}: deleted runs 1-2 (2), kept the last 1; ")
    assert captured.err == "adsim: interrupted (SIGINT): stopping\n"
    assert _runs(journal) == [3]


@pytest.mark.parametrize("statement", ["BEGIN IMMEDIATE", "DELETE FROM events", "DELETE FROM runs"])
def test_a_stop_before_the_commit_says_nothing_was_deleted(journal, capfd, monkeypatch, statement):
    opened = _stopped_during(statement, monkeypatch)
    with interrupts.stop_on_signals():
        code = main(["journal", "prune", "--keep", "1", "--journal", str(journal)])
    assert opened[0].sent
    assert code == 130
    captured = capfd.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"adsim: interrupted (SIGINT): stopping\nadsim: {journal}: the prune was stopped before "
        "it deleted anything: the journal is as it was\n"
    )
    assert _runs(journal) == [1, 2, 3]
