"""Generated code compiled once (``simulator.code_cache``): a class made from the cache is the class
``@dataclass`` makes without it, a forward reference evaluates as it does without it, a second
``adsim`` compiles nothing the first one compiled, and a bad, unwritable or switched-off cache
costs nothing but the compiling.

Each case runs in a fresh interpreter: installing the cache changes ``dataclasses`` and ``typing``
for the whole process, which is ``adsim``'s to do, not this test session's.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.code_cache import CodeCache

# Every kind of generated method: init with defaults, factories, kw-only, InitVar and
# __post_init__, ClassVar; repr, eq, order, frozen with slots (setattr/delattr, hash),
# unsafe_hash, match_args.
_CLASSES = """
import dataclasses, inspect, json, sys, typing
from dataclasses import InitVar, KW_ONLY, dataclass, field
from typing import ClassVar, ForwardRef, TypedDict

@dataclass(frozen=True, slots=True, order=True)
class Point:
    x: int
    y: int = 0
    tags: tuple = ()

@dataclass
class Box:
    name: str
    items: list = field(default_factory=list)
    scale: InitVar[int] = 1
    kind: ClassVar[str] = "box"
    _: KW_ONLY
    hidden: bool = field(default=False, repr=False, compare=False)

    def __post_init__(self, scale):
        self.items = self.items * scale

@dataclass(unsafe_hash=True, eq=True)
class Keyed:
    key: str
    note: str = field(default="", hash=False)

p, q = Point(1, 2), Point(1, 3)
b = Box("b", [1], 2, hidden=True)
try:
    p.x = 5
    frozen = "no"
except dataclasses.FrozenInstanceError as exc:
    frozen = type(exc).__name__
seen = {
    "repr": [repr(p), repr(b), repr(Keyed("k", "n"))],
    "eq": [p == Point(1, 2), p == q, b == Box("b", [1, 1], hidden=False)],
    "order": [p < q, sorted([q, p]) == [p, q]],
    "hash": [hash(p) == hash(Point(1, 2)), hash(Keyed("k", "a")) == hash(Keyed("k", "b"))],
    "frozen": frozen,
    "init": [str(inspect.signature(C)) for C in (Point, Box, Keyed)],
    "items": b.items,
    "fields": [f.name for f in dataclasses.fields(Box)],
    "replace": repr(dataclasses.replace(p, y=9)),
    "match_args": list(Point.__match_args__),
    "slots": Point.__slots__,
    "doc": Point.__doc__,
}

class Shape(TypedDict):  # string annotations: typing compiles each as a forward reference
    points: "list[Point]"
    name: "str | None"

hints = typing.get_type_hints(Shape)
seen["forward"] = [repr(hints["points"]), repr(hints["name"])]
try:
    ForwardRef("not an expression(")
    seen["bad_forward"] = "accepted"
except SyntaxError as exc:
    seen["bad_forward"] = str(exc)
