"""What docs/cli.md says of a bad argument and a bad file, and what docs/tenant.md says of a
tenant file's ids, word for word."""

from __future__ import annotations

import pytest

from simulator.cli import main
from tests.documentation import page, text


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
