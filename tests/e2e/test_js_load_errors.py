"""Where a JS handler module's error lies, when it lies in another file of the module's own."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.web import find_node

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "fixtures" / "scenarios"
needs_node = pytest.mark.skipif(find_node() is None, reason="node is not installed (Node 18+)")


def _load(module: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code = main(["run", str(SCENARIOS / "chat.yaml"), "--js-handler", str(module)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1, err  # a plugin not loaded: the run fails
    return err[0]


def _handled(module: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """stderr of a run whose handler failed (exit 1)."""
    code = main(["run", str(SCENARIOS / "chat.yaml"), "--js-handler", str(module)])
    err = capsys.readouterr().err
    assert code == 1, err
    return err


UNEXPECTED = "SyntaxError: Unexpected token ';'"


@needs_node
@pytest.mark.parametrize(
    ("helper", "source", "said"),
    [
        # Node gives no place for a syntax error in an ES module: the module's line 1 was named,
        # a line with no import on it, and nothing named the file at fault.
        ("lib.mjs", "export const a = 1;\n\nexport const b = ;\n", (UNEXPECTED, "3:18")),
        # A CommonJS file's place was dropped for the module's, and Node's own rejected promise
        # said "a promise rejected with no catch".
        ("lib.cjs", "const a = 1;\n\nconst b = ;\nmodule.exports = { a };\n", (UNEXPECTED, "3:11")),
        (
            "lib.mjs",
            "const a = 1;\n\nthrow new Error('no CRM token');\n",
            ("Error: no CRM token", "3"),
        ),
    ],
)
def test_an_error_in_a_file_the_module_imports_is_placed(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    helper: str,
    source: str,
    said: tuple[str, str],
) -> None:
    """The module's line is its import of the file at fault, whose own place follows the error
    (with the column of a syntax error)."""
    (tmp_path / helper).write_text(source, encoding="utf-8")
    module = tmp_path / "crm.mjs"
    module.write_text(
        f'// the CRM\nimport * as lib from "./{helper}";\nexport function register(adApi) {{}}\n',
        encoding="utf-8",
    )
    error, line = said
    assert _load(module, capsys) == (
        f"adsim: {module}:2: {error} ({tmp_path / helper}:{line}) while importing it"
    )


@needs_node
@pytest.mark.parametrize(
    ("name", "source", "place"),
    [
        (
            "crm.mjs",
            'export function register(adApi) {\n  adApi.on("ON_LOGIN", () => { let x = ; });\n}\n',
            "2:40",
        ),
        ("crm.cjs", "module.exports.register = function (adApi) {\n  let x = ;\n};\n", "2:11"),
    ],
)
def test_a_syntax_error_in_the_module_itself_names_its_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, source: str, place: str
) -> None:
    """Its line only (``crm.mjs:2: SyntaxError``), where one in a file it imports had its column."""
    module = tmp_path / name
    module.write_text(source, encoding="utf-8")
    assert _load(module, capsys) == f"adsim: {module}:{place}: {UNEXPECTED} while importing it"


@needs_node
def test_a_syntax_error_two_imports_away_is_placed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "deep.mjs").write_text("export const b = ;\n", encoding="utf-8")
    (tmp_path / "lib" / "mid.mjs").write_text('export * from "./deep.mjs";\n', encoding="utf-8")
    module = tmp_path / "crm.mjs"
    module.write_text(
        'import fs from "node:fs";\n\nimport { b } from "./lib/mid.mjs";\n'
        "export function register(adApi) {}\n",
        encoding="utf-8",
    )
    assert _load(module, capsys) == (
        f"adsim: {module}:3: {UNEXPECTED} ({tmp_path / 'lib' / 'deep.mjs'}:1:18) while importing it"
    )


@needs_node
@pytest.mark.parametrize("when", ["register", "handler"])
def test_a_dynamic_import_of_a_file_with_a_syntax_error_is_placed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], when: str
) -> None:
    """``await import("./lib.mjs")`` of a file that does not parse: Node's error has no place at
    all, and the module's line 1 was named in register (nothing in a handler's outcome). The
    walk of its imports now takes in a dynamic import of a literal: the file, line and column."""
    (tmp_path / "lib.mjs").write_text(
        "// a library\nexport const a = 1;\n\nexport function f() {\n  return 2 +;\n}\n",
        encoding="utf-8",
    )
    module = tmp_path / "crm.mjs"
    place = f"({tmp_path / 'lib.mjs'}:5:13)"
    if when == "register":
        module.write_text(
            "export async function register(adApi) {\n"
            '  const lib = await import("./lib.mjs");\n'
            "}\n",
            encoding="utf-8",
        )
        assert (
            _load(module, capsys) == f"adsim: {module}:2: {UNEXPECTED} {place} in register(adApi)"
        )
        return
    module.write_text(
        "export function register(adApi) {\n"
        "  adApi.on('ON_LOGIN', async () => (await import('./lib.mjs')).f());\n"
        "}\n",
        encoding="utf-8",
    )
    err = _handled(module, capsys)
    assert "ON_LOGIN -> js:crm.mjs:" in err
    assert f": JsHandlerError: {UNEXPECTED} {place}\n" in err


@needs_node
def test_a_syntax_error_not_of_an_import_names_no_file_that_does_not_parse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A handler's ``JSON.parse`` of an HTML body (a SyntaxError with no place of its own) was
    said to lie in a file of the module's that does not parse, imported or not: the walk of the
    imports is for errors Node's module loader threw."""
    (tmp_path / "legacy.mjs").write_text("export const b = ;\n", encoding="utf-8")
    module = tmp_path / "crm.mjs"
    module.write_text(
        "export function register(adApi) {\n"
        "  if (process.env.NEVER_SET) import('./legacy.mjs');\n"
        "  adApi.on('ON_LOGIN', () => Promise.resolve('<html>').then(JSON.parse));\n"
        "}\n",
        encoding="utf-8",
    )
    err = _handled(module, capsys)
    assert "is not valid JSON" in err
    assert "legacy.mjs" not in err


