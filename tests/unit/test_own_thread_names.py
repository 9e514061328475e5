"""Every thread adsim starts is named ``adsim-...``: in thread isolation a thread of any other
name running at the end of a run is taken for one a plugin left running (an incident, exit 1:
``simulator.handlers.leftover_threads``), so one of adsim's own unnamed would be a false one."""

from __future__ import annotations

import ast
from pathlib import Path

import simulator

SOURCE = Path(simulator.__file__).parent


def _calls(tree: ast.AST, names: set[str]) -> list[ast.Call]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else None
            name = function.id if isinstance(function, ast.Name) else name
            if name in names:
                found.append(node)
    return found


def _own_name(call: ast.Call) -> bool:
    for keyword in call.keywords:
        if keyword.arg in ("name", "thread_name_prefix"):
            value = keyword.value
            if isinstance(value, ast.Constant):
                return str(value.value).startswith("adsim-")
            if isinstance(value, ast.JoinedStr) and value.values:
                first = value.values[0]
                return isinstance(first, ast.Constant) and str(first.value).startswith("adsim-")
    return False


def test_every_thread_adsim_starts_is_named_adsim():
    unnamed = []
    for path in sorted(SOURCE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        where = path.relative_to(SOURCE.parent)
        for call in _calls(tree, {"Thread", "ThreadPoolExecutor"}):
            if not _own_name(call):
                unnamed.append(f"{where}:{call.lineno}")
        for call in _calls(tree, {"Timer"}):  # threading's: named by an assignment after it
            if ast.unparse(call.func) == "threading.Timer" and '.name = "adsim-' not in text:
                unnamed.append(f"{where}:{call.lineno}")
        # A threading server names none of its connections' threads: its own process_request.
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(
                "Threading" in ast.unparse(base) for base in node.bases
            ):
                methods = {item.name for item in node.body if isinstance(item, ast.FunctionDef)}
                if "process_request" not in methods:
                    unnamed.append(f"{where}:{node.lineno}")
    assert unnamed == []
