"""A journal that finds no room (a full disk, a quota) says what to do: the run's line said
"database or disk is full" and stopped there. SQLite's own size limit (``max_page_count``) makes
the same error as a full disk, deterministically."""

from __future__ import annotations

import pytest

from simulator.journal import Journal, JournalWriteError
from tests.unit.journal_fakes import FakeEvent


def test_a_commit_that_finds_no_room_says_what_to_do(tmp_path):
    path = tmp_path / "j.sqlite3"
    journal = Journal.open(path)
    journal.commit([FakeEvent(1)])
    pages = journal._db.execute("PRAGMA page_count").fetchone()[0]
    journal._db.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(JournalWriteError) as caught:
        big = [FakeEvent(seq) for seq in range(2, 40)]
        for event in big:
            event.wire_args = ({"note": "x" * 8192},)
        journal.commit(big)
    assert str(caught.value) == (
        f"{path}: cannot write event #2 ON_LOGIN: database or disk is full: "
        "free some space on its disk"
    )
    journal.close()
    with Journal.open(path, writing=False) as read:
        assert [event.seq for event in read.events()] == [1]