def _broken_two_imports_away(tmp_path: Path) -> Path:
    (tmp_path / "bad.mjs").write_text("export const b = ;\n", encoding="utf-8")
    (tmp_path / "mid.mjs").write_text('export * from "./bad.mjs";\n', encoding="utf-8")
    module = tmp_path / "crm.mjs"
    module.write_text(
        'import { b } from "./mid.mjs";\n'
        "export async function register(adApi) {\n"
        '  if (process.env.NEVER_SET) await import("./pipe.mjs");\n'
        "}\n",
        encoding="utf-8",
    )
    return module


@needs_node
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_the_walk_of_the_imports_reads_no_fifo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A FIFO among the module's imports blocked the walk's ``node --check`` for ever: adsim's
    load timeout came first and said the import was still running (it had failed)."""
    module = _broken_two_imports_away(tmp_path)
    os.mkfifo(tmp_path / "pipe.mjs")
    assert _load(module, capsys) == (
        f"adsim: {module}:1: {UNEXPECTED} ({tmp_path / 'bad.mjs'}:1:18) while importing it"
    )


@needs_node
def test_a_walk_of_the_imports_out_of_time_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk's ``node --check`` had no time limit of its own (the walk's had 30 s, past
    adsim's 15 s load timeout). Each now has what is left of the walk's (at most 5 s, within the
    load timeout); one that does not end in it is said, the place not guessed."""
    module = _broken_two_imports_away(tmp_path)
    monkeypatch.setenv("ADSIM_IMPORT_WALK_MS", "1")  # no node --check ends in 1 ms
    said = _load(module, capsys)
    # Where the 1 ms ran out depends on the machine's load: in the main module's node --check,
    # before the walk's first file (its own start took it), or past the walk's own process's
    # limit. Each is said as such; none guesses a place.
    start = f"adsim: {module}:1: {UNEXPECTED} (its place was not found: "
    end = ") while importing it"
    assert said.startswith(start) and said.endswith(end), said
    why = said[len(start) : -len(end)]
    assert why == f"node --check {module} did not end within the 0.001 s the walk has" or (
        why.startswith("the walk of its imports did not end within ")  # 0.001 s, or its process's
    ), said
    assert "bad.mjs" not in said


@needs_node
def test_an_error_of_a_function_register_calls_is_placed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "lib.mjs").write_text(
        "export function init() {\n  throw new Error('no CRM token');\n}\n", encoding="utf-8"
    )
    module = tmp_path / "crm.mjs"
    module.write_text(
        'import { init } from "./lib.mjs";\nexport function register(adApi) {\n  init();\n}\n',
        encoding="utf-8",
    )
    assert _load(module, capsys) == (
        f"adsim: {module}:3: Error: no CRM token ({tmp_path / 'lib.mjs'}:2) in register(adApi)"
    )


