"""``adsim run --page``: a CRM page in offscreen QtWebEngine plays scenarios headless (CI)."""

from __future__ import annotations

import io
import json
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets", reason="needs agent-desktop-simulator[web]")

from PySide6.QtGui import QImage

# Imported at collection, before any QApplication exists: it registers the adsim:// scheme.
from simulator.cli import main
from simulator.data import InputFileError
from simulator.gui import page_run
from simulator.handlers import HandlerHost
from simulator.journal import Journal
from simulator.scenarios.loader import load_scenario
from simulator.scenarios.runner import ScenarioResult, ScenarioRunner

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "fixtures" / "example_page"
SCENARIOS = ROOT / "fixtures" / "scenarios"

pytestmark = pytest.mark.gui

HANGING_PAGE = """<!doctype html>
<meta charset="utf-8">
<script src="/agent/communicator/adapters/api.js"></script>
<script>
  var adApi = new window.brightpattern.AdApi({integrationKey: "hangs"});
  window.saved = [];
  // Never settles: the simulator gives up after its handler timeout and goes on.
  adApi.on("ON_NEW_INTERACTION", function () { return new Promise(function () {}); });
  adApi.on("ON_SAVE_ACTIVITY_RECORD", function (a) { window.saved.push(a.interactionId); });
</script>
"""


@pytest.fixture
def headless(qapp: Any) -> Any:
    pages: list[page_run.HeadlessPage] = []

    def open_page(target: Path | str) -> page_run.HeadlessPage:
        page = page_run.HeadlessPage(target)
        pages.append(page)
        return page

    yield open_page
    for page in pages:
        page.close()


def _js(qtbot: Any, page: page_run.HeadlessPage, script: str) -> Any:
    box: list[Any] = []
    page.view.run_js(script, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=10_000)
    return box[0]


def _finish(runner: ScenarioRunner, result: ScenarioResult) -> ScenarioResult:
    runner._settle()
    result.events = list(runner.recorder.events)
    assert runner.host is not None
    result.outcomes = list(runner.host.outcomes)
    result.handler_failures = list(runner.host.failures)
    return result


def test_a_scenario_against_the_example_page(qtbot: Any, headless: Any) -> None:
    page = headless(PAGE)
    journal = Journal.open(":memory:")

    def work(session: page_run.PageSession) -> tuple[ScenarioResult, HandlerHost]:
        runner = ScenarioRunner(load_scenario(SCENARIOS / "blind_transfer.yaml"))
        host = HandlerHost(runner.sim, timeout=10.0, journal=journal)
        runner.host = host
        session.attach(host)
        result = runner.run()
        host.close(timeout=5)
        return result, host

    result, host = page.run(work)
    try:
        assert result.passed, [str(f) for f in result.failures] + [str(result.error)]
        records = [e.wire_args[0] for e in result.events if e.name == "ON_SAVE_ACTIVITY_RECORD"]
        assert records
        shown = _js(
            qtbot,
            page,
            "Array.from(document.querySelectorAll('#activities li'))"
            ".map(li => li.getAttribute('data-interaction-id'))",
        )
        assert shown == [r["interactionId"] for r in records]
        assert _js(qtbot, page, "window.exampleCrm.activities") == records
        assert {o.plugin for o in host.outcomes} == {page_run.PLUGIN}
        assert all(o.status == "ok" for o in host.outcomes), [o.line() for o in host.failures]
        # Every event the page was sent is in the journal, with the page's outcome.
        journaled = journal.events()
        assert [e.seq for e in journaled] == [e.seq for e in result.events]
        assert {o.event_seq for o in journal.outcomes()} == {e.seq for e in result.events}
        # ... and every packet: each event as it went to the page, and each packet the page's
        # message logger saw (the handshake, requests, responses), from either side.
        packets = journal.packets(plugin=page_run.PLUGIN)
        sent = [(p.type, p.params) for p in packets if p.direction == "out" and p.type[:3] == "ON_"]
        wire = json.loads(json.dumps([[e.name.value, list(e.wire_args)] for e in result.events]))
        assert [list(item) for item in sent if not item[0].endswith("_RESPONSE")] == wire
        vendor = [  # the logger shows a response's result, not its array of parameters
            [p.type, p.params[0] if p.type.endswith("_RESPONSE") and p.params else p.params]
            for p in packets
            if not p.type.startswith("__")
        ]
        logged = _js(qtbot, page, "window.exampleCrm.packets")
        assert sorted(map(json.dumps, logged)) == sorted(map(json.dumps, vendor))
        handled = [p for p in packets if p.direction == "in" and p.type == "__handled__"]
        assert len(handled) == len(result.events)
    finally:
        journal.close()


