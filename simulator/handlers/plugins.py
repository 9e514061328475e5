"""Finding and loading plugins: a ``.py`` file, a directory of them (installed packages' entry
points: ``simulator.handlers.entry_points``).

A plugin is a module with a ``register(ad_api)`` function (an entry point may also name the
function itself). Every way a plugin can fail to load (syntax error, import error, no
``register``, ``register`` raising, an unknown event name) becomes a ``file:line: message`` on
the plugin, its handlers are dropped, and the other plugins load as usual. Files are compiled
from source on every load, never from a stale ``__pycache__``, so ``reload`` sees each edit.
A plugin file's folder is importable (appended to ``sys.path``): its modules beside it too are
read again at a ``reload``.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.machinery
import importlib.util
import inspect
import os
import re
import signal
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from simulator.handlers.registry import HandlerRegistry, UnknownEventError
from simulator.handlers.relative_imports import relative_import
from simulator.handlers.stacks import traceback_text
from simulator.interrupts import Interrupted
from simulator.one_line import exception_text

__all__ = [
    "ENTRY_POINT_GROUP",
    "Plugin",
    "PluginSource",
    "discover_path",
    "file_plugin",
    "register_plugin",
]

ENTRY_POINT_GROUP = "agent_desktop_simulator.handlers"


@dataclass
class Plugin:
    """One plugin being loaded: where it comes from, its ``register``, or why it failed."""

    name: str
    source: str
    file: str | None
    """The file error locations point into (None for built-ins)."""
    register: Callable[[Any], Any] | None = None
    error: str | None = None
    on_close: Callable[[], Any] | None = None
    locator: dict[str, Any] | None = None
    """For process isolation: how a child process finds the plugin (nothing imported here)."""
    own: bool = False
    """adsim's own plugin (the webhook, a JS module or page): its close bounds itself."""
    home: tuple[str, ...] = ()
    """Where its own code is besides ``file`` (real paths): an installed package's folders."""

    def at(self, exc: BaseException) -> str | None:
        """``file:line`` of the innermost frame of ``exc``'s traceback in the plugin's own code
        (its file, its package's files), the place to fix; None when no frame is there."""
        found = None
        for frame in traceback.extract_tb(exc.__traceback__):
            if frame.lineno is not None and self._mine(frame.filename):
                found = f"{frame.filename}:{frame.lineno}"
        return found

    def _mine(self, filename: str) -> bool:
        real = os.path.realpath(filename)
        if self.file is not None and real == os.path.realpath(self.file):
            return True
        return any(
            real == home or real.startswith(home.rstrip(os.sep) + os.sep) for home in self.home
        )

    def at_line(self, line: int | None = None) -> str:
        """Where to point for the plugin: ``file:line``; a plugin file's line 1 where no line is
        known (the file itself); else its source, with no line it does not have (an entry
        point: ``acme-crm-adsim (entry point crm = acme_crm.handler)``)."""
        if self.file is not None and line is not None:
            return f"{self.file}:{line}"
        return (
            f"{self.file}:1" if self.file is not None and self.file == self.source else self.source
        )

    def close(self) -> tuple[str, str] | None:
        """Run the plugin's close hook, if it has one. None when it returned; when it raised,
        where and what as one line (``file:line: ValueError: ...``) and its traceback: the host
        makes that an incident (the run's summary, exit 1), as a plugin whose close never
        returns is one. Its last writes failing must not pass as a clean run."""
        if self.on_close is None:
            return None
        try:
            self.on_close()
        except BaseException as exc:  # SystemExit as well: close() has no exit to make
            if isinstance(exc, KeyboardInterrupt) and a_stop(exc):  # Ctrl-C: a stop, no error
                raise
            where = self.at(exc) or self.source
            # From the plugin's own frame: adsim's call of it is no news to its author.
            return f"{where}: {describe(exc)}", traceback_text(exc, skip=1)
        return None


def a_stop(exc: KeyboardInterrupt) -> bool:
    """Whether a ``KeyboardInterrupt`` out of a plugin's import, ``register()`` or ``close()`` is
    a stop (Ctrl-C, SIGTERM) rather than the plugin's own ``raise``. adsim's command line raises
    its stops as ``Interrupted``; where SIGINT is Python's own (pytest, a driver of one's own) a
    plain one may be Ctrl-C. Elsewhere (a plugin's process ignores SIGINT, adsim's stopper is
    installed) only the plugin raised it: its error, not a stop that ended adsim without a word."""
    if isinstance(exc, Interrupted):
        return True
    return signal.getsignal(signal.SIGINT) in (signal.default_int_handler, None)


