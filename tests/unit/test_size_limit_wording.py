"""A file just over the size limit was "the file is 10.0 MB, over the 10.0 MB limit" (both
rounded to one decimal): a line that reads as a contradiction. When the two round alike, they
are given in bytes."""

from __future__ import annotations

from simulator.cli import main


def test_a_file_just_over_the_limit_says_by_how_much_in_bytes(tmp_path, capsys):
    limit = int(0.2 * 1_048_576)  # --max-scenario-size 0.2
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * (limit + 1))
    assert main(["run", str(path), "--max-scenario-size", "0.2", "--journal", ":memory:"]) == 2
    assert capsys.readouterr().err == (
        f"adsim: {path}: the file is {limit + 1:,} bytes, over the {limit:,} bytes limit; raise "
        "it with --max-scenario-size if it is meant\n"
    )