"""

_RUN = """
import json, sys
from pathlib import Path
cache = None
if sys.argv[1] != "-":
    from simulator.code_cache import install
    cache = install(Path(sys.argv[1]))
{classes}
seen["compiled"] = None if cache is None else cache.compiled
seen["saved"] = None if cache is None else cache.save()
print(json.dumps(seen))
"""


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _classes(cache: Path | None) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _RUN.format(classes=_CLASSES), str(cache) if cache else "-"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=_env(),
    )
    return json.loads(done.stdout)


def _without_counts(seen: dict) -> dict:
    return {k: v for k, v in seen.items() if k not in ("compiled", "saved")}


def test_classes_from_the_cache_are_the_classes_dataclass_makes(tmp_path):
    cache = tmp_path / "methods"
    plain = _classes(None)
    first = _classes(cache)
    again = _classes(cache)
    assert first["compiled"] > 0 and first["saved"] is True and cache.is_file()
    assert (again["compiled"], again["saved"]) == (0, False), "all from the file, none written"
    assert _without_counts(first) == _without_counts(plain)
    assert _without_counts(again) == _without_counts(plain)
    assert plain["frozen"] == "FrozenInstanceError" and plain["items"] == [1, 1]
    assert plain["forward"] == ["list[__main__.Point]", "str | None"]
    assert plain["bad_forward"].startswith("Forward reference must be an expression")


@pytest.mark.parametrize(
    "content",
    [b"", b"not a cache", b"adsim generated code 1\nXXXX\x00garbage", None],
    ids=["empty", "foreign", "corrupt", "a directory"],
)
def test_a_bad_cache_file_is_ignored_and_replaced(tmp_path, content):
    cache = tmp_path / "methods"
    if content is None:
        cache.mkdir()  # cannot be read nor replaced: compiled, nothing written, no error
    else:
        cache.write_bytes(content)
    seen = _classes(cache)
    assert _without_counts(seen) == _without_counts(_classes(None))
    assert seen["compiled"] > 0
    assert seen["saved"] is (content is not None)
    if content is not None:
        assert _classes(cache)["compiled"] == 0


def test_nothing_is_written_where_bytecode_would_not_be(tmp_path, monkeypatch):
    cache = CodeCache(tmp_path / "methods")
    cache.code("x = 1")
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert cache.save() is False and not (tmp_path / "methods").exists()
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    read_only = CodeCache(tmp_path / "missing" / "methods")
    read_only.code("x = 1")
    (tmp_path / "missing").write_text("a file where the directory would be", encoding="utf-8")
    assert read_only.save() is False
    assert [p.name for p in tmp_path.iterdir()] == ["missing"], "no temporary file left"


def test_a_second_adsim_compiles_nothing_the_first_compiled(tmp_path):
    """Through ``adsim`` itself: the first run leaves the cache beside the bytecode (here under
    ``PYTHONPYCACHEPREFIX``), the second finds every method there and writes nothing."""
    env = {**_env(), "PYTHONPYCACHEPREFIX": str(tmp_path / "pycache")}
    command = [sys.executable, "-m", "simulator", "demo", "--journal", ":memory:"]
    subprocess.run(command, capture_output=True, timeout=120, check=True, env=env)
    (cache,) = (tmp_path / "pycache").rglob("code_cache.*.code")
    before = (cache.read_bytes(), cache.stat().st_mtime_ns)
    modes = [key.split("\0", 1)[0] for key in CodeCache(cache).entries]
    # The engine's, the journal's and pydantic's dataclasses; pydantic-core's TypedDicts.
    assert modes.count("exec") > 100 and modes.count("eval") > 100
    subprocess.run(command, capture_output=True, timeout=120, check=True, env=env)
    assert (cache.read_bytes(), cache.stat().st_mtime_ns) == before


def test_installing_imports_nothing_a_command_may_not_need(tmp_path):
    """``adsim --help`` makes no class: installing reads no file and imports no dataclasses
    (nor inspect, which it imports); dataclasses imported later gets the cache all the same."""
    probe = """