def test_a_page_reload_mid_scenario_is_survived(qtbot: Any, headless: Any) -> None:
    page = headless(PAGE)
    source = load_scenario(SCENARIOS / "inbound_acw_disposition.yaml")
    steps = source.scenario.steps
    accept = next(i for i, step in enumerate(steps) if step.key == "accept")

    def work(session: page_run.PageSession) -> tuple[ScenarioResult, int]:
        runner = ScenarioRunner(source)
        runner.host = HandlerHost(runner.sim, timeout=10.0)
        endpoint = session.attach(runner.host)
        result = runner.new_result()
        runner.start(result)
        for index, step in enumerate(steps):
            if index == accept + 1:
                session.reload()  # mid-call: the F5 a developer presses while testing
            assert runner.run_step(index, step, result), result.error
        _finish(runner, result)
        runner.host.close(timeout=5)
        return result, endpoint.instances

    result, instances = page.run(work)
    assert instances == 2
    assert result.passed, [str(f) for f in result.failures] + [str(result.error)]
    assert not result.handler_failures, [o.line() for o in result.handler_failures]
    (record,) = [e.wire_args[0] for e in result.events if e.name == "ON_SAVE_ACTIVITY_RECORD"]
    # The page after the reload is a new AdApi: it has only what came after the reload.
    assert _js(qtbot, page, "window.exampleCrm.activities") == [record]
    packets = _js(qtbot, page, "window.exampleCrm.packets.map(p => p[0])")
    assert packets[:3] == ["hello", "hi", "ready"]
    assert "ON_NEW_INTERACTION" not in packets


def test_a_page_that_never_answers_gets_api_not_answer(
    qtbot: Any, headless: Any, tmp_path: Path
) -> None:
    (tmp_path / "index.html").write_text(HANGING_PAGE, encoding="utf-8")
    page = headless(tmp_path)

    source = load_scenario(SCENARIOS / "inbound_acw_disposition.yaml")

    def work(session: page_run.PageSession) -> ScenarioResult:
        runner = ScenarioRunner(source)
        runner.host = HandlerHost(runner.sim, timeout=1.0)
        session.attach(runner.host)
        result = runner.run()
        runner.host.close(timeout=5)
        return result

    result = page.run(work)
    (failure,) = result.handler_failures
    assert failure.event_name == "ON_NEW_INTERACTION"
    assert failure.status == "timeout"
    assert "api_not_answer" in (failure.error or "")
    # The run went on: every step ran and the page got the activity record.
    assert result.error is None
    assert result.steps_run == len(source.scenario.steps)
    (record,) = [e.wire_args[0] for e in result.events if e.name == "ON_SAVE_ACTIVITY_RECORD"]
    qtbot.waitUntil(lambda: _js(qtbot, page, "window.saved") == [record["interactionId"]])


