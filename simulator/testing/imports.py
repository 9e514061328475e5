"""Handler modules for the pytest harness, imported with Python's own import system.

A test and the handler it tests must share one module object: the test reads what the handler
stored (``my_integration.handler.RECORDS``), patches what it calls, and the handler's relative
imports (``from .crm import Client``) work. So a handler named by module (``my_pkg.handler``) is
``importlib.import_module``-ed, and a handler named by path is imported as the module that path
is: ``src/my_pkg/handler.py`` inside a package (folders with ``__init__.py``) is ``my_pkg.handler``
(the folder above the top package is appended to ``sys.path`` when it is not there yet); a loose
``handler.py`` in a folder on ``sys.path`` (pytest puts a test's folder there) is ``handler``. A
loose file anywhere else is run as its own copy, as ``adsim --handler`` does.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import os
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = [
    "HandlerLoadError",
    "HandlerModule",
    "check_loadable_alone",
    "close_hook",
    "import_handler",
    "make_importable",
    "resolve_handlers",
    "shown_path",
]


class HandlerLoadError(Exception):
    """A handler plugin the test asked for did not load."""


@dataclass(frozen=True)
class HandlerModule:
    """One handler to load: a module imported normally (``name``), or a file run as its own
    copy (``path``: a loose file outside ``sys.path``)."""

    name: str | None = None
    path: Path | None = None


def _is_module_name(text: str) -> bool:
    return all(part.isidentifier() for part in text.split("."))


def _package_name(file: Path) -> tuple[str, Path] | None:
    """``(dotted name, folder to import from)`` when ``file`` is inside a package."""
    parts = [file.stem] if file.name != "__init__.py" else []
    folder = file.parent
    if not (folder / "__init__.py").is_file():
        return None
    while (folder / "__init__.py").is_file():
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts), folder


def _origin(name: str) -> str | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    return spec.origin if spec is not None else None


def _missing_in_package(name: str) -> str | None:
    """For ``pkg.handlr`` when the package ``pkg`` is importable: that it has no such module,
    and the one of its modules the name is closest to (the cause is the name, not
    ``pythonpath``); None when no package above it is importable."""
    package, _, module = name.rpartition(".")
    if not package:
        return None
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    import difflib
    import pkgutil

    modules = [info.name for info in pkgutil.iter_modules(spec.submodule_search_locations)]
    close = difflib.get_close_matches(module, modules, n=1, cutoff=0.6)
    hint = f" (did you mean {package}.{close[0]}?)" if close else ""
    where = ", ".join(spec.submodule_search_locations)
    return f"the package {package} ({where}) has no module {module}{hint}"


def _same(a: str | None, b: Path) -> bool:
    return a is not None and os.path.realpath(a) == os.path.realpath(b)


def _on_sys_path(folder: Path) -> bool:
    real = os.path.realpath(folder)
    return any(os.path.realpath(entry or os.getcwd()) == real for entry in sys.path)


def _file_handler(file: Path) -> HandlerModule:
    packaged = _package_name(file)
    if packaged is not None:
        name, root = packaged
        if not _same(_origin(name), file) and not _on_sys_path(root):
            sys.path.append(str(root))
            importlib.invalidate_caches()
        if not _same(_origin(name), file):
            raise HandlerLoadError(
                f"{file}: it is module {name}, but importing {name} finds {_origin(name)}; "
                "rename the package or fix pythonpath"
            )
        return HandlerModule(name=name)
    if _on_sys_path(file.parent) and _same(_origin(file.stem), file):
        return HandlerModule(name=file.stem)
    return HandlerModule(path=file)


def make_importable(file: Path) -> None:
    """Append the folder of a loose handler file to ``sys.path`` when no other module has its
    name, so it is imported by its name (the pytest plugin's, for the ini file's handlers)."""
    file = file.resolve()
    if file.suffix != ".py" or _package_name(file) is not None or not file.stem.isidentifier():
        return
    if not _on_sys_path(file.parent) and _origin(file.stem) is None:
        sys.path.append(str(file.parent))
        importlib.invalidate_caches()


def resolve_handlers(spec: str | Path, base: Path | None = None) -> list[HandlerModule]:
    """The handler modules ``spec`` names: a module name, a ``.py`` file, or a folder of them
    (every ``*.py`` not starting with ``_``, sorted); paths are relative to ``base``."""
    text = str(spec)
    if not text:  # the working directory to pathlib: every *.py there would load
        raise HandlerLoadError("an empty handler name: give a module, a .py file or a folder")
    path = Path(text)
    if not path.is_absolute() and base is not None:
        path = base / path
    if path.is_dir():
        files = sorted(p for p in path.glob("*.py") if not p.name.startswith("_"))
        if not files:
            raise HandlerLoadError(f"{path}: no handler .py files in this folder")
        return [_file_handler(file.resolve()) for file in files]
    if path.is_file():
        if path.suffix != ".py":  # the host's own refusal was a page of its frames in a test
            raise HandlerLoadError(
                f"{text}: a handler is a .py file with register(ad_api), or a "
                f"folder of them{_javascript_hint(path, text)}"
            )
        return [_file_handler(path.resolve())]
    if text.endswith(".py") or "/" in text or os.sep in text:
        # A path, not a module named "py": where it was looked for, not a pythonpath hint.
        raise HandlerLoadError(f"{text}: no such file or folder (looked for {path.absolute()})")
    if _is_module_name(text):
        if _origin(text) is None and (missing := _missing_in_package(text)) is not None:
            raise HandlerLoadError(f"{text}: {missing}")
        if _origin(text) is None:
            raise HandlerLoadError(
                f"{text}: no such file, folder or importable module (plain pytest: add its "
                "folder to pythonpath in the ini file)"
            )
        return [HandlerModule(name=text)]
    raise HandlerLoadError(f"{text}: no such file, folder or importable module")


def _javascript_hint(path: Path, text: str) -> str:
    """How a test runs a JavaScript module (``adsim run --js-handler`` is no help there)."""
    if path.suffix.lower() not in (".mjs", ".cjs", ".js"):
        return ""
    return (
        "; a JavaScript module runs under Node: simulator.web.NodeHandler(adsim.host, "
        f"{text!r}).start() in the test adds it to adsim (docs/javascript.md)"
    )


def _where(exc: BaseException, file: str | None) -> str:
    if isinstance(exc, SyntaxError):
        return f"{exc.filename or file}:{exc.lineno or 1}: syntax error: {exc.msg}"
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if file is not None and _same(frame.filename, Path(file)):
            line = frame.lineno
    where = f"{file}:{line or 1}" if file else "?"
    return f"{where}: {type(exc).__name__}: {exc} while importing it"


def import_handler(name: str) -> ModuleType:
    """Import handler module ``name`` (once per process, as any import); ``HandlerLoadError``
    with ``file:line`` when it fails, or when it has no ``register(ad_api)``."""
    from simulator.handlers import exit_guard

    try:
        with exit_guard.loading(name):  # its os._exit at import is said (thread isolation)
            module = importlib.import_module(name)
    except BaseException as exc:
        raise HandlerLoadError(_where(exc, _origin(name))) from None
    if not callable(getattr(module, "register", None)):
        raise HandlerLoadError(
            f"{module.__file__ or name}:1: no register(ad_api) function; add one that calls "
            "ad_api.on(...)"
        )
    return module


def close_hook(module: ModuleType) -> Any:
    """The module's optional ``close()``: run when the harness's host closes."""
    close = getattr(module, "close", None)
    return close if callable(close) else None


def check_loadable_alone(name: str, file: Path) -> None:
    """``HandlerLoadError`` when module ``name`` imports relative to its package: a plugin
    process loads the file alone (``handler_isolation="process"``), where ``from .client import
    Client`` failed with "No module named 'adsim_handlers'", a module nobody wrote."""
    try:
        tree = ast.parse(file.read_bytes(), str(file))
    except (OSError, SyntaxError, ValueError):
        return  # the plugin process says what is wrong with it
    found = [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level > 0]
    if not found:
        return
    first = min(found, key=lambda node: node.lineno)
    package = name if file.name == "__init__.py" else name.rpartition(".")[0]
    for _ in range(first.level - 1):
        package = package.rpartition(".")[0]
    target = ".".join(part for part in (package, first.module) if part)
    written = "." * first.level + (first.module or "")
    raise HandlerLoadError(
        f"{shown_path(file)}:{first.lineno}: {name} imports from its package (from {written} "
        f"import ...), which a plugin process cannot do: it loads the file alone. Import it "
        f"as {target}, or use handler_isolation='thread'"
    )


def shown_path(file: str | Path) -> str:
    """``file`` relative to the working directory when it is inside it."""
    try:
        relative = os.path.relpath(file)
    except ValueError:  # another drive (Windows)
        return str(file)
    return str(file) if relative.startswith("..") else relative
