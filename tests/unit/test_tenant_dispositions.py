"""A tenant file whose service requires a disposition it does not have: no interaction of that
service could ever be completed (the window's Complete never enabled, a scenario's ``complete``
refused ``no_disposition`` for ever). It is the file's error, at the service's line."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.data import InputFileError, load_tenant

DEFAULT = Path(__file__).resolve().parents[2] / "simulator" / "data" / "default_tenant.yaml"


def _tenant_with(tmp_path: Path, old: str, new: str) -> Path:
    text = DEFAULT.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "tenant.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


SALES_DISPOSITIONS = """    dispositions:
      - {id: FFF0EDE8-A953-5B5F-95BB-B674FE0BC05B, code: "201", name: Product sold, type: SUCCESS}
      - {id: 07E7B61B-7CDB-5042-9824-E032E8AAFB01, code: "202", name: Offer rejected, type: FAILURE}
      - {id: D83F9B66-8B6F-55B4-BC31-27148E836470, code: "203", name: Call back later, type: CONTINUE}
      - {id: BD6F650B-4B5A-5EBF-9B93-1BECAB0EC95E, code: "204", name: Add to DNC, type: DO_NOT_CALL}
      - {id: 5424DB43-FA77-5526-BD51-22FACC866408, code: "205", name: Answering machine, type: FAILURE}
"""


def test_a_required_disposition_with_none_to_choose_is_refused(tmp_path):
    path = _tenant_with(tmp_path, SALES_DISPOSITIONS, "    dispositions: []\n")
    with pytest.raises(InputFileError) as raised:
        load_tenant(path)
    message = str(raised.value)
    assert "'Sales'" in message
    assert "require_disposition" in message and "no dispositions" in message
    lines = path.read_text(encoding="utf-8").splitlines()
    sales = lines.index("    name: Sales", lines.index("services:")) + 1  # 1-based
    # The service's first line (``- id:``, the one above its name), not the file's first.
    assert message.startswith(f"{path}:{sales - 1}:"), message


def test_no_dispositions_is_fine_when_none_is_required(tmp_path):
    path = _tenant_with(
        tmp_path,
        "    require_disposition: true\n" + SALES_DISPOSITIONS,
        "    require_disposition: false\n    dispositions: []\n",
    )
    assert load_tenant(path).service("Sales").dispositions == []
