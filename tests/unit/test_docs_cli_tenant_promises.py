"""What docs/cli.md says of a bad argument, a bad file, the events' JSON lines and the demo's
disposition, and what docs/tenant.md says of a tenant file's ids, word for word."""

from __future__ import annotations

import json
import re

import pytest

from simulator.cli import main
from simulator.data import load_tenant
from tests.documentation import ROOT, page, text


def test_a_bad_argument_has_a_hint_line_and_a_bad_file_its_one_line(tmp_path, capsys):
    assert "A bad argument gets one line naming it and what to do, a hint line" in " ".join(
        text(page("cli.md")).split()
    )
    with pytest.raises(SystemExit) as refused:
        main(["run", str(tmp_path / "flow.yaml"), "--rate", "1e-300"])
    assert refused.value.code == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2 and lines[1] == "hint: adsim run --help", lines
    bad = tmp_path / "flow.yaml"
    bad.write_text("steps:\n  - acept\n")
    assert main(["run", str(bad)]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"adsim: {bad}:2:5: ")


def test_a_tenant_files_ids_may_be_any_text():
    """The page said every id is a GUID; the sample tenant it names has ``NW-D1``."""
    assert "(`fixtures/tenants/northwind-bank.yaml` has `NW-D1`)" in text(page("tenant.md"))
    tenant = load_tenant(str(ROOT / "fixtures" / "tenants" / "northwind-bank.yaml"))
    ids = [d.id for service in tenant.services for d in service.dispositions]
    assert "NW-D1" in ids


def test_an_event_line_has_the_keys_the_page_lists(capsys):
    """The page named no key of the events' JSON lines: a consumer had to guess them."""
    sample = re.search(r"`(\{\"seq\": 1, .*?\})`", " ".join(text(page("cli.md")).split()))
    documented = list(json.loads(sample.group(1).replace("[...]", "[]")))
    assert main(["demo", "--events", "--journal", ":memory:"]) == 0
    first = json.loads(capsys.readouterr().out.splitlines()[0])
    assert list(first) == documented
    assert (first["seq"], first["event"], first["interactionId"]) == (1, "ON_LOGIN", None)


def test_the_demo_takes_the_first_success_disposition_without_after_call_work(tmp_path, capsys):
    """The page says the demo ends with the service's first SUCCESS disposition: on a service
    without after-call work the hang-up removed the call first, and the record had none."""
    promise = "the first inbound voice service (one with After Call Work first) and its first"
    assert promise + " SUCCESS disposition" in " ".join(text(page("cli.md")).split())
    northwind = (ROOT / "fixtures" / "tenants" / "northwind-bank.yaml").read_text("utf-8")
    no_wrap_up = "    after_call_work: true\n    acw_timeout_seconds: 60\n"
    assert no_wrap_up in northwind
    tenant = tmp_path / "tenant.yaml"
    tenant.write_text(northwind.replace(no_wrap_up, "    after_call_work: false\n"), "utf-8")
    assert main(["demo", "--tenant", str(tenant), "--journal", ":memory:"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert (record["service"], record["disposition"]) == ("Card Services", "Card blocked")
    assert "endTime" not in record  # no wrap-up: the call went straight to completed
