"""Load mode's interactions/s: the pace the runs started at, the one ``--rate`` sets, in the
summary and the progress bar alike."""

from __future__ import annotations

import io

import pytest

from simulator.scenarios import parse_scenario, run_load
from simulator.scenarios.load_mode import LoadReport
from simulator.scenarios.report import ProgressBar, format_load

FLOW = "steps:\n  - call\n  - accept\n  - wait: 1m\n  - hang_up\n  - complete\n"
TWO_CALLS = FLOW + "  - call\n  - accept\n  - hang_up\n  - complete\n"


class FakeTime:
    """A wall clock the runs move by hand: each run lasts ``run_seconds``."""

    def __init__(self, run_seconds: float = 0.0):
        self.now = 100.0
        self.run_seconds = run_seconds

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def ran(self, index: int, result: object) -> None:
        self.now += self.run_seconds


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _paced(flow: str, repeat: int, rate: float, run_seconds: float) -> LoadReport:
    time = FakeTime(run_seconds)
    return run_load(
        parse_scenario(flow, "s.yaml"),
        repeat=repeat,
        rate=rate,
        sleep=time.sleep,
        clock=time.clock,
        on_result=time.ran,
    )


def test_a_series_kept_at_its_rate_says_that_rate():
    # --rate 5 printed 5.2/s: 25 interactions over the 24 intervals between the runs' starts
    # (and the last run's own length), counted as if 25 intervals had passed.
    report = _paced(FLOW, repeat=25, rate=5.0, run_seconds=0.004)
    assert report.interactions == 25
    assert round(report.wall_seconds, 3) == 4.804  # the series' time, as it was
    assert report.interactions_per_second == pytest.approx(5.0)
    text = format_load(report)
    assert "25 interactions in 4.80 s, started at 5.0 interactions/s;" in text


def test_the_pace_counts_every_interaction_of_a_run_at_its_start():
    # Two interactions a run at --rate 4: a run every half second, 4 interactions/s.
    report = _paced(TWO_CALLS, repeat=5, rate=4.0, run_seconds=0.1)
    assert report.interactions == 10
    assert report.paced_interactions == 8
    assert report.paced_seconds == pytest.approx(2.0)
    assert report.interactions_per_second == pytest.approx(4.0)


def test_a_series_slower_than_its_rate_says_its_own_pace():
    # Runs of a second each at --rate 2: the machine could not keep the rate, and says so.
    report = _paced(FLOW, repeat=3, rate=2.0, run_seconds=1.0)
    assert report.interactions_per_second == pytest.approx(1.0)
    assert "started at 1.0 interactions/s" in format_load(report)


def test_one_run_has_no_pace_to_say():
    report = _paced(FLOW, repeat=1, rate=2.0, run_seconds=0.5)
    assert not report.paced
    assert "1 interaction in 0.50 s (one run: no pace between runs);" in format_load(report)


def test_the_progress_bar_says_the_summarys_pace():
    # The bar divided by the time since it was made (the plugins' loading too) and counted the
    # run under way: it and the summary disagreed.
    time = FakeTime(0.05)
    tty = Tty()
    bar = ProgressBar(4, tty)
    live = LoadReport("s", rate=2.0)

    def seen(index: int, result: object) -> None:
        time.ran(index, result)
        bar.update(index + 1, live)

    report = run_load(
        parse_scenario(FLOW, "s.yaml"),
        repeat=4,
        rate=2.0,
        sleep=time.sleep,
        clock=time.clock,
        on_result=seen,
        report=live,
    )
    bar.close()
    assert report is live
    drawn = tty.getvalue().split("\r")
    assert drawn[-1] == "[##############################] 4/4 runs, 2.0 interactions/s\n"
    assert "started at 2.0 interactions/s" in format_load(report)
