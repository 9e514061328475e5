"""Load mode: repeats with new seeds, pacing in interactions per wall second, the summary."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.scenarios import parse_scenario, run_load
from simulator.scenarios.load_mode import Latencies, percentile
from simulator.scenarios.report import ProgressBar, format_load

FLOW = "steps:\n  - call\n  - accept\n  - wait: 1m\n  - hang_up\n  - complete\n"


class FakeTime:
    def __init__(self):
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def test_repeats_use_new_seeds_and_count_interactions():
    seen = []
    report = run_load(
        parse_scenario(FLOW, "s.yaml"),
        repeat=5,
        on_result=lambda index, result: seen.append((index, result.seed, result.jsonl())),
    )
    assert [(i, s) for i, s, _ in seen] == [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4)]
    assert len({jsonl for *_, jsonl in seen}) == 5
    assert report.runs == 5
    assert report.interactions == 5
    assert report.exit_code == 0
    assert report.simulated_ms == 5 * 60_000


def test_rate_paces_interactions_per_wall_second():
    time = FakeTime()
    report = run_load(
        parse_scenario(FLOW, "s.yaml"), repeat=4, rate=2.0, sleep=time.sleep, clock=time.clock
    )
    assert report.runs == 4
    # runs start at 0, 0.5, 1.0, 1.5 s: the first immediately, then every half second
    assert time.slept == [0.5, 0.5, 0.5]
    assert report.wall_seconds == 1.5


def test_failures_and_refusals():
    failing = parse_scenario(FLOW + "  - expect: {event: ON_LOGOUT}\n", "f.yaml")
    report = run_load(failing, repeat=3)
    assert report.failed_runs == 3
    assert report.exit_code == 1
    assert report.errors[0].startswith("run 1 (seed 0): f.yaml:7:5: expected at least 1")
    refused = run_load(parse_scenario("steps:\n  - hold\n", "r.yaml"), repeat=3)
    assert refused.runs == 1
    assert refused.exit_code == 2
    assert "r.yaml:2:5" in (refused.stopped or "")


def test_percentiles():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile(values, 99) == 99
    assert percentile([], 50) is None
    assert percentile([7.0], 99) == 7.0


@dataclass
class Outcome:
    duration_ms: float
    status: str = "ok"


def test_summary_reports_latency():
    report = run_load(parse_scenario(FLOW, "s.yaml"), repeat=2)
    report.latencies_ms = Latencies.of([1.0, 2.0, 3.0, 40.0])
    text = format_load(report)
    assert "PASS" in text
    assert "2 interactions in" in text
    assert "handler latency over 4 calls: p50 2.0 ms, p95 40.0 ms, p99 40.0 ms" in text


def test_progress_bar_only_on_a_terminal():
    import io

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    plain, tty = io.StringIO(), Tty()
    for stream in (plain, tty):
        bar = ProgressBar(10, stream)
        bar.update(10)
        bar.close()
    assert plain.getvalue() == ""
    assert "[##############################] 10/10 runs" in tty.getvalue()


def test_the_pace_starts_when_the_first_run_does_not_when_its_plugins_load():
    # A plugin that took 2 s to load put the series 2 s behind its pace at its first run: the
    # next runs went back to back to catch up (20 runs at --rate 10 reached the handler within
    # 30 ms), and the summary's interactions/s counted the loading.
    time = FakeTime()
    built = []

    def host_factory(sim):
        from simulator.handlers import HandlerHost

        if not built:  # a series loads its plugins once: their processes, imports, register()
            time.now += 2.0
        built.append(HandlerHost(sim, isolation="thread"))
        return built[-1]

    try:
        report = run_load(
            parse_scenario(FLOW, "s.yaml"),
            repeat=4,
            rate=2.0,
            sleep=time.sleep,
            clock=time.clock,
            host_factory=host_factory,
            close_host=lambda host: None,
        )
    finally:  # left open, each host kept SIGUSR1, SIGALRM ... caught for the rest of the session
        for host in built:
            host.close()
    assert report.runs == 4
    assert time.slept == [0.5, 0.5, 0.5]
    assert report.wall_seconds == 1.5


def test_a_run_late_for_its_slot_is_not_caught_up_with_a_burst():
    # A run that stalled (a handler at its timeout) made the next runs go back to back until
    # the schedule was met again: the handlers felt the machine's top speed, not --rate.
    time = FakeTime()

    def seen(index, result):
        if index == 1:
            time.now += 3.0

    report = run_load(
        parse_scenario(FLOW, "s.yaml"),
        repeat=5,
        rate=2.0,
        sleep=time.sleep,
        clock=time.clock,
        on_result=seen,
    )
    assert report.runs == 5
    # runs at 0, 0.5, then 3.5 (late: at once), 4.0, 4.5: never two in one half second
    assert time.slept == [0.5, 0.5, 0.5]
    assert report.wall_seconds == 4.5


def test_a_rate_with_no_interaction_to_pace_says_so():
    # --rate 1 on a flow with no interaction ran the series back to back without a word.
    time = FakeTime()
    flow = "steps:\n  - set_state: {state: not_ready, reason: Lunch}\n  - set_state: ready\n"
    report = run_load(
        parse_scenario(flow, "s.yaml"), repeat=3, rate=1.0, sleep=time.sleep, clock=time.clock
    )
    assert time.slept == []
    assert (
        "  note: --rate paces interactions and these runs had none: they ran back to back"
        in format_load(report).splitlines()
    )
    paced = run_load(parse_scenario(FLOW, "s.yaml"), repeat=2, rate=1.0, sleep=time.sleep)
    assert "note:" not in format_load(paced)
    assert "note:" not in format_load(run_load(parse_scenario(flow, "s.yaml"), repeat=2))


def test_the_errors_left_out_of_the_summary_are_counted():
    # 30 failed runs listed 10 and nothing after them: the list read as complete.
    failing = parse_scenario(FLOW + "  - expect: {event: ON_LOGOUT}\n", "f.yaml")
    report = run_load(failing, repeat=13)
    lines = format_load(report).splitlines()
    assert lines[-2].startswith("  run 10 (seed 9): f.yaml:7:5: expected at least 1")
    assert lines[-1] == "  ... and 3 more"
    shown = run_load(failing, repeat=10)
    assert "more" not in format_load(shown)
