"""A file just over the size limit was "the file is 10.0 MB, over the 10.0 MB limit" (both
rounded to one decimal): a line that reads as a contradiction. When the two round alike, they
are given in bytes."""

from __future__ import annotations

import os
import threading
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


@pytest.mark.skipif(not Path("/dev/fd").is_dir(), reason="needs /dev/fd")
def test_a_stream_over_the_limit_is_not_given_a_size_it_does_not_have(capsys):
    """A pipe (``adsim run <(make-flow)``: ``/dev/fd/N``) is read only up to the limit:
    "the file is 209,716 bytes" was a size made up (the limit + 1), and a limit raised to it
    was refused again with another made-up size. (A device, /dev/zero, is no file at all:
    tests/unit/test_not_a_file.py.)"""
    read, write = os.pipe()

    def flow() -> None:
        try:
            with os.fdopen(write, "wb") as pipe:
                pipe.write(b"#" * (int(0.2 * 1_048_576) + 4096))
        except BrokenPipeError:  # adsim stopped reading past the limit, as it should
            pass

    writer = threading.Thread(target=flow)
    writer.start()
    try:
        given = ["run", f"/dev/fd/{read}", "--max-scenario-size", "0.2", "--journal", ":memory:"]
        assert main(given) == 2
    finally:
        os.close(read)
        writer.join(timeout=60)
    assert capsys.readouterr().err == (
        f"adsim: /dev/fd/{read}: the file is longer than the 0.2 MB limit; raise it with "
        "--max-scenario-size if it is meant\n"
    )