def _same_file(a: str, b: str) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)


def _line_in(exc: BaseException, file: str | None) -> int | None:
    """The deepest line of ``file`` in the traceback of ``exc``."""
    if file is None:
        return None
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if _same_file(frame.filename, file):
            line = frame.lineno
    return line


def describe(exc: BaseException) -> str:
    if isinstance(exc, UnknownEventError):
        return str(exc)
    return exception_text(exc)


_PACKAGE = "adsim_handlers"
_SPAWNED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "plugin_package")
"""The folder of the ``adsim_handlers`` a spawned process imports (``plugin_package``)."""


def _module_name(path: Path) -> str:
    # os.fsencode: a file name that is not UTF-8 (bytes Python keeps as surrogates) is still a
    # file name; str.encode refused it, and the plugin never loaded.
    digest = hashlib.sha1(os.fsencode(path.resolve())).hexdigest()[:8]
    stem = re.sub(r"\W", "_", path.stem)
    return f"{_PACKAGE}.{stem}_{digest}"


def _not_utf8(shown: str, data: bytes) -> str | None:
    """Where a plugin file without an encoding line is not UTF-8, and what to do (None when it
    is UTF-8): Python said "invalid or missing encoding declaration" at line 1, or named a byte
    position."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - data.rfind(b"\n", 0, exc.start)
        return (
            f"{shown}:{line}:{column}: not UTF-8 (byte 0x{data[exc.start]:02x}); save the file "
            "as UTF-8, or name its encoding on its first line (# -*- coding: latin-1 -*-)"
        )
    return None


_BESIDE: dict[str, str] = {}
"""The modules plugin files imported from their own folders, by name: that folder
(``forget_beside``; two folders with a module of one name, ``_clash``)."""


def _importable_beside(path: Path) -> str:
    """Make the modules beside a plugin file importable (``from _common import X``, ``from
    crm_client import Client``), as ``python crm_handler.py`` does for a script's folder (its
    real folder: a link's target's); returns that folder. Appended to ``sys.path``, not put
    first: a file there named like a module of the standard library or an installed package
    (``email.py``, ``json.py``) does not hide that module from adsim or the plugin."""
    folder = os.path.dirname(os.path.realpath(path))
    if folder not in sys.path:
        sys.path.append(folder)
    return folder


def _in_folder(folder: str, name: str) -> str | None:
    """The file of module ``name``'s top package (or module) found in ``folder`` itself (not in
    a virtual environment or anything else below it), or None."""
    try:
        spec = importlib.machinery.PathFinder.find_spec(name.partition(".")[0], [folder])
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    return spec.origin if spec.origin not in (None, "namespace") else folder


def _clash(folder: str, shown: str) -> str | None:
    """Why a plugin in ``folder`` cannot load beside the plugins loaded before (None when it
    can): one of its modules has the name of one a plugin of another folder imported. In one
    process a module name is one module, so it would get the other folder's, without a word."""
    for name, other in _BESIDE.items():
        if other == folder or "." in name:
            continue
        mine = _in_folder(folder, name)
        if mine is None:
            continue
        theirs = getattr(sys.modules.get(name), "__file__", None) or other
        return (
            f"{shown}:1: its folder's module {name!r} ({mine}) has the name of {theirs}, which "
            "a plugin loaded before imported: in one process a name is one module, so this "
            "plugin would get that one. Rename one of them, or run the plugins in processes "
            "of their own (--handler-isolation process, the default)"
        )
    return None


def _note_beside(folder: str, before: set[str]) -> None:
    """Remember the modules the plugin's import brought in from its folder itself."""
    inside = folder.rstrip(os.sep) + os.sep
    for name in set(sys.modules) - before:
        if name.startswith("adsim_handlers."):
            continue
        file = getattr(sys.modules.get(name), "__file__", None)
        if not isinstance(file, str) or not os.path.realpath(file).startswith(inside):
            continue
        if _in_folder(folder, name) is not None:  # not a package installed below it
            _BESIDE[name] = folder


def forget_beside() -> None:
    """Drop the modules plugins imported from their folders, so that the next import of a
    plugin reads them from disk again (``HandlerHost.reload``: an edit to ``_common.py`` is
    seen, as an edit to the plugin file is). Modules imported before any plugin (adsim's own,
    the tests') and packages installed in a folder below (a ``.venv``) are never among them."""
    for name in _BESIDE:
        sys.modules.pop(name, None)
    _BESIDE.clear()