def test_a_page_without_an_adapi_is_bad_input(headless: Any, tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<!doctype html><p>no adApi here</p>", encoding="utf-8")
    page = headless(tmp_path)

    def work(session: page_run.PageSession) -> None:
        runner = ScenarioRunner(load_scenario(SCENARIOS / "chat.yaml"))
        host = HandlerHost(runner.sim, timeout=1.0)
        try:
            session.attach(host, timeout=1.0)
        finally:
            host.close(timeout=1)

    with pytest.raises(InputFileError, match=r"did not construct window\.brightpattern\.AdApi"):
        page.run(work)


def test_adsim_run_page(qapp: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    journal = tmp_path / "journal.sqlite3"
    events = tmp_path / "events.jsonl"
    code = main(
        [
            "run",
            str(SCENARIOS / "blind_transfer.yaml"),
            str(SCENARIOS / "chat.yaml"),
            "--page",
            str(PAGE),
            "--journal",
            str(journal),
            "--events-out",
            str(events),
            "--page-screenshots",
            str(tmp_path / "shots"),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.count("PASS") == 2
    assert "QRhi" not in err and "Vulkan" not in err  # offscreen rendering noise is dropped
    with Journal.open(journal) as read:
        runs = read.runs()
        assert len(runs) == 2
        for run_id, _, _ in runs:
            plugins = {o.plugin for o in read.outcomes(run_id=run_id)}
            assert plugins == {page_run.PLUGIN}
            handshake = [p.type for p in read.packets(run_id=run_id)][:4]
            assert handshake == ["__attach__", "hello", "hi", "ready"]
    lines = [json.loads(line) for line in events.read_text(encoding="utf-8").splitlines()]
    assert sum(1 for line in lines if line["event"] == "ON_SAVE_ACTIVITY_RECORD") == 2
    for stem in ("blind_transfer", "chat"):
        shot = QImage(str(tmp_path / "shots" / f"{stem}.png"))
        assert not shot.isNull() and shot.width() >= 800
        # Painted, not blank: the page's text makes dark pixels on its white background.
        colours = {shot.pixel(x, y) for x in range(0, 400, 4) for y in range(0, 80, 4)}
        assert len(colours) > 2


@pytest.mark.parametrize(
    "option",
    [
        ["--page-screenshots", "shots"],
        ["--page-timeout", "5"],
        ["--tenant-url", "https://tenant.adsim.test"],
        ["--allow-origin", "https://api.example.com"],
    ],
)
def test_page_options_need_a_page(option: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", str(SCENARIOS / "chat.yaml"), *option])
    assert code == 2
    assert capsys.readouterr().err == f"adsim: {option[0]}: needs --page URL|DIR\n"


def test_a_bad_screenshot_folder_is_found_before_any_run(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(
        ["run", str(SCENARIOS / "chat.yaml"), "--page", str(PAGE), "--page-screenshots", "/proc/x"]
    )
    out, err = capsys.readouterr()
    assert code == 2
    assert "PASS" not in out and err.startswith("adsim: /proc/x: cannot create it")


def test_scenarios_with_the_same_name_get_their_own_screenshots(tmp_path: Path) -> None:
    from simulator.scenarios.commands import _screenshot_paths

    sources = [
        load_scenario(SCENARIOS / "chat.yaml"),
        load_scenario(SCENARIOS / "email.yaml"),
        load_scenario(SCENARIOS / "chat.yaml"),
    ]
    names = [path.name for path in _screenshot_paths(tmp_path, sources) if path is not None]
    assert names == ["chat.png", "email.png", "chat-2.png"]
    assert _screenshot_paths(None, sources) == [None, None, None]


# ``adsim`` as a terminal starts it: SIGINT neither ignored nor blocked. A child inherits both
# from the process that starts it, and pytest run as a background job of a script (``make test
# &``: POSIX has such jobs ignore SIGINT) or under a runner that blocks it would hand them on;
# ``adsim`` then rightly keeps ignoring Ctrl-C, as every Unix program does, and this test would
# wait for a signal that can never arrive.
_AS_FOREGROUND_JOB = (
    "import signal, sys; "
    "signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM}); "
    "signal.signal(signal.SIGINT, signal.default_int_handler); "
    "signal.signal(signal.SIGTERM, signal.SIG_DFL); "
    "from simulator.cli import main; "
    "sys.exit(main(sys.argv[1:]))"
)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_ctrl_c_stops_a_page_run_at_once(tmp_path: Path, signum: signal.Signals) -> None:
    """Ctrl-C (or a CI job's SIGTERM) while the page's handler hangs: exit 128 + the signal
    now, not after the handler timeout, and no traceback from inside a Qt slot. SIGTERM ended
    the run on the spot (status -15), its runs cut half-way and nothing said."""
    (tmp_path / "index.html").write_text(
        HANGING_PAGE.replace(
            "return new Promise(function () {});",
            "console.log('hanging'); return new Promise(function () {});",
        ),
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    command = [sys.executable, "-c", _AS_FOREGROUND_JOB, "run", str(SCENARIOS / "chat.yaml")]
    command += ["--page", str(tmp_path), "--handler-timeout", "120"]
    lines: queue.SimpleQueue[str] = queue.SimpleQueue()
    seen: list[str] = []
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        reader = threading.Thread(
            target=lambda: [lines.put(line) for line in process.stderr or ()], daemon=True
        )
        reader.start()
        try:
            while not any("hanging" in line for line in seen):
                seen.append(lines.get(timeout=60))  # the page's handler started, and hangs
            process.send_signal(signum)
            assert process.wait(timeout=30) == 128 + signum
            assert process.stdout is not None
            assert process.stdout.read() == ""  # no result line for a run that was stopped
        finally:
            if process.poll() is None:
                process.kill()
        reader.join(10)
    while not lines.empty():
        seen.append(lines.get())
    assert not any("Traceback" in line or "handlers:" in line for line in seen), "".join(seen)
    # The handler the stop did not wait for is named (nothing was said of it).
    stuck = "adsim: js:page: a handler of ON_NEW_INTERACTION was still running when adsim stopped"
    assert f"{stuck}; not waited for\n" in seen, "".join(seen)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("ftp://example.com/", "only http:// and https://"),
        ("no/such/folder", "not a URL nor a folder"),
        (str(SCENARIOS), "no index.html"),
    ],
)
def test_adsim_run_page_bad_target(
    qapp: Any, target: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["run", str(SCENARIOS / "chat.yaml"), "--page", target])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and "Traceback" not in err


def test_adsim_run_page_is_not_load_mode(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", str(SCENARIOS / "chat.yaml"), "--page", str(PAGE), "--repeat", "3"])
    assert code == 2
    assert "drop --repeat" in capsys.readouterr().err


@pytest.mark.parametrize("strict", [True, False])
def test_adsim_run_page_in_strict_csp_mode(tmp_path: Path, httpserver: Any, strict: bool) -> None:
    """The strict-CSP fixture page served over http, its tenant script loaded with
    ``crossorigin``: only the shim served at the tenant's own https:// URL satisfies both CSP
    and CORS (the default mode's redirect to adsim:// fails CORS, so the page never gets its
    AdApi). A process of its own: Chromium reads the host mapping once per process."""
    folder = ROOT / "fixtures" / "strict_csp_page"
    html = (folder / "index.html").read_text(encoding="utf-8")
    html = html.replace("<script src=", '<script crossorigin="anonymous" src=', 1)
    httpserver.expect_request("/index.html").respond_with_data(html, content_type="text/html")
    httpserver.expect_request("/app.js").respond_with_data(
        (folder / "app.js").read_bytes(), content_type="text/javascript"
    )
    journal = tmp_path / "journal.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    command = [
        sys.executable,
        "-m",
        "simulator",
        "run",
        str(SCENARIOS / "chat.yaml"),
        "--page",
        httpserver.url_for("/index.html"),
        "--journal",
        str(journal),
    ]
    command += ["--tenant-url", "https://tenant.adsim.test"] if strict else ["--page-timeout", "3"]
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    if not strict:
        assert done.returncode == 2
        assert "did not construct window.brightpattern.AdApi within 3 s" in done.stderr
        assert "CORS" in done.stderr  # the page's console says why
        return
    assert done.returncode == 0, done.stderr[-3000:]
    assert "PASS" in done.stdout
    assert "certificate refused" not in done.stderr and "blocked" not in done.stderr
    with Journal.open(journal) as read:
        outcomes = read.outcomes()
    assert outcomes and {o.plugin for o in outcomes} == {page_run.PLUGIN}
    assert all(o.status == "ok" for o in outcomes)


FETCHING_PAGE = """<!doctype html>
<meta charset="utf-8">
<script src="/agent/communicator/adapters/api.js"></script>
<script>
  new window.brightpattern.AdApi({integrationKey: "fetches"});
  window.got = "pending";
  fetch("%s").then(r => r.text()).then(t => { window.got = t; }, () => { window.got = "failed"; });
</script>
"""


@pytest.mark.parametrize("allowed", [False, True])
def test_allow_origin_lets_the_page_reach_its_api(
    qtbot: Any, tmp_path: Path, httpserver: Any, allowed: bool
) -> None:
    httpserver.expect_request("/api/contacts").respond_with_data(
        "contacts", headers={"Access-Control-Allow-Origin": "*"}
    )
    url = httpserver.url_for("/api/contacts")
    (tmp_path / "index.html").write_text(FETCHING_PAGE % url, encoding="utf-8")
    console = io.StringIO()
    page = page_run.HeadlessPage(tmp_path, console=console)
    try:
        origin = url.rsplit("/api/", 1)[0]
        if allowed:
            page.view.allow_origins([origin + "/"])
        page.view.open(tmp_path)
        qtbot.waitUntil(lambda: _js(qtbot, page, "window.got") not in (None, "pending"))
        assert _js(qtbot, page, "window.got") == ("contacts" if allowed else "failed")
        if not allowed:
            assert f"blocked {url} (--allow-origin {origin} lets it through)" in console.getvalue()
    finally:
        page.close()


@pytest.mark.parametrize(
    "origin", ["ftp://x.test", "https://x.test/path", "not an origin", "https://user@x.test"]
)
def test_a_bad_allow_origin_is_bad_input(
    qapp: Any, origin: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["run", str(SCENARIOS / "chat.yaml"), "--page", str(PAGE), "--allow-origin", origin]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("adsim: --allow-origin: ") and "Traceback" not in err


SPINNING_PAGE = """<!doctype html>
<meta charset="utf-8">
<script src="/agent/communicator/adapters/api.js"></script>
<script>
  var adApi = new window.brightpattern.AdApi({integrationKey: "spins"});
  // A chat makes this page loop for ever: its renderer never reads another packet.
  adApi.on("ON_NEW_INTERACTION", function (i) { while (i.type === "chat") {} });
</script>
"""


def test_a_page_stuck_in_a_loop_does_not_make_the_next_scenario_bad_input(
    qapp: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The stuck renderer kept the next scenario's load from running its script: "the page
    loaded but did not construct window.brightpattern.AdApi", exit 2, the rest not run. Once
    the ping after the timeout goes unanswered its renderer is ended; the next load is fresh."""
    (tmp_path / "index.html").write_text(SPINNING_PAGE, encoding="utf-8")
    argv = ["run", str(SCENARIOS / "chat.yaml"), str(SCENARIOS / "inbound_acw_disposition.yaml")]
    code = main([*argv, "--page", str(tmp_path), "--handler-timeout", "1", "--journal", ":memory:"])
    out, err = capsys.readouterr()
    assert code == 1, err
    assert "did not construct" not in err
    assert "js:page's event loop is blocked: a handler of ON_NEW_INTERACTION" in err
    verdicts = [line.split("  ")[0] for line in out.splitlines() if line[:4] in ("PASS", "FAIL")]
    assert verdicts == ["FAIL", "PASS"]


DIALOG_PAGE = """<!doctype html>
<meta charset="utf-8">
<script src="/agent/communicator/adapters/api.js"></script>
<script>
  var adApi = new window.brightpattern.AdApi({integrationKey: "asks"});
  adApi.on("ON_NEW_INTERACTION", function () { alert("A new chat!"); });
  adApi.on("ON_SAVE_ACTIVITY_RECORD", function () {
    console.log("confirm: " + confirm("Save it?") + ", prompt: " + prompt("Case?", "C1"));
  });
</script>
"""


def test_a_dialog_the_page_opens_is_dismissed_and_said(tmp_path: Path) -> None:
    """``alert()`` in a page handler, headless: Qt's modal dialog waited for a click nobody
    could give, and adsim hung for ever, deaf to SIGTERM (a CI job's timeout). In a process of
    its own, so that without the fix this test fails instead of hanging the suite."""
    (tmp_path / "index.html").write_text(DIALOG_PAGE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    command = [sys.executable, "-m", "simulator", "run", str(SCENARIOS / "chat.yaml")]
    command += ["--page", str(tmp_path), "--journal", ":memory:"]
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert (
        '[page] alert("A new chat!") dismissed, the page got nothing: headless, nobody answers '
        "a dialog"
    ) in lines
    assert any(
        line.startswith('[page] confirm("Save it?") dismissed, the page got false')
        for line in lines
    )
    assert any(
        line.startswith('[page] prompt("Case?") dismissed, the page got null') for line in lines
    )
    assert any("confirm: false, prompt: null" in line for line in lines), done.stderr


def test_a_page_that_navigates_away_is_said_to_have_left_not_to_loop(
    qapp: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``location.href = ...`` in a handler: the document, and its AdApi with it, is gone (here
    to an origin the guard blocks: an error page). adsim said the page's event loop was blocked
    by "a loop that never ends?", and ended its renderer "as its event loop was blocked"."""
    (tmp_path / "index.html").write_text(
        HANGING_PAGE.replace(
            "return new Promise(function () {});", "location.href = 'https://example.com/crm';"
        ),
        encoding="utf-8",
    )
    argv = ["run", str(SCENARIOS / "chat.yaml"), "--page", str(tmp_path), "--journal", ":memory:"]
    code = main([*argv, "--handler-timeout", "1"])
    err = capsys.readouterr().err
    assert code == 1, err
    ended = "[page] its renderer process was ended: the page had left for https://example.com/crm"
    assert ended in err.splitlines()
    assert "(not a loop: the page had left for https://example.com/crm, its AdApi with it)" in err
    assert "a loop that never ends" not in err


def test_the_load_after_a_killed_renderer_waits_for_chromium_to_see_it_end(
    qtbot: Any, headless: Any
) -> None:
    """CI, on a busy machine: the next scenario's load, started as the stuck page's renderer
    was killed, went to the dying renderer and failed as "the page did not load" (exit 2)."""
    page = headless(PAGE)
    with qtbot.waitSignal(page.view.view.loadFinished, timeout=60_000):
        page._open()
    seen: list[str] = []
    page.view.page.renderProcessTerminated.connect(lambda *_: seen.append("ended"))
    page.view.page.loadStarted.connect(lambda: seen.append("load"))
    with qtbot.waitSignal(page.view.view.loadFinished, timeout=60_000) as loaded:
        page._end_renderer()
        page._open()  # as the worker's next attach asks, at once
    assert loaded.args == [True]
    assert seen[:2] == ["ended", "load"]
