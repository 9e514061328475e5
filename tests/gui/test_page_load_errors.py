"""``adsim run --page``: a page that never connects its ``AdApi`` is named with the errors its
script threw uncaught meanwhile, file:line and message, when the page timeout runs out; an error
ends nothing early (a page may construct its ``AdApi`` later, and connect)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets", reason="needs agent-desktop-simulator[web]")

# Imported at collection, before any QApplication exists: it registers the adsim:// scheme.
from simulator.cli import main
from simulator.gui import page_run
from simulator.handlers import HandlerHost
from simulator.scenarios.loader import load_scenario
from simulator.scenarios.runner import ScenarioRunner

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "fixtures" / "scenarios"

pytestmark = pytest.mark.gui

INDEX = """<!doctype html>
<meta charset="utf-8">
<script src="/agent/communicator/adapters/api.js"></script>
<script src="app.js"></script>
<script src="later.js"></script>
"""

BROKEN_APP = """const adApi = new window.brightpattern.AdApi({integrationKey: "broken"});
adApi.on("ON_NEW_INTERACTION", (i) => {
  let x = ;
});
"""

WORKING_APP = """window.adApi = new window.brightpattern.AdApi({integrationKey: "works"});
window.adApi.on("ON_SAVE_ACTIVITY_RECORD", () => undefined);
"""


def _page(folder: Path, app: str, later: str = "") -> Path:
    (folder / "index.html").write_text(INDEX, encoding="utf-8")
    (folder / "app.js").write_text(app, encoding="utf-8")
    (folder / "later.js").write_text(later, encoding="utf-8")
    return folder


WAIT = 60.0
"""Bound on the test's own waits (never reached when things work: a failure, not a hang)."""

LATER_INDEX = """<!doctype html>
<meta charset="utf-8">
<script src="/agent/communicator/adapters/api.js"></script>
<script>window.analytics.track("crm-loaded");</script>
<script>
setTimeout(() => {
  const script = document.createElement("script");
  script.src = "app.js";
  document.body.appendChild(script);
}, 1000);
</script>
<body></body>
"""


def test_a_page_that_constructs_its_adapi_later_connects_despite_an_unrelated_error(
    qapp: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An analytics call that throws (the network guard blocked its script), then the AdApi a
    second later (after a config fetch, a timer, a framework's mount): the page was refused
    at its load, the analytics error named as the cause (exit 2), though it connects."""
    (tmp_path / "index.html").write_text(LATER_INDEX, encoding="utf-8")
    (tmp_path / "app.js").write_text(WORKING_APP, encoding="utf-8")
    code = main(["run", str(SCENARIOS / "chat.yaml"), "--page", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "PASS" in captured.out
    assert "Uncaught TypeError" in captured.err  # said as the page's console line, no more
    assert "adsim: " not in captured.err


def test_a_page_whose_script_errors_keep_its_adapi_away_is_named_with_them(
    qapp: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """It waited out the page timeout, then guessed ("does it load api.js?"), though the
    console had said what was wrong: the errors are named, first where it is bad input."""
    seen = threading.Event()
    uncaught = page_run.HeadlessPage._uncaught
    wait_handshake = page_run.HeadlessPage.wait_handshake

    def noted(self: page_run.HeadlessPage, *error: Any) -> None:
        uncaught(self, *error)
        if len(self._thrown) == 2:
            seen.set()

    def after_the_errors(self: page_run.HeadlessPage, *args: Any) -> None:
        # The page timeout starts once both errors are in: however slow the machine, they are
        # thrown before it runs out (this test is about naming them, not about the clock).
        assert seen.wait(WAIT), "the page threw no errors"
        wait_handshake(self, *args)

    monkeypatch.setattr(page_run.HeadlessPage, "_uncaught", noted)
    monkeypatch.setattr(page_run.HeadlessPage, "wait_handshake", after_the_errors)
    page = _page(tmp_path, BROKEN_APP, "undefinedGlobal.track();")
    code = main(["run", str(SCENARIOS / "chat.yaml"), "--page", str(page), "--page-timeout", "1"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert (
        f"adsim: {page / 'app.js'}:3: Uncaught SyntaxError: Unexpected token ';' (thrown while "
        "the page loaded, which did not construct window.brightpattern.AdApi within 1 s; also "
        f"uncaught: {page / 'later.js'}:1: Uncaught ReferenceError: undefinedGlobal is not "
        "defined)\n"
    ) in err
    assert "does it load" not in err


def test_the_errors_named_are_the_first_three_the_others_counted() -> None:
    """A page throwing in a loop does not make a line of thousands of errors."""
    from simulator.gui.page.load_error import not_connected

    url = "https://crm.example/app.js"
    thrown = [(url, n, f"Uncaught Error: {n}") for n in (1, 2, 3)]
    error = not_connected(url, thrown, 40, 15, "reload")
    assert str(error) == (
        f"{url}:1: Uncaught Error: 1 (thrown while the page reloaded, which did not construct "
        f"window.brightpattern.AdApi within 15 s; also uncaught: {url}:2: Uncaught Error: 2; "
        f"{url}:3: Uncaught Error: 3; 40 more on stderr ([page] console lines))"
    )


def test_an_error_after_the_page_constructed_its_adapi_does_not_end_the_load(
    qapp: Any, tmp_path: Path
) -> None:
    """An uncaught error in another script of a page that has its AdApi is no reason to fail
    it: the page connects, as before."""
    page = page_run.HeadlessPage(_page(tmp_path, WORKING_APP, "undefinedGlobal.track();"))
    try:

        def work(session: page_run.PageSession) -> int:
            runner = ScenarioRunner(load_scenario(SCENARIOS / "chat.yaml"))
            host = HandlerHost(runner.sim, timeout=10.0)
            try:
                endpoint = session.attach(host, timeout=90)
                return endpoint.instances
            finally:
                host.close(timeout=5)

        assert page.run(work) == 1
    finally:
        page.close()
