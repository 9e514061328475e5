"""``adsim journal export`` streams "in constant memory whatever the size of the journal", and
``show`` prints an interaction as it reads it. Rows of a megabyte (every event after a handler
set a large variable carries it) broke both: export read 500 rows at a time (500 MB held before
the first was written), and a read of one interaction (``show``, ``export --interaction``) had
SQLite sort the rows themselves, every one in its memory at once.

Measured as the peak memory of a process of its own reading a journal of 10 such rows and one of
80: the same (within a few rows' worth), not 70 MB more. Linux only (``VmHWM``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from simulator.journal import Journal
from simulator.journal.store import MIGRATIONS

ROOT = Path(__file__).resolve().parents[2]
ROW = 1_000_000
"""Characters of each event's argument."""
WAIT = 120

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="/proc/self/status")


class _Event:
    def __init__(self, seq: int):
        self.seq = seq
        self.name = "ON_INTERACTION_STATE_CHANGE"
        self.time_ms = 1000 + seq
        self.interaction_id = "I-1"
        self.wire_args = ({"variables": {"big": f"{seq:07d}" + "x" * ROW}},)


def _journals(tmp_path_factory, migrations=MIGRATIONS) -> dict[int, Path]:
    made = {}
    for count in (10, 80):
        path = tmp_path_factory.mktemp("j") / "j.db"
        with Journal.open(path, migrations=migrations) as journal:
            for seq in range(1, count + 1):
                journal.commit([_Event(seq)])
        made[count] = path
    return made


@pytest.fixture(scope="module")
def journals(tmp_path_factory) -> dict[int, Path]:
    """A journal of 10 events of ``ROW`` characters and one of 80, one interaction's."""
    return _journals(tmp_path_factory)


@pytest.fixture(scope="module")
def older_journals(tmp_path_factory) -> dict[int, Path]:
    """The same, written by an adsim of schema version 2."""
    return _journals(tmp_path_factory, MIGRATIONS[:2])


_PEAK = (  # VmHWM, not ru_maxrss: that keeps the high-water mark of pytest's own forked copy
    "import sys\n"
    "from simulator.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "status = open('/proc/self/status', encoding='ascii').read()\n"
    "peak = status.split('VmHWM:')[1].split()[0]\n"
    "print(code, peak, file=sys.stderr)\n"
)


def _peak_kb(argv: list[str]) -> int:
    ran = subprocess.run(
        [sys.executable, "-c", _PEAK, *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        timeout=WAIT,
        check=False,
    )
    code, peak = ran.stderr.split()[-2:]
    assert code == "0", ran.stderr
    return int(peak)


@pytest.mark.parametrize(
    "argv",
    [
        ["journal", "export"],
        ["journal", "export", "--format", "csv"],
        ["journal", "export", "--interaction", "I-1"],
        ["journal", "show", "I-1"],
    ],
    ids=" ".join,
)
def test_reading_takes_the_same_memory_for_8_times_the_rows(journals, argv):
    small, large = (_peak_kb([*argv, "--journal", str(journals[n])]) for n in (10, 80))
    # 70 more rows of ~1 MB: 70 MB more if they are held together; a handful if streamed.
    assert large - small < 20_000, (small, large)


@pytest.mark.parametrize("argv", [["journal", "export"], ["journal", "runs"]], ids=" ".join)
def test_an_older_journal_is_upgraded_for_reading_outside_memory(older_journals, argv):
    """Read, a journal of an older schema is upgraded in a copy, never in place: that copy was
    in memory, so exporting a journal of 750 MB (or only listing its runs) took 750 MB."""
    small, large = (_peak_kb([*argv, "--journal", str(older_journals[n])]) for n in (10, 80))
    assert large - small < 20_000, (small, large)
