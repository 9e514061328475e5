"""A file just over the size limit was "the file is 10.0 MB, over the 10.0 MB limit" (both
rounded to one decimal): a line that reads as a contradiction. When the two round alike, they
are given in bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

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


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_stream_over_the_limit_is_not_given_a_size_it_does_not_have(capsys):
    """A pipe or a device (``adsim run <(make-flow)``, /dev/zero) is read only up to the limit:
    "the file is 209,716 bytes" was a size made up (the limit + 1), and a limit raised to it
    was refused again with another made-up size."""
    assert main(["run", "/dev/zero", "--max-scenario-size", "0.2", "--journal", ":memory:"]) == 2
    assert capsys.readouterr().err == (
        "adsim: /dev/zero: the file is longer than the 0.2 MB limit; raise it with "
        "--max-scenario-size if it is meant\n"
    )
