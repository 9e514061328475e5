"""``os._exit`` called by a plugin that runs in adsim's own process (thread isolation).

With ``--handler-isolation thread`` (and the pytest fixtures' default) a plugin shares adsim's
process, and ``os._exit(0)`` in one of its handlers ended adsim at once with status 0: no
summary, no journal flush, and CI saw a pass. Once such a plugin is loaded ``os._exit`` is this
module's: called from a plugin's code (a frame of its module or of a helper module it imported
from its folder, innermost first), or on a thread importing a plugin or running its
``register``, or on a thread such code started (a ``threading.Timer`` that calls
``os._exit``: no frame of the plugin is on that thread's stack, so where it was started is said),
it says so on stderr, with where, and ends the process with the status asked for, 1 for 0 (or
for 256, which the shell sees as 0): the plugin's exit still ends adsim (nothing else can run
after it), but never as a pass. Anything else (adsim's own exits, a library's, a forked child's)
goes straight to the real ``os._exit``. Process isolation needs none of this: a plugin's exit
ends only its own process, reported as ``crashed``.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import CodeType, FrameType, ModuleType
from typing import Any, NoReturn

__all__ = [
    "before_saying",
    "loading",
    "own_frame",
    "owner_finders",
    "plugin_code",
    "started_by",
    "started_for",
    "watch",
]

_REAL_EXIT = os._exit
before_saying: list[Callable[[], object]] = []
"""Called before the line is written (the pytest plugin: stop capturing stderr, or the line
would go to a capture file the exit never shows)."""
_plugins: dict[int, tuple[Callable[[], Any], list[str]]] = {}
"""The plugin modules loaded in this process, by the id of their globals -> (a weak reference
to what holds them: the module, or its ``register``; an id is only its own while that lives),
the plugins' names: a helper module in a folder of plugins may be any of theirs). Weak: a
pytest session loads a loose handler file afresh for each test."""
_local = threading.local()
_REAL_START = threading.Thread.start
_started_by: weakref.WeakKeyDictionary[threading.Thread, tuple[str, str]] = (
    weakref.WeakKeyDictionary()
)
"""The threads plugin code started (and the threads those started) -> (plugin, the file:line
that started it)."""
_started_for: weakref.WeakKeyDictionary[threading.Thread, object] = weakref.WeakKeyDictionary()
"""The threads plugin code started -> who ran that code (an ``owner_finders`` answer: the host
whose call started it), so that what such a thread does is credited to that host."""
owner_finders: list[Callable[[], object | None]] = []
"""Asked, on the thread starting a thread from plugin code, who runs that code there (the
first answer that is not None is kept: ``started_for``)."""
_installed_in: list[int] = []
"""The process the guard was installed in (a forked child's exits are its own business)."""
_AT_EXIT = "a plugin's atexit function (atexit.register(os._exit, ...))"


def _install() -> None:
    if os._exit is not _guarded:
        _installed_in[:] = [os.getpid()]
        os._exit = _guarded
    if atexit.register is not _register:
        atexit.register = _register
    if threading.Thread.start is not _start:
        setattr(threading.Thread, "start", _start)  # noqa: B010 (a method replaced: typed apart)


def _start(thread: threading.Thread) -> None:
    """``Thread.start``, remembering the plugin whose code starts ``thread`` (or started the
    thread that starts it): an exit on it is that plugin's, whatever is on its stack."""
    starter = threading.current_thread()
    culprit = _culprit(sys._getframe(1)) or _started_by.get(starter)
    if culprit is not None:
        _started_by[thread] = culprit
        owner = _started_for.get(starter)
        for find in owner_finders if owner is None else ():
            with contextlib.suppress(Exception):
                owner = find()
            if owner is not None:
                break
        if owner is not None:
            _started_for[thread] = owner
    _REAL_START(thread)


_REAL_REGISTER = atexit.register
_registered: dict[CodeType, tuple[str, str]] = {}
"""The code of the ``atexit`` functions plugin code registered -> (plugin, the file:line that
registered it): ``simulator.handlers.exit_watch`` names one that never returns."""


def _register(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Callable[..., Any]:
    """``atexit.register``, remembering the plugin whose code registers ``func``."""
    with contextlib.suppress(Exception):
        culprit = plugin_code(sys._getframe(1))
        code = getattr(getattr(func, "__func__", func), "__code__", None)
        if culprit is not None and isinstance(code, CodeType):
            _registered[code] = culprit
    return _REAL_REGISTER(func, *args, **kwargs)


def registered(code: CodeType | None) -> tuple[str, str] | None:
    """(plugin, ``file:line``) of the plugin code that registered an ``atexit`` function of
    ``code`` (None: any, the last); None when none did."""
    if code is None:
        return next(reversed(_registered.values()), None)
    return _registered.get(code)


def real_exit(status: int) -> NoReturn:
    """Python's ``os._exit``, not the guard's."""
    _REAL_EXIT(status)


def started_by(thread: threading.Thread) -> tuple[str, str] | None:
    """(plugin, ``file:line``) of the plugin whose code started ``thread`` (directly, or from
    a thread it started); None for adsim's own threads and the library's."""
    return _started_by.get(thread)


def started_for(thread: threading.Thread) -> object | None:
    """Who ran the plugin code that started ``thread`` (or the thread that started it), as an
    ``owner_finders`` function answered then; None when none did."""
    return _started_for.get(thread)


def _site_folder(path: str) -> bool:
    return any(part in ("site-packages", "dist-packages") for part in Path(path).parts)


def watch(
    name: str, register: Callable[..., Any] | None, imported: Iterable[ModuleType | None]
) -> None:
    """``name``'s code is its ``register``'s module and the modules ``imported`` with it from
    that module's folder and below (its helpers; not a library a venv in that folder holds):
    an ``os._exit`` from a frame of theirs is said. Told by the frame's module, not its file's
    path: a relative path after ``os.chdir``, or a conftest beside the plugin, would mislead."""
    _install()
    for key in [key for key, (held, _names) in _plugins.items() if _globals(held) is None]:
        del _plugins[key]  # their plugin is gone (an earlier test's)
    function = getattr(register, "__func__", register)  # a bound method's function lives on
    globals_ = getattr(function, "__globals__", None)
    if not isinstance(globals_, dict):
        return
    _plugins[id(globals_)] = (weakref.ref(function), [name])  # its own module: that plugin's
    file = globals_.get("__file__")
    if not isinstance(file, str):
        return
    root = os.path.dirname(os.path.realpath(file))
    in_site = _site_folder(root)
    for module in imported:
        found = getattr(module, "__file__", None)
        if not isinstance(found, str):
            continue
        real = os.path.realpath(found)
        if (real == root or real.startswith(root + os.sep)) and (in_site or not _site_folder(real)):
            names = _plugins.setdefault(id(module.__dict__), (weakref.ref(module), []))[1]
            if name not in names:
                names.append(name)


def _globals(held: Callable[[], Any]) -> dict[str, Any] | None:
    """The globals a weak reference of ``_plugins`` stands for; None once it is gone."""
    found = held()
    if found is None:
        return None
    return found.__dict__ if isinstance(found, ModuleType) else found.__globals__


@contextlib.contextmanager
def loading(what: str) -> Iterator[None]:
    """An ``os._exit`` on this thread meanwhile is ``what``'s (a plugin's import or
    ``register``, whose modules are not known yet)."""
    _install()
    outer = getattr(_local, "loading", None)
    _local.loading = what
    try:
        yield
    finally:
        _local.loading = outer


def _culprit(frame: FrameType | None) -> tuple[str, str] | None:
    """(plugin, file:line) of the plugin code that called ``os._exit``; None when not a plugin."""
    first, where, names = frame, "", None
    while frame is not None:
        known = _plugins.get(id(frame.f_globals))
        if known is not None and _globals(known[0]) is frame.f_globals:
            if not where:  # the innermost plugin code: where it exited
                where = f"{frame.f_code.co_filename}:{frame.f_lineno}"
            names = known[1]
            if len(names) == 1:  # the plugin's own module (or a helper only it imported)
                break
        frame = frame.f_back
    if names:
        return " or ".join(names), where
    what = getattr(_local, "loading", None)
    if what is not None and first is not None:
        return what, f"{first.f_code.co_filename}:{first.f_lineno}"
    return None


def own_frame(frame: FrameType | None) -> FrameType | None:
    """The innermost frame of a plugin's code from ``frame`` out; None when there is none."""
    while frame is not None:
        known = _plugins.get(id(frame.f_globals))
        if known is not None and _globals(known[0]) is frame.f_globals:
            return frame
        frame = frame.f_back
    return None


def plugin_code(frame: FrameType | None) -> tuple[str, str] | None:
    """(plugin, file:line) of the plugin whose code is on this thread's stack from ``frame``
    out (its import or ``register`` too), or whose code started this thread (where it did);
    None when it is no plugin's."""
    culprit = _culprit(frame)
    if culprit is None and threading.current_thread() in _started_by:
        name, started = _started_by[threading.current_thread()]
        culprit = name, f"{started} (on a thread started there)"
    return culprit


def _guarded(status: int) -> NoReturn:
    if [os.getpid()] == _installed_in:
        try:
            culprit = plugin_code(sys._getframe(1))
        except ValueError:  # no Python caller: ``atexit.register(os._exit, 0)``, run at exit
            # (adsim registers none; it said "call stack is not deep enough" in its traceback)
            culprit = ("?", _AT_EXIT) if _plugins else None
        if culprit is not None:
            name, where = culprit
            code = status if status & 0xFF else 1  # 256 is 0 to the shell
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(Exception):
                    stream.flush()
            for call in before_saying:
                with contextlib.suppress(Exception):
                    call()
            # The test running, when this process is pytest's (a child inherits the variable).
            test = os.environ.get("PYTEST_CURRENT_TEST") if "_pytest" in sys.modules else None
            during = f" during {test.removesuffix(' (call)')}" if test else ""
            # Under pytest thread isolation is the default, and the way out is the marker's.
            other = (
                'handler_isolation="process" (the adsim marker, or the adsim_handler_isolation '
                "ini option) reports it as a crash that fails the test, and the session goes on"
                if test
                else "process isolation, adsim's default, reports it as a crash and goes on"
            )
            said = (
                f"plugin {name} called os._exit({status}) at {where}{during}: in adsim's own "
                "process (thread isolation) its exit ends adsim with it, before the run's end"
            )
            if where == _AT_EXIT:
                said = (
                    f"os._exit({status}) was {where}{during}, run as adsim exits after its "
                    "report: in adsim's own process (thread isolation) its status would be adsim's"
                )
            with contextlib.suppress(Exception):
                print(
                    f"adsim: {said}; exit {code} ({other})",
                    file=sys.stderr,
                    flush=True,
                )
            _REAL_EXIT(code)
    _REAL_EXIT(status)