import json, sys
from pathlib import Path
from simulator.code_cache import install
cache = install(Path(sys.argv[1]))
before = [m for m in ("dataclasses", "inspect") if m in sys.modules]
read = cache._entries is not None
import dataclasses
print(json.dumps([before, read, dataclasses.exec == cache.exec]))
"""
    cache = tmp_path / "methods"
    cache.write_bytes(b"anything")
    done = subprocess.run(
        [sys.executable, "-c", probe, str(cache)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=_env(),
    )
    assert json.loads(done.stdout) == [[], False, True]


def test_a_cache_grown_past_its_bound_keeps_only_this_process_s_code(tmp_path, monkeypatch):
    from simulator import code_cache

    monkeypatch.setattr(sys, "dont_write_bytecode", False)  # whatever this session was started with
    path = tmp_path / "methods"
    old = CodeCache(path)
    for number in range(5):
        old.code(f"x = {number}")
    assert old.save()
    monkeypatch.setattr(code_cache, "MAX_ENTRIES", 3)
    cache = CodeCache(path)
    cache.code("x = 1")  # from the file, used
    cache.code("y = 2")  # new
    assert (cache.compiled, cache.save()) == (1, True)
    assert sorted(CodeCache(path).entries) == ["exec\0x = 1", "exec\0y = 2"]


def test_a_noted_fact_is_saved_and_recalled_by_the_next_process(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    path = tmp_path / "facts"
    first = CodeCache(path)
    assert first.recall("pyside\0/x.py\01\02") is None
    first.note("pyside\0/x.py\01\02", b"1")
    assert first.save()
    second = CodeCache(path)
    assert second.recall("pyside\0/x.py\01\02") == b"1"
    second.note("pyside\0/x.py\01\02", b"1")  # known already: nothing to save
    assert (second.compiled, second.save()) == (0, False)


def test_compiling_keeps_what_any_caller_compiles_as_the_builtin_would(tmp_path, monkeypatch):
    """``CodeCache.compiling`` (PySide6's bootstrap modules, compiled from bytes at every
    import): the same code as the builtin, with the flags this module's ``__future__`` import
    gives, and from the file in the next process; the builtin is back after the block."""
    import ast
    import builtins

    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    real = builtins.compile
    source = b"def f(x: Undefined) -> int:\n    return x\n"
    expected = real(source, "embedded/module.py", "exec")  # inherits `annotations` from here
    path = tmp_path / "bootstrap"
    first = CodeCache(path)
    with first.compiling():
        assert builtins.compile is not real
        code = compile(source, "embedded/module.py", "exec")
        tree = compile("x = 1", "<ast>", "exec", ast.PyCF_ONLY_AST)  # not plain: the builtin's
    assert builtins.compile is real
    assert code == expected and code.co_flags == expected.co_flags
    assert isinstance(tree, ast.Module)
    assert first.compiled == 1 and first.save()
    second = CodeCache(path)  # the next start
    with pytest.raises(RuntimeError), second.compiling():
        assert compile(source, "embedded/module.py", "exec") == expected
        raise RuntimeError("the block fails")
    assert builtins.compile is real
    assert second.compiled == 0  # read, not compiled
    with second.compiling():
        plain = compile(source.decode(), "embedded/module.py", "exec")  # a str: its own entry
    assert plain == expected and second.compiled == 1


PATTERNS = [
    (r"(?P<name>\w+)\s*=\s*(?P<value>[^#\n]*)", 0),
    (r"(?x) \d+ (?: \. \d* )?  # a number", 0),
    (r"^[a-z_][a-z0-9_]*$", re.IGNORECASE),
    (r"(?i)(?:ab|cd)+(?=x)|\bq\b", re.MULTILINE | re.DOTALL),
    (rb"[\x00-\x1f]+(?P<tail>.)", 0),
    (r"(a)(b)?(?(2)c|d)", re.ASCII),
]


@pytest.mark.parametrize(("pattern", "flags"), PATTERNS)
def test_compiling_keeps_regular_expressions_as_re_makes_them(
    tmp_path, monkeypatch, pattern, flags
):
    """PySide6's import compiles some 25 regular expressions; ``compiling`` keeps their
    programs: the pattern objects are equal to ``re``'s (flags, program, groups), also from
    the file in the next process."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    re.purge()
    expected = re.compile(pattern, flags)
    path = tmp_path / "regex"
    first = CodeCache(path)
    for cache in (first, CodeCache(path)):
        re.purge()  # re's own cache: compile again
        with cache.compiling():
            made = re.compile(pattern, flags)
        assert made == expected
        assert (made.groupindex, made.groups, made.flags) == (
            expected.groupindex,
            expected.groups,
            expected.flags,
        )
        if cache is first:
            assert cache.compiled == 1 and cache.save()
        else:
            assert cache.compiled == 0  # from the file
