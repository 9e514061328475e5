"""A key written twice in one mapping of a tenant file (``require_disposition: true`` and, two
lines below, ``require_disposition: false``) kept the last one silently: the file said two
things and adsim picked one. Scenario files refused it already; tenant files now do too, at the
second key's line and column. A merge key's values (``<<: *base``) may still be overridden."""

from __future__ import annotations

from pathlib import Path

import simulator.data
from simulator.cli import main

DEFAULT = Path(simulator.data.__file__).parent / "default_tenant.yaml"


def test_a_key_twice_in_a_tenant_mapping_is_refused(tmp_path, capsys):
    text = DEFAULT.read_text(encoding="utf-8")
    at = text.index("    require_disposition: false")
    text = text[:at] + "    require_disposition: true\n" + text[at:]
    path = tmp_path / "tenant.yaml"
    path.write_text(text, encoding="utf-8")
    line = text[:at].count("\n") + 2  # the second one
    assert main(["generate", "--count", "1", "--tenant", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"adsim: {path}:{line}:5: the key 'require_disposition' appears twice in this mapping: "
        "keep one\n"
    )


def test_a_merged_value_may_be_overridden(tmp_path, capsys):
    text = DEFAULT.read_text(encoding="utf-8")
    old = '  extension: "1001"\n'
    assert text.count(old) == 1
    text = text.replace(old, '  <<: {extension: "1009"}\n  extension: "1001"\n')
    path = tmp_path / "tenant.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["generate", "--count", "1", "--tenant", str(path)]) == 0, capsys.readouterr()
