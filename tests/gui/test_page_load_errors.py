"""``adsim run --page``: a page whose script throws while loading, before it constructs its
``AdApi``, is bad input at once, naming the error's file:line and message."""

from __future__ import annotations

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


def test_a_page_whose_script_has_a_syntax_error_is_bad_input_at_once(
    qapp: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It waited out the whole load timeout, then guessed ("does it load api.js?"), though the
    console had said what was wrong at once."""
    page = _page(tmp_path, BROKEN_APP)
    # A long load timeout: the error must end the wait, not the timeout.
    code = main(["run", str(SCENARIOS / "chat.yaml"), "--page", str(page), "--page-timeout", "90"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert (
        f"adsim: {page / 'app.js'}:3: Uncaught SyntaxError: Unexpected token ';' (thrown while "
        "the page loaded, before it constructed window.brightpattern.AdApi)\n"
    ) in err
    assert "did not construct" not in err


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
