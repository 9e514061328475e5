"""A CRM page on the Comm.Widget 2.0 adapter (``/agent/crmembedded/adapters/api.js``) in headless
QtWebEngine: the shim serves the 2.0 class there, the handshake ends with ``comm-widget-ready``
and, in adApi 2026, the page's SAVE answer is stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simulator.cli import main
from simulator.gui import page_run
from simulator.journal import Journal

ROOT = Path(__file__).resolve().parents[2]

PAGE_2 = """<!doctype html>
<meta charset="utf-8">
<script src="/agent/crmembedded/adapters/api.js"></script>
<script>
  var adApi = new window.brightpattern.AdApi({integrationKey: "crm-2"});
  var proto = Object.getPrototypeOf(adApi);
  var methods = Object.getOwnPropertyNames(proto);
  if (proto.constructor.name !== "CommWidgetAdapter" || "login" in proto ||
      methods.some(function (n) { return n.charAt(0) === "_"; }) ||
      typeof proto.apiCall !== "function" || typeof proto.openLogin !== "function") {
    throw new Error("not the 2.0 adapter: " + proto.constructor.name);
  }
  adApi.onCommWidgetReady(function () { adApi.getConfig(); });
  adApi.on("ON_SAVE_ACTIVITY_RECORD", function (activity) {
    return {id: "ACT-" + activity.interactionId.slice(0, 8), caseId: "CASE-1"};
  });
</script>
"""


def test_a_2_0_page_in_adapi_2026(qapp: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    page = tmp_path / "page"
    page.mkdir()
    (page / "index.html").write_text(PAGE_2, encoding="utf-8")
    journal = tmp_path / "journal.sqlite3"
    code = main(
        [
            "run",
            str(ROOT / "fixtures" / "scenarios" / "inbound_acw_disposition.yaml"),
            "--page",
            str(page),
            "--api-version",
            "2026",
            "--journal",
            str(journal),
        ]
    )
    _, err = capsys.readouterr()
    assert code == 0, err
    with Journal.open(journal) as read:
        [(run_id, _, _)] = read.runs()
        packets = read.packets(run_id=run_id)
        kinds = [(p.direction, p.type) for p in packets]
        assert kinds[:5] == [
            ("in", "__attach__"),
            ("out", "hello"),
            ("in", "hi"),
            ("out", "ready"),
            ("out", "comm-widget-ready"),
        ]
        assert packets[0].params == ["crm-2", "2.0"]
        assert ("in", "GET_CONFIG") in kinds  # the page's onCommWidgetReady ran
        [save] = [
            o
            for o in read.outcomes(run_id=run_id)
            if o.event_name == "ON_SAVE_ACTIVITY_RECORD" and o.plugin == page_run.PLUGIN
        ]
        assert save.status == "ok"
        assert save.result["caseId"] == "CASE-1" and save.result["id"].startswith("ACT-")


@pytest.mark.parametrize(("version", "attach"), [("5.19", 1), ("2026", 2)])
def test_the_example_page_folder_loads_the_versions_widget(
    qapp: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], version: str, attach: int
):
    journal = tmp_path / "journal.sqlite3"
    code = main(
        [
            "run",
            str(ROOT / "fixtures" / "scenarios" / "inbound_acw_disposition.yaml"),
            "--page",
            str(ROOT / "fixtures" / "example_page"),
            "--api-version",
            version,
            "--journal",
            str(journal),
        ]
    )
    _, err = capsys.readouterr()
    assert code == 0, err
    with Journal.open(journal) as read:
        [(run_id, _, _)] = read.runs()
        packets = read.packets(run_id=run_id)
        assert packets[0].type == "__attach__"
        # The host opens the folder's index.html with ?version=2.0 in 2026: its switch loads
        # /agent/crmembedded/adapters/api.js, whose adapter says "2.0" when it attaches.
        assert len(packets[0].params) == attach
        ready = ("out", "comm-widget-ready") in [(p.direction, p.type) for p in packets]
        assert ready is (version == "2026")