def _package_of_plugins() -> None:
    """Put the package plugin files' modules are named in (``adsim_handlers``) in
    ``sys.modules``: pickle imports a function's module by its name, so a plugin's own function
    or class given to a ``ProcessPoolExecutor`` (fork) or a pickle cache said "import of module
    'adsim_handlers.crm_...' failed", where a script's own are pickled. A process
    ``multiprocessing`` spawns imports the package from ``plugin_package``'s folder, and a
    plugin's module from its file, found in its folder on ``sys.path`` by its name."""
    if _SPAWNED not in sys.path:  # a process multiprocessing spawns finds it there
        sys.path.append(_SPAWNED)
    if _PACKAGE not in sys.modules:
        package = ModuleType(_PACKAGE, "handler plugin files, each a module named after its path")
        package.__path__ = []  # a package, in which nothing is found on disk
        package.__spec__ = importlib.machinery.ModuleSpec(_PACKAGE, None, is_package=True)
        sys.modules[_PACKAGE] = package


def _import_file(path: Path) -> tuple[ModuleType | None, str | None]:
    """Execute a plugin file as a fresh module; (module, None) or (None, 'file:line: ...')."""
    name = _module_name(path)
    shown = str(path)
    try:
        data = path.read_bytes()
        source = importlib.util.decode_source(data)
        code = compile(source, shown, "exec", dont_inherit=True)
    except (SyntaxError, UnicodeDecodeError) as exc:
        not_utf8 = _not_utf8(shown, data)
        if not_utf8 is not None:
            return None, not_utf8
        if isinstance(exc, UnicodeDecodeError):
            return None, f"{shown}:1: cannot read it ({exc})"
        return None, f"{exc.filename or shown}:{exc.lineno or 1}: syntax error: {exc.msg}"
    except OSError as exc:
        return None, f"{shown}:1: cannot read it ({exc})"
    folder = _importable_beside(path)
    clash = _clash(folder, shown)
    if clash is not None:
        return None, clash
    module = ModuleType(name)
    module.__file__ = shown
    # Its package: a relative import (which cannot work) is an ImportError to explain, not
    # Python's ImportWarning "can't resolve package" first (an error under -W error).
    module.__package__ = _PACKAGE
    _package_of_plugins()
    sys.modules[name] = module
    before = set(sys.modules)
    try:
        exec(code, module.__dict__)
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt) and a_stop(exc):  # Ctrl-C, SIGTERM: no error
            sys.modules.pop(name, None)
            raise
        del sys.modules[name]
        line = _line_in(exc, shown) or 1
        if isinstance(exc, ImportError):
            relative = relative_import(path, source, line, ENTRY_POINT_GROUP)
            if relative is not None:
                return None, f"{shown}:{line}: {relative}"
        return None, f"{shown}:{line}: {describe(exc)} while importing it"
    finally:
        _note_beside(folder, before)
    return module, None


def register_of(module: ModuleType, where: str) -> tuple[Callable[[Any], Any] | None, str | None]:
    """The module's ``register``, or why it has none (``where``: what the error names)."""
    register = getattr(module, "register", None)
    if not callable(register):
        return None, f"{where}: no register(ad_api) function; add one that calls ad_api.on(...)"
    return register, None


def close_of(module: ModuleType) -> Callable[[], Any] | None:
    """The plugin's optional ``close()``: run when the host closes and before a reload."""
    close = getattr(module, "close", None)
    return close if callable(close) else None


def register_plugin(plugin: Plugin, ad_api: Any, registry: HandlerRegistry) -> None:
    """Call the plugin's ``register(ad_api)``; on failure drop its handlers and note where."""
    if plugin.error is not None or plugin.register is None:
        return
    try:
        result = plugin.register(ad_api)
        if inspect.isawaitable(result):
            close = getattr(result, "close", None)
            if close is not None:
                close()
            raise TypeError("register(ad_api) must be a plain function, not a coroutine")
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt) and a_stop(exc):  # Ctrl-C, SIGTERM: no error
            raise
        registry.remove_plugin(plugin.name)
        where = plugin.at(exc)
        code = getattr(plugin.register, "__code__", None)
        if where is None and plugin.file is not None and code is not None:
            # Raised calling it (a register() taking no ad_api): its def, in the file it is
            # in (one plugin's register may be imported from a module beside it).
            where = f"{code.co_filename}:{code.co_firstlineno}"
        plugin.error = f"{where or plugin.at_line()}: {describe(exc)}"


