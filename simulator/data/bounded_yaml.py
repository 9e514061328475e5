"""Reading YAML that may be hostile: bounded size, bounded alias expansion, checked numbers/text.

Every YAML file adsim reads (scenarios, tenants, a scenario's ``expect: payload:``) goes through
``BoundedLoader`` (a ``yaml.SafeLoader``), which refuses, with the line and column:

- a document whose aliases (``&name`` ... ``*name``) would expand to more than
  ``MAX_EXPANDED_NODES`` values, or that refers to itself (an alias bomb is refused before it is
  built, in time linear in the file);
- a number that is not finite (``.inf``, ``.nan``) or beyond ``MAX_NUMBER`` (JSON's exact
  integers: what every wire payload can carry);
- text with a lone surrogate (``"\\ud800"``): UTF-8, the journal and the webhook cannot carry it.

``read_limited`` reads a file only if it is at most ``max_bytes`` long (``MAX_FILE_BYTES``).
The built-in tenant is not read through here at start: its JSON twin is
(``simulator.data.builtin_tenant``).
"""

from __future__ import annotations

import errno
import math
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from simulator.data.editor_lines import EDITOR_BREAK_BYTES, EditorLines, editor_position
from simulator.file_args import not_a_file

__all__ = [
    "FAST_PARSER",
    "MAX_DEPTH",
    "MAX_EXPANDED_NODES",
    "MAX_FILE_BYTES",
    "MAX_NUMBER",
    "NESTED_TOO_DEEPLY",
    "TAB_PROBLEM",
    "BoundedCLoader",
    "BoundedLoader",
    "EditorLines",
    "FileTooLargeError",
    "RefusedValueError",
    "TenantLoader",
    "editor_position",
    "has_lone_surrogate",
    "is_tab_problem",
    "key_node_at",
    "node_at",
    "not_utf8",
    "read_limited",
    "unprintable",
    "unreadable",
    "use_yaml12_scalars",
]

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Default size limit of a scenario or tenant file (10 MB)."""
MAX_EXPANDED_NODES = 1_000_000
"""Values a document may hold once its aliases are expanded."""
MAX_NUMBER = 2**53
"""The largest magnitude of a number in a file (JSON's exact integers)."""
MAX_DEPTH = 100
"""Levels a document may nest (a mapping in a list in a mapping ...)."""
NESTED_TOO_DEEPLY = f"the YAML is nested more than {MAX_DEPTH} levels deep: flatten it"
"""What a deeper document is told, by either parser, at any depth (past ~490 levels
PyYAML's own recursion gives up first: the same words, see ``simulator.scenarios.source``)."""


TAB_PROBLEM = (
    "a tab: YAML indents, and separates a key from its value, with spaces only; replace the "
    "tab with spaces"
)
"""What a tab where YAML wants a space is called (an editor's indentation, ``key:<TAB>value``)."""


def is_tab_problem(problem: str | None) -> bool:
    """Whether PyYAML's ``problem`` is a tab where YAML wants a space: its words, "found
    character '\\t' that cannot start any token", name a character a tester cannot see."""
    return problem is not None and problem.startswith("found character '\\t'")


UTF16_WITHOUT_BOM = (
    "is UTF-16 without a byte order mark (every other byte is zero): save it as UTF-8"
)
"""What a UTF-16 file with no byte order mark is called: its bytes are valid UTF-8, and the
reader refused its first zero byte as a control character at 1:1 or 1:2."""


def _utf16_without_bom(text: str) -> bool:
    """Whether ``text`` (decoded as UTF-8) is UTF-16 text with no byte order mark: in its start,
    a zero every other character (ASCII written as UTF-16, little- or big-endian)."""
    start = text[:1000]
    if len(start) < 4:
        return False
    zeros = [index for index, char in enumerate(start) if char == "\0"]
    if len(zeros) < len(start) // 3:
        return False
    odd = sum(index % 2 for index in zeros)
    return max(odd, len(zeros) - odd) >= 0.9 * len(zeros)


def _utf16_bytes_without_bom(data: bytes) -> bool:
    """Whether ``data`` is UTF-16 text with no byte order mark: a zero every other byte in its
    start (its ASCII characters), and it reads as UTF-16 of that order."""
    start = data[:1000]
    zeros = [index for index, byte in enumerate(start) if byte == 0]
    if len(start) < 4 or len(zeros) < len(start) // 3:
        return False
    odd = sum(index % 2 for index in zeros)
    if max(odd, len(zeros) - odd) < 0.9 * len(zeros):
        return False
    try:
        data[: len(data) // 2 * 2].decode("utf-16-le" if odd > len(zeros) - odd else "utf-16-be")
    except UnicodeDecodeError:
        return False
    return True


def unprintable(error: yaml.reader.ReaderError, text: str) -> tuple[int | None, int | None, str]:
    """Where the character PyYAML's reader refused sits in ``text`` (line, column, what to do).
    The reader checks the whole text before parsing and gives only an offset into it. A UTF-16
    file without a byte order mark is said as such, with no line (its zero bytes are not
    characters the user typed)."""
    if error.character in (0, "\0") and _utf16_without_bom(text):
        return None, None, UTF16_WITHOUT_BOM
    if error.character in (0, "\0") and text[:1000].count("\0") >= 0.6 * len(text[:1000]):
        return (
            None,
            None,
            "is UTF-32 without a byte order mark (three bytes in four are zero): save it as UTF-8",
        )
    line, column = editor_position(text, error.position)
    code = error.character if isinstance(error.character, int) else ord(error.character)
    kind = "a control character" if code < 0x100 else "a character"
    escaped = f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return (
        line,
        column,
        f"{kind} (U+{code:04X}) YAML does not allow: delete it, or write it escaped in double "
        f'quotes ("{escaped}")',
    )


class FileTooLargeError(Exception):
    """The file is longer than the limit; ``size`` is what was found (bytes), or None when it
    is not known (a pipe or a device, read only up to the limit)."""

    def __init__(self, size: int | None, limit: int):
        self.size = size
        self.limit = limit
        if size is None:  # ``<(generate)``, /dev/zero: a size would be the limit + 1, a guess
            super().__init__(f"the file is longer than the {_megabytes(limit)} limit")
            return
        shown, limit_shown = _megabytes(size), _megabytes(limit)
        if shown == limit_shown:  # "10.0 MB, over the 10.0 MB limit" read as a contradiction
            shown, limit_shown = f"{size:,} bytes", f"{limit:,} bytes"
        super().__init__(f"the file is {shown}, over the {limit_shown} limit")


class RefusedValueError(yaml.constructor.ConstructorError):
    """Valid YAML holding a value adsim refuses (a number, a text, an alias bomb)."""


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 104_858 else f"{size} bytes"


def read_limited(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The UTF-8 text of ``path``, read only if it is at most ``max_bytes`` long
    (``FileTooLargeError``; ``OSError``/``UnicodeDecodeError`` as ``Path.read_text``). A named
    pipe, a device or a socket is refused before it is opened (an ``OSError`` saying what it
    is): a pipe nobody writes blocked ``open`` for ever; the standard input and ``<(...)``
    (``/dev/stdin``, ``/dev/fd/N``) are read."""
    problem = not_a_file(path)
    if problem is not None:
        advice = "give the file itself (the standard input is /dev/stdin)"
        raise OSError(errno.EINVAL, f"{problem}: {advice}", str(path))
    with open(path, "rb") as handle:
        data = handle.read(max_bytes + 1)  # a pipe or a growing file: never more than this
    if len(data) > max_bytes:
        try:
            size: int | None = Path(path).stat().st_size
        except OSError:
            size = None
        # A pipe or a device has no size (0): only that it goes on past the limit is known.
        raise FileTooLargeError(size if size and size >= len(data) else None, max_bytes)
    return data.decode("utf-8")


def unreadable(exc: OSError, path: str | Path) -> str:
    """Why ``path`` could not be read, in words: a symbolic link whose target is gone is said
    to be one ("No such file or directory" of a file the user can see listed)."""
    if isinstance(exc, FileNotFoundError) and os.path.islink(path):
        return f"it is a symbolic link to {os.readlink(path)!r}, which is not there"
    return exc.strerror or str(exc)


def not_utf8(error: UnicodeDecodeError) -> tuple[int | None, int | None, str]:
    """Where a file that is not UTF-8 first goes wrong (line, column, what to do), from the
    ``UnicodeDecodeError`` of ``read_limited``. "Not a text file" sent the user hunting when
    the file was text saved in another encoding (UTF-16 by Notepad, Windows-1252 by an editor)."""
    data = bytes(error.object)
    if data[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):  # before UTF-16's: FF FE
        try:
            data.decode("utf-32")
        except UnicodeDecodeError:
            pass
        else:
            return None, None, "is UTF-32: save it as UTF-8"
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            data.decode("utf-16")
        except UnicodeDecodeError:
            pass  # only looks like it
        else:
            return None, None, "is UTF-16 (Notepad's 'Unicode'): save it as UTF-8"
    if _utf16_bytes_without_bom(data):  # with a character past ASCII (Café)
        return None, None, UTF16_WITHOUT_BOM
    if b"\x00" in data:  # text in no encoding holds NUL bytes: an image, an archive ...
        return None, None, "not a text file (UTF-8 expected)"
    start = error.start
    line, line_start = 1, 0
    for found in EDITOR_BREAK_BYTES.finditer(data, 0, start):  # a lone CR breaks a line too
        line, line_start = line + 1, found.end()
    column = len(data[line_start:start].decode("utf-8", "replace")) + 1
    return (
        line,
        column,
        f"not UTF-8: byte 0x{data[start]:02x} here (Windows-1252 or Latin-1?); save the file "
        "as UTF-8",
    )


def has_lone_surrogate(text: str) -> bool:
    """True when ``text`` holds a surrogate code point UTF-8 cannot encode."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _expanded_size(root: yaml.Node, limit: int) -> None:
    """Raise a ``ConstructorError`` when ``root``'s aliases expand it by more than ``limit``
    nodes beyond the distinct ones it holds, or it contains itself. Linear in the number of
    distinct nodes."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            total = 1 + sum(sizes[id(child)] for child in _children(node))
            # What the aliases add beyond the values the file holds (a big file without an
            # alias, 1.5 million values in 10 MB, was called an alias bomb).
            if total - len(sizes) - 1 > limit:
                raise RefusedValueError(
                    None,
                    None,
                    f"the YAML expands to more than {limit:,} values through its aliases "
                    "(&name ... *name): an alias bomb? Write the values out or use fewer aliases",
                    node.start_mark,
                )
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise RefusedValueError(
                None,
                None,
                "an alias refers to a value that contains it (a loop): write the values out",
                node.start_mark,
            )
        on_path.add(key)
        if len(on_path) > MAX_DEPTH:  # both parsers: PyYAML's own recursion is ~490 levels
            raise RefusedValueError(None, None, NESTED_TOO_DEEPLY, None)
        stack.append((node, True))
        for child in _children(node):
            if id(child) not in sizes:
                stack.append((child, False))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


if TYPE_CHECKING:
    _Constructing = yaml.SafeLoader
else:
    _Constructing = object  # a mixin: the loaders below put it before their PyYAML base


class _Bounded(_Constructing):
    """What both loaders add to PyYAML's safe constructor: alias expansion bounded, keys
    written once, numbers and text checked."""

    max_expanded_nodes = MAX_EXPANDED_NODES

    def construct_document(self, node: yaml.Node) -> Any:
        """Check the expansion of the whole document before building any of it."""
        _expanded_size(node, self.max_expanded_nodes)
        try:
            return super().construct_document(node)
        except _NOT_BUILT as exc:  # a mapping's items: built after its first yield
            raise RefusedValueError(None, None, _not_built(exc), None) from None

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """A value its tag cannot be built from (``!!float x``, ``!!map [1]``) is refused at
        its line; it was a ``ValueError``/``TypeError`` traceback."""
        try:
            return super().construct_object(node, deep=deep)
        except _NOT_BUILT as exc:
            raise RefusedValueError(
                None, None, _not_built(exc, node.tag), node.start_mark
            ) from None

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """A mapping whose keys are each written once (PyYAML keeps the last one silently); a
        merge key's values (``<<: *base``) may still be overridden, as YAML means them to."""
        seen: set[Any] = set()
        for key_node, _value in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                continue
            if (key_node.tag, key_node.value) in seen:
                raise RefusedValueError(
                    None,
                    None,
                    f"the key {key_node.value!r} appears twice in this mapping: keep one",
                    key_node.start_mark,
                )
            seen.add((key_node.tag, key_node.value))
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        """An integer no bigger than ``MAX_NUMBER``."""
        if len(node.value) > 40:  # Python refuses past 4,300 digits, naming its own internals
            raise _bad_number(
                node,
                f"{node.value[:20]}... ({len(node.value):,} characters) is too big (at most "
                f"{MAX_NUMBER:,})",
            )
        value = super().construct_yaml_int(node)
        if abs(value) > MAX_NUMBER:
            raise _bad_number(node, f"{node.value} is too big (at most {MAX_NUMBER:,})")
        return value

    def construct_yaml_float(self, node: yaml.ScalarNode) -> float:
        """A finite number no bigger than ``MAX_NUMBER``."""
        value = super().construct_yaml_float(node)
        if not math.isfinite(value):
            raise _bad_number(node, f"{node.value} is not a finite number")
        if abs(value) > MAX_NUMBER:
            raise _bad_number(node, f"{node.value} is too big (at most {MAX_NUMBER:,})")
        return value

    def construct_yaml_str(self, node: yaml.ScalarNode) -> str:
        """Text UTF-8 can carry."""
        value = super().construct_yaml_str(node)
        if has_lone_surrogate(value):
            raise RefusedValueError(
                None,
                None,
                "this text has a lone surrogate (an escape like \\ud800 with no pair): the "
                "journal and the webhook cannot carry it; write the character itself",
                node.start_mark,
            )
        return value


_NOT_BUILT = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError)
"""What PyYAML's constructors raise for a value their tag cannot hold."""


def _not_built(exc: BaseException, tag: str | None = None) -> str:
    what = (
        f"a {tag.rsplit(':', 1)[-1]} value" if tag and tag.startswith("tag:yaml.org") else "a value"
    )
    return f"{what} that cannot be read ({type(exc).__name__}: {exc}): check its tag (!!...)"


def _bad_number(node: yaml.Node, message: str) -> RefusedValueError:
    return RefusedValueError(None, None, message, node.start_mark)


class BoundedLoader(_Bounded, yaml.SafeLoader):
    """``SafeLoader`` with alias expansion bounded and numbers and text checked: the
    pure-Python parser, whose messages for broken YAML the docs show."""


_CSafeLoader: Any = getattr(yaml, "CSafeLoader", None)
"""PyYAML's parser in C (libyaml), when the installed PyYAML has it (its wheels do)."""


class BoundedCLoader(_Bounded, _CSafeLoader or yaml.SafeLoader):  # type: ignore[misc]
    """``BoundedLoader`` on libyaml's parser: the same values, built by the same constructors,
    several times faster on a big file. Its messages for broken YAML are libyaml's, not the
    ones the docs show: read a file with it only while it loads, and say a problem with
    ``BoundedLoader`` (``FAST_PARSER`` tells whether libyaml is there at all)."""


FAST_PARSER = _CSafeLoader is not None
"""Whether ``BoundedCLoader`` parses with libyaml (else it is ``BoundedLoader`` again)."""

for _loader in (BoundedLoader, BoundedCLoader):
    _loader.add_constructor("tag:yaml.org,2002:int", _Bounded.construct_yaml_int)
    _loader.add_constructor("tag:yaml.org,2002:float", _Bounded.construct_yaml_float)
    _loader.add_constructor("tag:yaml.org,2002:str", _Bounded.construct_yaml_str)


def use_yaml12_scalars(loader: type[yaml.SafeLoader]) -> None:
    """Make ``loader`` resolve plain scalars as YAML 1.2 does rather than PyYAML's YAML 1.1:
    only ``true``/``false`` are booleans (``on``, ``yes``, ``No`` stay text: a service named
    ``On``, a disposition ``No``, a key ``on:``), and numbers with a sign, a leading zero or an
    underscore stay text (``+14155550134``, ``0123``, ``1_0``), as do dates and ``1e5`` (a
    float needs a dot, as PyYAML writes them). Scenario and tenant files read alike, so a tenant
    inline in a scenario reads as its file does."""
    loader.yaml_implicit_resolvers = {}
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:int", re.compile(r"^-?(?:0|[1-9][0-9]*)$"), list("-0123456789")
    )
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(
            r"^-?(?:0|[1-9][0-9]*)\.[0-9]+(?:[eE][-+]?[0-9]+)?$"
            r"|^-?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$"
        ),
        list("-0123456789."),
    )
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
    )
    loader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])


class TenantLoader(BoundedLoader):
    """``BoundedLoader`` with YAML 1.2 scalars (``use_yaml12_scalars``): a tenant file."""


use_yaml12_scalars(TenantLoader)


def node_at(root: yaml.Node | None, path: tuple[Any, ...] | list[Any]) -> yaml.Node | None:
    """The deepest node of ``root`` along ``path`` (mapping keys and list indexes; parts that
    name neither, as pydantic adds, are skipped): where an error at ``path`` is reported."""
    node = root
    if node is None:
        return None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(part):
                    node = value_node
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            node = node.value[part] if 0 <= part < len(node.value) else node
    return node


def key_node_at(mapping: yaml.Node | None, key: Any) -> yaml.Node | None:
    """The node of ``key`` itself in ``mapping`` (where an unknown key is written), or None."""
    if not isinstance(mapping, yaml.MappingNode):
        return None
    for key_node, _value in mapping.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(key):
            return key_node
    return None
