"""Ctrl-C (or SIGTERM, SIGHUP) to ``adsim`` while its window is open: the window closes, its
session is closed (plugin processes ended, journal closed) and adsim exits 128 + the signal,
with one line on stderr, as ``adsim run`` does. It printed a ``KeyboardInterrupt`` traceback
from a Qt slot and the window went on."""

from __future__ import annotations

import os
import select
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.gui,
    pytest.mark.skipif(os.name != "posix", reason="POSIX signals"),
]

READY_PLUGIN = textwrap.dedent(
    """
    import sys


    def ready(*args):
        print("plugin saw ON_LOGIN", file=sys.stderr, flush=True)


    def register(ad_api):
        ad_api.on("ON_LOGIN", ready)
    """
)


def _read_until(process: subprocess.Popen[bytes], text: bytes, timeout: float) -> bytes:
    """What the process wrote on stderr up to the line holding ``text`` (select, no sleep)."""
    assert process.stderr is not None
    seen = b""
    fd = process.stderr.fileno()
    while text not in seen:
        ready, _, _ = select.select([fd], [], [], timeout)
        assert ready, f"nothing more on stderr within {timeout} s: {seen.decode()!r}"
        chunk = os.read(fd, 65536)
        assert chunk, f"stderr ended first: {seen.decode()!r}"
        seen += chunk
    return seen


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_closes_the_window_and_ends_adsim(tmp_path: Path, signum: int) -> None:
    plugin = tmp_path / "ready.py"
    plugin.write_text(READY_PLUGIN, encoding="utf-8")
    journal = tmp_path / "journal.sqlite"
    env = {
        key: value for key, value in os.environ.items() if key not in ("DISPLAY", "WAYLAND_DISPLAY")
    }
    env.update(
        QT_QPA_PLATFORM="offscreen",
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path),
        XDG_DATA_HOME=str(tmp_path),
    )

    def default_signals() -> None:  # as a terminal's foreground job has them
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)

    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", "--handler", str(plugin), "--journal", str(journal)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        preexec_fn=default_signals,  # noqa: PLW1509 (no threads started in between)
    )
    try:
        _read_until(process, b"plugin saw ON_LOGIN", 120)
        process.send_signal(signum)
        _, rest = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    name = signal.Signals(signum).name
    assert process.returncode == 128 + signum, rest.decode()
    # Qt's offscreen platform may warn as the window is shown (after the plugin's first line).
    lines = [
        line for line in rest.decode().strip().splitlines() if "propagateSizeHints" not in line
    ]
    assert lines == [f"adsim: interrupted ({name}): closing the window"], lines
    with sqlite3.connect(journal) as reader:
        assert [row[0] for row in reader.execute("SELECT name FROM events")][:1] == ["ON_LOGIN"]