class PluginSource:
    """Where plugins come from; ``plugins()`` reads them again each time (``reload``)."""

    def __init__(self, read: Callable[[], list[Plugin]], *, own: bool = False):
        self._read = read
        self.own = own
        """adsim's own plugin (a JS page or module, the webhook): reading it runs no plugin
        code in this process, so no guard watches it (``HandlerHost.add_plugin``)."""

    def plugins(self) -> list[Plugin]:
        """Fresh ``Plugin`` objects, read from disk (or the installed packages)."""
        return self._read()

    def refresh(self) -> None:
        """Nothing to do: ``plugins()`` always reads afresh (kept for symmetry with callers)."""

    @classmethod
    def builtin(
        cls,
        name: str,
        register: Callable[[Any], Any],
        source: str,
        close: Callable[[], Any] | None = None,
        reopen: Callable[[], str | None] | None = None,
        *,
        file: str | None = None,
        own: bool = False,
    ) -> PluginSource:
        """A plugin that is already a function (the webhook, a JS page, a module the pytest
        harness imported). ``file``: where ``register``'s errors point (``file:line``);
        ``own``: adsim's own (``Plugin.own``).

        ``reopen()``, when given, runs at each read after the first (a reload, after ``close``):
        it starts again what ``close`` ended (a Node handler's process) and returns why the
        plugin cannot load (``file:line: message``), or None.
        """
        reads = 0

        def read() -> list[Plugin]:
            nonlocal reads
            reads += 1
            error = None
            if reopen is not None and reads > 1:
                try:
                    error = reopen()
                except Exception as exc:
                    error = f"{source}: {describe(exc)}"
            return [Plugin(name, source, file, register, error, close, own=own)]

        return cls(read, own=own)


def file_plugin(path: Path) -> Plugin:
    """Import a plugin file (a fresh module) and find its ``register`` and ``close``."""
    module, error = _import_file(path)
    plugin = Plugin(path.stem, str(path), str(path))
    if module is not None:
        plugin.register, error = register_of(module, f"{path}:1")
        plugin.on_close = close_of(module)
    plugin.error = error
    return plugin


def _isolated_file(path: Path) -> Plugin:
    """A plugin file a child process will import (``simulator.handlers.supervisor``)."""
    return Plugin(path.stem, str(path), str(path), locator={"kind": "file", "path": str(path)})


def plugin_files(folder: Path) -> list[Path]:
    """The plugin files of a folder, sorted: every ``*.py`` whose name does not start with
    ``_``. Empty for a folder with none (a ``--handler`` that would load nothing)."""
    return sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))


NO_PLUGINS = "no handler plugins in this folder (.py files with register(ad_api), not _*.py)"
"""How a ``--handler`` folder (or a scenario's ``handlers:`` folder) with none is reported."""


def discover_path(path: Path, isolated: bool = False) -> PluginSource:
    """A plugin file, or every ``*.py`` (not starting with ``_``) in a directory, sorted;
    ``isolated``: described for a child process, not imported here."""
    from simulator.data import InputFileError  # not in a plugin's process: it starts faster

    read_file = _isolated_file if isolated else file_plugin
    if path.is_dir():

        def read_dir() -> list[Plugin]:
            return [read_file(file) for file in plugin_files(path)]

        return PluginSource(read_dir)
    if not path.exists():
        if path.is_symlink():  # exists() follows it: a link to nothing, or links that loop
            raise InputFileError(
                str(path),
                None,
                "is a symbolic link to nothing (its target is missing, or the "
                "links loop); pass the handler file itself",
            )
        raise InputFileError(str(path), None, "no such handler file or directory")
    if path.suffix != ".py":
        js = f" (a JavaScript module goes to adsim run --js-handler {path})" if _is_js(path) else ""
        raise InputFileError(
            str(path),
            None,
            f"a handler is a .py file with register(ad_api), or a directory of them{js}",
        )
    return PluginSource(lambda: [read_file(path)])


def _is_js(path: Path) -> bool:
    """Whether ``path`` is a JavaScript module (given to ``--handler`` by mistake)."""
    return path.suffix.lower() in (".mjs", ".cjs", ".js")
