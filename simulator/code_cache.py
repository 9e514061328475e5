"""Code that Python generates at every start, compiled once: a cache beside the package's bytecode.

Python caches a module's bytecode in ``__pycache__``, but not the code it writes and compiles
while the modules run:

- ``@dataclass`` writes the source of each class's ``__init__``, ``__repr__``, ``__eq__`` ... and
  compiles it with ``exec``: some 90 classes (the project's and pydantic's) on the way to a
  usable window, 0.2-0.6 ms each, most of it in the compiler;
- ``typing.ForwardRef`` compiles each string annotation it is given: some 900 (pydantic-core's
  ``TypedDict`` schemas, the models' postponed annotations);
- importing PySide6 compiles its embedded bootstrap modules (``shibokensupport``: the signature
  loader and parser, the ``__feature__`` support, some 120 kB of source) from their text, ~18 ms,
  and ``re`` compiles some 45 regular expressions on the way to a usable window (PySide6's,
  pydantic's, the standard library's), ~13 ms: the window's start sends both through the cache
  (``CodeCache.compiling``) until its session is open.

Here the compiled code of each such source is kept, keyed by its text and mode, in a file beside
the package's bytecode (``simulator/__pycache__``, or under ``PYTHONPYCACHEPREFIX``), and the next
process runs it without compiling. The same text compiled the same way gives the same code, so
classes and annotations are exactly what they are without the cache. Both modules call the
builtins by their global names (``exec``, ``compile``); the cache shadows them in those two
modules only; the builtin ``compile`` and ``re``'s compiler are replaced only inside
``CodeCache.compiling`` (the window's start, until its session is open).

Only ``adsim`` itself installs it (``simulator.cli.main``), never an import of the package: a
library user's process is theirs. The file is written as bytecode is (not when
``PYTHONDONTWRITEBYTECODE`` is set, nor where the package directory is read-only), atomically;
an unreadable, foreign or corrupt file is ignored and replaced.
"""

from __future__ import annotations
import __future__

import builtins
import contextlib
import importlib.util
import marshal
import os
import sys
import typing
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = ["CodeCache", "default_path", "install", "installed"]

_HEADER = b"adsim generated code 1\n" + importlib.util.MAGIC_NUMBER
"""The file's first bytes: this format and this Python's bytecode (marshal is per version)."""
MAX_ENTRIES = 4000
"""More than this in the file (code of many releases; every command together makes ~750, some
570 kB): keep only this process's, so the file read at every start stays small."""
_FILENAME = "<string>"
"""The file name ``exec`` gives a source string, and ``typing.ForwardRef`` its annotations."""

_INSTALLED: dict[str, CodeCache] = {}

_FUTURE_FLAGS = 0
"""The compiler flags a ``compile`` call inherits from the code calling it (its ``__future__``
imports)."""
for _feature in __future__.all_feature_names:
    _FUTURE_FLAGS |= getattr(__future__, _feature).compiler_flag
"""The one cache of this process, under ``"cache"`` once installed."""


def default_path() -> Path | None:
    """Where the cache lives: beside this module's bytecode (``None`` when Python keeps no
    bytecode cache at all, ``sys.implementation.cache_tag`` unset)."""
    try:
        bytecode = importlib.util.cache_from_source(os.path.splitext(__file__)[0] + ".py")
    except (NotImplementedError, ValueError):
        return None
    return Path(bytecode).with_suffix(".code")