def test_a_name_before_the_module_is_said_to_be_no_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--js-handler omar=crm.mjs``, as ``--handler`` and ``--page`` take one agent's, said the
    file was missing."""
    module = tmp_path / "crm.mjs"
    module.write_text("export function register(adApi) {}\n", encoding="utf-8")
    code = main(["run", str(SCENARIOS / "chat.yaml"), "--js-handler", f"omar={module}"])
    assert code == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        f"adsim: omar={module}: --js-handler takes no NAME= (--handler and --page do): a module"
        f" runs for every agent of a scenario; pass the file alone (--js-handler {module})"
    ]


@needs_node
def test_an_error_thrown_outside_any_handler_in_another_file_is_placed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each outcome after it said "exited (code 1) after Error: sync failed", no file nor line."""
    lib = tmp_path / "lib.mjs"
    lib.write_text(
        "export function sync() {\n  setTimeout(() => {\n    throw new Error('sync failed');\n"
        "  }, 0);\n}\n",
        encoding="utf-8",
    )
    module = tmp_path / "crm.mjs"
    module.write_text(
        'import { sync } from "./lib.mjs";\nexport function register(adApi) {\n'
        "  adApi.on('ON_NEW_INTERACTION', () => sync());\n}\n",
        encoding="utf-8",
    )
    assert (
        f"the node process for crm.mjs exited (code 1) after {lib}:3: Error: sync failed (thrown"
        " outside any handler)"
    ) in _handled(module, capsys)


@needs_node
def test_an_error_the_shim_throws_at_a_handlers_call_is_placed_at_the_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``adApi.on(name, "not a function")`` in a handler was placed in adsim's own api.js."""
    module = tmp_path / "crm.mjs"
    module.write_text(
        "export function register(adApi) {\n"
        "  adApi.on('ON_NEW_INTERACTION', () => {\n"
        "    adApi.on('ON_LOGOUT', 'not a function');\n"
        "  });\n"
        "}\n",
        encoding="utf-8",
    )
    err = _handled(module, capsys)
    assert f"TypeError: adApi.on(ON_LOGOUT): handler is not a function ({module}:3)" in err


@needs_node
@pytest.mark.parametrize(
    ("source", "said"),
    [
        (
            "const sdk = require('@acme/crm-sdk/client');\nmodule.exports.register = (a) => {};\n",
            "Error: Cannot find module '@acme/crm-sdk/client' while importing it; install it (npm"
            " install @acme/crm-sdk) in the module's folder or one above it",
        ),
        # A file of the module's own: nothing to install.
        (
            "module.exports.register = (a) => {\n  require('./settings.cjs');\n};\n",
            "Error: Cannot find module './settings.cjs' in register(adApi)",
        ),
    ],
)
def test_a_missing_package_says_what_to_install(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str, said: str
) -> None:
    """It said "Cannot find module 'x'\\nRequire stack:\\n- /path/crm.cjs", and nothing to do."""
    module = tmp_path / "crm.cjs"
    module.write_text(source, encoding="utf-8")
    line = 1 if "sdk" in source else 2
    assert _load(module, capsys) == f"adsim: {module}:{line}: {said}"


@needs_node
def test_a_handlers_error_is_placed_in_the_module_not_in_node(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A handler's missing ``require`` was placed at "/modules/cjs/loader:1207" (a piece of
    Node's "node:internal/..."), after its "Require stack" lines; a CommonJS module in a folder
    with a space in its name was placed nowhere."""
    folder = tmp_path / "my crm"
    folder.mkdir()
    module = folder / "crm.cjs"
    module.write_text(
        "module.exports.register = (adApi) => {\n"
        "  adApi.on('ON_NEW_INTERACTION', () => require('left-pad-nowhere'));\n"
        "  adApi.on('ON_SAVE_ACTIVITY_RECORD', () => {\n"
        "    throw new Error('not saved');\n"
        "  });\n"
        "};\n",
        encoding="utf-8",
    )
    err = _handled(module, capsys)
    assert f"JsHandlerError: Error: Cannot find module 'left-pad-nowhere' ({module}:2)" in err
    assert f"JsHandlerError: Error: not saved ({module}:4)" in err
