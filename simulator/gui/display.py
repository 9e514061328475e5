"""Whether the window can open at all, asked before Qt is: the ``[gui]`` extra, then a display.

Qt, given a ``DISPLAY`` where no X server answers (a stale ``DISPLAY`` over SSH), prints its
multi-line plugin message and aborts the process (exit 134). So before Qt chooses a platform,
this module tries what Qt's ``xcb`` (or ``wayland``) plugin will try first: connecting to the
display's socket. Nothing here imports Qt; it runs in a few milliseconds.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable, Mapping

__all__ = ["display_problem", "gui_problem", "open_socket"]

_HEADLESS = "run headless with `adsim run` or `adsim demo`"
_XVFB = "or start the window under a virtual display: `xvfb-run -a adsim`"
_X_PLATFORMS = ("xcb",)
_WAYLAND_PLATFORMS = ("wayland", "wayland-egl")


def gui_problem() -> str | None:
    """One line when the ``[gui]`` extra (PySide6) is not installed, else None."""
    if importlib.util.find_spec("PySide6") is None:
        return (
            "adsim: the window needs the [gui] extra: pip install "
            f"'agent-desktop-simulator[gui]' (or {_HEADLESS})"
        )
    return None


def open_socket(address: str | tuple[str, int], timeout: float = 1.0) -> bool:
    """Whether something accepts a connection at ``address`` (a Unix path, ``\\0``-prefixed
    abstract name, or a TCP ``(host, port)``)."""
    import socket  # only when there is a display to try: not for QT_QPA_PLATFORM=offscreen

    family = socket.AF_INET if isinstance(address, tuple) else socket.AF_UNIX
    try:
        if isinstance(address, tuple):
            conn = socket.create_connection(address, timeout=timeout)
        else:
            conn = socket.socket(family, socket.SOCK_STREAM)
            conn.settimeout(timeout)
            conn.connect(address)
    except (OSError, ValueError):
        return False
    conn.close()
    return True


def _x_server_answers(display: str, connect: Callable[..., bool]) -> bool:
    """``[host]:N[.S]``: the X server's Unix socket (or TCP 6000+N for a remote host)."""
    host, _, rest = display.rpartition(":")
    number = rest.split(".", 1)[0]
    if not number.isdigit():
        return False
    if host in ("", "unix"):
        path = f"/tmp/.X11-unix/X{number}"
        # Linux X servers listen on an abstract socket too (containers often lack /tmp's).
        return connect(path) or (sys.platform.startswith("linux") and connect("\0" + path))
    return connect((host.strip("[]"), 6000 + int(number)))


def _wayland_answers(env: Mapping[str, str], connect: Callable[..., bool]) -> bool:
    name = env.get("WAYLAND_DISPLAY", "")
    if not name:
        return False
    if not name.startswith("/"):
        runtime = env.get("XDG_RUNTIME_DIR", "")
        if not runtime:
            return False
        name = os.path.join(runtime, name)
    return connect(name)


def display_problem(
    environ: Mapping[str, str] | None = None,
    platform: str | None = None,
    *,
    connect: Callable[..., bool] = open_socket,
) -> str | None:
    """One line saying why the window cannot open a display, or None when it can."""
    env = os.environ if environ is None else environ
    where = sys.platform if platform is None else platform
    if not (where.startswith("linux") or "bsd" in where):
        return None  # macOS and Windows always have a window system
    chosen = [part.split(":", 1)[0].strip() for part in env.get("QT_QPA_PLATFORM", "").split(";")]
    chosen = [name for name in chosen if name]
    if any(name not in _X_PLATFORMS + _WAYLAND_PLATFORMS for name in chosen):
        return None  # offscreen, minimal, vnc, eglfs ...: the user chose; Qt needs no display
    try_x = not chosen or any(name in _X_PLATFORMS for name in chosen)
    try_wayland = not chosen or any(name in _WAYLAND_PLATFORMS for name in chosen)
    display = env.get("DISPLAY", "")
    wayland = env.get("WAYLAND_DISPLAY", "")
    if not display and not wayland:
        return (
            "adsim: no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset); "
            f"{_HEADLESS}, {_XVFB}"
        )
    if try_wayland and _wayland_answers(env, connect):
        return None
    if try_x and display and _x_server_answers(display, connect):
        return None
    tried = []
    if display and try_x:
        tried.append(f"DISPLAY={display}")
    if wayland and try_wayland:
        tried.append(f"WAYLAND_DISPLAY={wayland}")
    what = " or ".join(tried) or "the chosen QT_QPA_PLATFORM"
    return (
        f"adsim: cannot open the display ({what}: nothing answers there, a stale DISPLAY "
        f"over SSH?); {_HEADLESS}, {_XVFB}"
    )
