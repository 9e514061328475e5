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


def _sales_dispositions() -> str:
    """The Sales service's ``dispositions:`` block of the built-in tenant, as written."""
    lines = DEFAULT.read_text(encoding="utf-8").splitlines(keepends=True)
    first = lines.index("    name: Sales\n", lines.index("services:\n"))
    start = next(i for i in range(first, len(lines)) if lines[i] == "    dispositions:\n")
    end = start + 1
    while lines[end].startswith("      - "):
        end += 1
    return "".join(lines[start:end])


SALES_DISPOSITIONS = _sales_dispositions()


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
