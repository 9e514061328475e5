"""Dataclass methods compiled once, not at every start: a cache next to the package's bytecode.

``@dataclass`` writes the source of each class's ``__init__``, ``__repr__``, ``__eq__`` ... and
compiles it with ``exec`` when the class is created: some 90 classes (the project's and
pydantic's) on the way to a usable window, 0.2-0.6 ms each, most of it in the compiler. Python
caches a module's bytecode in ``__pycache__``, but not this. Here the compiled code of each
generated source is kept, keyed by that source text, in a file beside the package's bytecode
(``simulator/__pycache__``, or under ``PYTHONPYCACHEPREFIX``), and the next process executes it
without compiling: the same text compiled the same way gives the same code, so the classes are
exactly what ``@dataclass`` makes without the cache.

Only ``adsim`` itself installs it (``simulator.cli.main``), never an import of the package: a
library user's process is theirs. The file is written as bytecode is (not when
``PYTHONDONTWRITEBYTECODE`` is set, nor where the package directory is read-only), atomically;
an unreadable, foreign or corrupt file is ignored and replaced.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import marshal
import os
import sys
import threading
from pathlib import Path
from typing import Any

__all__ = ["DataclassCache", "default_path", "install", "installed"]

_HEADER = b"adsim dataclass methods 1\n" + importlib.util.MAGIC_NUMBER
"""The file's first bytes: this format and this Python's bytecode (marshal is per version)."""
MAX_ENTRIES = 4000
"""More than this in the file (classes of many releases): keep only this process's."""

_INSTALLED: dict[str, DataclassCache] = {}
"""The one cache of this process, under ``"cache"`` once installed."""
_lock = threading.Lock()


def default_path() -> Path | None:
    """Where the cache lives: beside this module's bytecode (``None`` when Python keeps no
    bytecode cache at all, ``sys.implementation.cache_tag`` unset)."""
    try:
        bytecode = importlib.util.cache_from_source(os.path.splitext(__file__)[0] + ".py")
    except (NotImplementedError, ValueError):
        return None
    return Path(bytecode).with_suffix(".methods")


class DataclassCache:
    """Compiled code of generated sources, loaded from ``path`` and saved back to it."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, bytes] = self._read() if path is not None else {}
        self.used: set[str] = set()
        self.compiled = 0
        """Sources compiled by this process (not found in the file)."""
        self._saved_at = 0

    def _read(self) -> dict[str, bytes]:
        assert self.path is not None
        try:
            data = self.path.read_bytes()
        except OSError:
            return {}
        if not data.startswith(_HEADER):
            return {}
        try:
            entries = marshal.loads(data[len(_HEADER) :])
        except (EOFError, ValueError, TypeError):
            return {}
        if not isinstance(entries, dict):
            return {}
        return {k: v for k, v in entries.items() if isinstance(k, str) and isinstance(v, bytes)}

    def code(self, source: str) -> Any:
        """The code object of ``source``, from the file or compiled now, as ``exec(source)``
        would compile it (file ``<string>``, no ``__future__`` flags of the caller)."""
        self.used.add(source)
        stored = self.entries.get(source)
        if stored is not None:
            try:
                return marshal.loads(stored)
            except (EOFError, ValueError, TypeError):
                pass
        code = compile(source, "<string>", "exec", dont_inherit=True)
        self.entries[source] = marshal.dumps(code)
        self.compiled += 1
        return code

    def exec(self, source: Any, globals: Any = None, locals: Any = None, /) -> None:
        """``exec`` for the dataclasses module: a source string runs from its cached code."""
        if isinstance(source, str):
            source = self.code(source)
        exec(source, globals, locals)  # what dataclasses itself does, with the code compiled

    def save(self) -> bool:
        """Write the file when this process compiled something new; True when written."""
        if self.path is None or self.compiled == self._saved_at or sys.dont_write_bytecode:
            return False
        entries = dict(self.entries)
        if len(entries) > MAX_ENTRIES:
            entries = {k: v for k, v in entries.items() if k in self.used}
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(_HEADER + marshal.dumps(entries))
            os.replace(temporary, self.path)
        except OSError:  # a read-only install: no cache, as with bytecode
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            return False
        self._saved_at = self.compiled
        return True


def install(path: Path | None = None) -> DataclassCache | None:
    """Make ``@dataclass`` compile through the cache at ``path`` (default: ``default_path()``)
    from now on in this process; returns it (the one already installed on a second call), or
    None on an interpreter whose dataclasses this was not made for."""
    with _lock:
        if "cache" in _INSTALLED:
            return _INSTALLED["cache"]
        if sys.implementation.name != "cpython":
            return None
        cache = DataclassCache(path if path is not None else default_path())
        # dataclasses calls the builtin exec by its global name: one of its own shadows it.
        dataclasses.exec = cache.exec  # type: ignore[attr-defined]
        _INSTALLED["cache"] = cache
        return cache


def installed() -> DataclassCache | None:
    """The installed cache, if any."""
    return _INSTALLED.get("cache")