class CodeCache:
    """Compiled code of generated sources, loaded from ``path`` and saved back to it."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._entries: dict[str, bytes] | None = None
        self.used: set[str] = set()
        self.compiled = 0
        """Entries this process added (sources compiled, facts noted): not found in the file."""
        self._saved_at = 0

    @property
    def entries(self) -> dict[str, bytes]:
        """``mode + "\\0" + source`` -> the marshalled code object (the file is read at the
        first look: ``adsim --help`` makes no class and reads nothing)."""
        if self._entries is None:
            self._entries = self._read() if self.path is not None else {}
        return self._entries

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

    def code(self, source: str, mode: str = "exec") -> Any:
        """The code object of ``source``, from the file or compiled now, as ``exec(source)`` (or
        ``compile(source, "<string>", mode)`` in ``typing``) compiles it: file ``<string>``, no
        ``__future__`` flags. A ``SyntaxError`` is raised as the compiler raises it."""
        return self._kept(
            f"{mode}\0{source}", lambda: compile(source, _FILENAME, mode, dont_inherit=True)
        )

    def _kept(self, key: str, build: Callable[[], Any]) -> Any:
        """The code kept under ``key``, or ``build()``'s, compiled now and kept."""
        self.used.add(key)
        stored = self.entries.get(key)
        if stored is not None:
            try:
                return marshal.loads(stored)
            except (EOFError, ValueError, TypeError):
                pass
        code = build()
        self.entries[key] = marshal.dumps(code)
        self.compiled += 1
        return code

    def recall(self, key: str) -> bytes | None:
        """What ``note`` kept under ``key`` (this or an earlier process), or None."""
        self.used.add(key)
        return self.entries.get(key)

    def note(self, key: str, value: bytes) -> None:
        """Keep ``value`` under ``key`` and save it with the code: a fact another part of adsim
        derives at a cost at every start, its key naming what it depends on (a file's path,
        size and modification time, as Python's bytecode does). Keys start with their kind
        (``pyside\0...``), never ``exec``/``eval``."""
        self.used.add(key)
        if self.entries.get(key) != value:
            self.entries[key] = value
            self.compiled += 1

    @contextlib.contextmanager
    def compiling(self) -> Iterator[None]:
        """Every plain ``compile`` of a source in this block through the cache, whoever calls
        it (importing PySide6 compiles its embedded bootstrap modules, ``shibokensupport``,
        some 120 kB of source, ~18 ms, at every start), and every new regular expression
        (``_RegexPrograms``). Exactly as the builtin would: the flags the caller's
        ``__future__`` imports give are part of the key and of the compiling; any other call
        (flags, ``optimize``, an AST) goes to the builtin untouched."""
        original = builtins.compile
        cache = self

        def compile_through_cache(  # noqa: PLR0917 (the builtin's signature)
            source: Any,
            filename: Any,
            mode: str,
            flags: int = 0,
            dont_inherit: bool = False,
            optimize: int = -1,
            **options: Any,
        ) -> Any:
            plain = not flags and not dont_inherit and optimize == -1 and not options
            if not plain or not isinstance(filename, str) or not isinstance(source, str | bytes):
                return original(source, filename, mode, flags, dont_inherit, optimize, **options)
            # What the builtin would inherit: the future flags of the code calling it.
            inherited = sys._getframe(1).f_code.co_flags & _FUTURE_FLAGS
            if isinstance(source, str):
                key = f"compile\0str\0{mode}\0{inherited}\0{filename}\0{source}"
            else:  # latin-1: each byte one character, so the key is the bytes exactly
                key = f"compile\0bytes\0{mode}\0{inherited}\0{filename}\0{source.decode('latin-1')}"
            return cache._kept(key, lambda: original(source, filename, mode, inherited, True))

        regex = _RegexPrograms(self)
        builtins.compile = compile_through_cache
        try:
            with regex.installed():
                yield
        finally:
            builtins.compile = original

    def exec(self, source: Any, globals: Any = None, locals: Any = None, /) -> None:
        """``exec`` for the dataclasses module: a source string runs from its cached code."""
        if isinstance(source, str):
            source = self.code(source)
        exec(source, globals, locals)  # what dataclasses itself does, with the code compiled

    def compile(self, source: Any, filename: Any, mode: str, /, *more: Any, **options: Any) -> Any:
        """``compile`` for the typing module: a forward reference's expression from the cache
        (any other call, which typing does not make today, goes to the builtin untouched)."""
        as_typing_does = not more and not options and filename == _FILENAME and mode == "eval"
        if as_typing_does and isinstance(source, str):
            return self.code(source, "eval")
        return builtins.compile(source, filename, mode, *more, **options)

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


