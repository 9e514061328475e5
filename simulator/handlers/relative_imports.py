"""A plugin file's relative import (``from . import crm``), which cannot work: what to do instead.

A ``--handler`` file (or a scenario's ``handlers:``) runs as a module of its own
(``adsim_handlers.crm_1a2b3c4d``), not as its package's module, so Python's own error named a
package nobody wrote (``No module named 'adsim_handlers.crm'``). The pytest plugin imports a
file inside a package as that package's module; ``adsim`` says what to write instead.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

__all__ = ["relative_import"]


def relative_import(path: Path, source: str, line: int, group: str) -> str | None:
    """What to do when line ``line`` of plugin file ``path`` that failed is a relative import
    (``from . import crm``): the file runs as a module of its own (``adsim_handlers.crm_...``),
    not as its package's, and Python said "No module named 'adsim_handlers.crm'", naming a
    package nobody wrote. ``group``: the entry points' group. None when that line is no
    relative import."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    found = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and node.level > 0
        and node.lineno <= line
        and (node.end_lineno or node.lineno) >= line
    ]
    if not found:
        return None
    node = found[0]
    names = ", ".join(alias.name for alias in node.names)
    written = f"from {'.' * node.level}{node.module or ''} import {names}"
    folder = path.resolve().parent
    packages: list[str] = []  # the packages it is in, innermost first
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        packages.append(folder.name)
        folder = folder.parent
    if len(packages) < node.level:  # not in a package (that deep): a script's import
        return (
            f"{written}: a handler file runs as a module of its own, in no package, so it cannot "
            f"import relative to one; import the module beside it as a script does ("
            + (f"from {node.module} import {names}" if node.module else f"import {names}")
            + ")"
        )
    own = ".".join(reversed(packages)) + ("" if path.name == "__init__.py" else f".{path.stem}")
    package = ".".join(reversed(packages[node.level - 1 :]))
    target = ".".join(part for part in (package, node.module) if part)
    try:
        above = os.path.relpath(folder)
    except ValueError:  # another drive (Windows)
        above = ".."
    return (
        f"{written}: a handler file runs as a module of its own, not as {own}, so it cannot "
        f"import relative to its package; write from {target} import {names} (with "
        f"{folder if above.startswith('..') else above} on PYTHONPATH, or the package "
        f"installed), or declare {own} as an entry point of the installed package (group "
        f"{group})"
    )