class _RegexPrograms:
    """Regular expressions compiled through the cache: ``re`` parses a pattern and builds its
    program in Python (PySide6's signature parser and stub generator compile some 25 at each
    import, ~10 ms). Kept: what ``re._compiler.compile`` hands ``_sre.compile`` besides the
    pattern (flags, program, groups), so the pattern object is the one ``re`` makes (a test
    compares them). Only on Python 3.11, whose ``re._compiler.compile`` this mirrors."""

    SUPPORTED = sys.version_info[:2] == (3, 11)

    def __init__(self, cache: CodeCache) -> None:
        self.cache = cache
        self.original: Any = None
        """``re._compiler.compile`` while installed: for what is not a plain pattern string."""

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        """``re`` compiles new patterns through the cache in this block."""
        if not self.SUPPORTED:
            yield
            return
        _compiler: Any = importlib.import_module("re._compiler")  # private: no stubs
        self.original = original = _compiler.compile
        _compiler.compile = self.compile  # looked up at each call
        try:
            yield
        finally:
            _compiler.compile = original

    def compile(self, pattern: Any, flags: Any = 0) -> Any:
        """``re._compiler.compile`` of a pattern string, its program from the cache."""
        _sre: Any = importlib.import_module("_sre")
        _compiler: Any = importlib.import_module("re._compiler")
        _parser: Any = importlib.import_module("re._parser")
        flags = int(flags)
        if not isinstance(pattern, str | bytes) or flags & _compiler.SRE_FLAG_DEBUG:
            return self.original(pattern, flags)
        text = pattern if isinstance(pattern, str) else pattern.decode("latin-1")
        key = f"re\0{type(pattern).__name__}\0{flags}\0{text}"
        stored = self.cache.recall(key)
        if stored is not None:
            try:
                parts = marshal.loads(stored)
                return _sre.compile(pattern, *parts)
            except (EOFError, ValueError, TypeError):
                pass
        parsed = _parser.parse(pattern, flags)
        program = _compiler._code(parsed, flags)
        groupindex = parsed.state.groupdict
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        parts = (
            int(flags | parsed.state.flags),
            [int(op) for op in program],  # the opcodes are int subclasses: the same numbers
            int(parsed.state.groups - 1),
            {str(name): int(index) for name, index in groupindex.items()},
            tuple(indexgroup),
        )
        with contextlib.suppress(ValueError):  # not marshallable: compiled, not kept
            self.cache.note(key, marshal.dumps(parts))
        return _sre.compile(pattern, *parts)


class _PatchOnImport:
    """A ``sys.meta_path`` finder that lets ``dataclasses`` be imported as usual and then gives it
    the cache's ``exec`` (installing the cache does not import it: ``adsim --help`` never does)."""

    def __init__(self, cache: CodeCache) -> None:
        self.cache = cache

    def find_spec(self, name: str, path: Sequence[str] | None = None, target: Any = None) -> Any:
        """The real spec of ``dataclasses``, its loader patching the module once run."""
        if name != "dataclasses":
            return None
        with contextlib.suppress(ValueError):
            sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        loader = getattr(spec, "loader", None)
        run = getattr(loader, "exec_module", None)
        if run is None or isinstance(loader, type):  # a frozen module's importer class: shared
            return spec
        cache = self.cache

        def exec_module(module: ModuleType) -> None:
            run(module)
            _patch_dataclasses(module, cache)

        loader.exec_module = exec_module  # type: ignore[union-attr]  # this spec's loader only
        return spec


def _patch_dataclasses(module: ModuleType, cache: CodeCache) -> None:
    # dataclasses calls the builtin by its global name: a global of its own shadows it.
    module.exec = cache.exec  # type: ignore[attr-defined]


def install(path: Path | None = None) -> CodeCache | None:
    """Make ``@dataclass`` and ``typing.ForwardRef`` compile through the cache at ``path``
    (default: ``default_path()``) from now on in this process; returns it (the one already
    installed on a second call), or None on an interpreter this was not made for."""
    if "cache" in _INSTALLED:
        return _INSTALLED["cache"]
    if sys.implementation.name != "cpython":
        return None
    cache = CodeCache(path if path is not None else default_path())
    typing.compile = cache.compile  # type: ignore[attr-defined]  # as for dataclasses
    dataclasses = sys.modules.get("dataclasses")
    if dataclasses is not None:
        _patch_dataclasses(dataclasses, cache)
    else:
        sys.meta_path.insert(0, _PatchOnImport(cache))
    _INSTALLED["cache"] = cache
    return cache


def installed() -> CodeCache | None:
    """The installed cache, if any."""
    return _INSTALLED.get("cache")
