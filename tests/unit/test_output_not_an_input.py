"""``adsim run -o FILE`` never truncates a file the run itself uses, wherever the run was told of
it: ``--handler``, a ``--handler`` folder, or the scenario's own ``handlers:`` and ``tenant:``.

The docs promise that an ``--output`` naming "the journal, a scenario, the tenant or a handler
file the same command uses" is refused before it is opened. Only the files named on the command
line were checked: ``adsim run fixtures/scenarios/knowledge_base.yaml -o
fixtures/handlers/knowledge_base.py`` (the scenario names that handler) emptied the handler,
then failed to load it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]
HANDLER = """\
def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: None)
"""
HELPER = "CRM_URL = 'https://crm.example'\n"
TENANT = (ROOT / "fixtures" / "tenants" / "northwind-bank.yaml").read_text(encoding="utf-8")


def _scenario(folder: Path, head: str) -> Path:
    path = folder / "flow.yaml"
    path.write_text(f"name: flow\nseed: 1\n{head}steps:\n  - wait: 1s\n", encoding="utf-8")
    return path


def _cases(tmp_path: Path) -> dict[str, tuple[list[str], Path, str]]:
    """argv, the file the output names, and what the line calls it."""
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "save.py").write_text(HANDLER, encoding="utf-8")
    (plugins / "_settings.py").write_text(HELPER, encoding="utf-8")  # a plugin imports it
    (tmp_path / "tenant.yaml").write_text(TENANT, encoding="utf-8")
    named = _scenario(tmp_path, "handlers: [plugins/save.py]\n")
    by_folder = tmp_path / "by_folder.yaml"
    by_folder.write_text(named.read_text().replace("plugins/save.py", "plugins"))
    with_tenant = tmp_path / "with_tenant.yaml"
    with_tenant.write_text("name: t\nseed: 1\ntenant: tenant.yaml\nsteps:\n  - wait: 1s\n")
    plain = tmp_path / "plain.yaml"
    plain.write_text("name: p\nseed: 1\nsteps:\n  - wait: 1s\n")
    journal = ["--journal", ":memory:"]
    page = tmp_path / "page"  # ``-o page/index.html`` emptied the page before it loaded
    page.mkdir()
    (page / "index.html").write_text("<script src='app.js'></script>\n", encoding="utf-8")
    (page / "app.js").write_text("console.log('crm');\n", encoding="utf-8")
    return {
        "scenario-handler": (
            ["run", str(named), *journal, "-o", str(plugins / "save.py")],
            plugins / "save.py",
            "a handler file",
        ),
        "scenario-handler-folder": (
            ["run", str(by_folder), *journal, "-o", str(plugins / "save.py")],
            plugins / "save.py",
            "a handler file",
        ),
        "scenario-tenant": (
            ["run", str(with_tenant), *journal, "-o", str(tmp_path / "tenant.yaml")],
            tmp_path / "tenant.yaml",
            "the tenant file",
        ),
        "handler-folder": (
            ["run", str(plain), "--handler", str(plugins), *journal, "-o",
             str(plugins / "save.py")],
            plugins / "save.py",
            "a handler file",
        ),
        "handler-folder-helper": (
            ["run", str(plain), "--handler", str(plugins), *journal, "-o",
             str(plugins / "_settings.py")],
            plugins / "_settings.py",
            "a handler file",
        ),
        "page-folder": (
            ["run", str(plain), "--page", str(page), *journal, "-o", str(page / "index.html")],
            page / "index.html",
            "a file of the --page folder",
        ),
    }  # fmt: skip


@pytest.mark.parametrize(
    "case",
    [
        "scenario-handler",
        "scenario-handler-folder",
        "scenario-tenant",
        "handler-folder",
        "handler-folder-helper",
        "page-folder",
    ],
)
def test_an_output_naming_a_file_the_run_uses_is_refused(tmp_path, capsys, case):
    argv, victim, what = _cases(tmp_path)[case]
    before = victim.read_bytes()
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"adsim: {victim}: is also {what} of this command (")
    assert err.endswith(
        "); writing the output there would destroy it: give --output another file\n"
    )
    assert err.count("\n") == 1
    assert victim.read_bytes() == before


def test_an_output_beside_the_handlers_is_written(tmp_path, capsys):
    """The check is about the run's own files: a new file in the handler folder is fine."""
    argv, victim, _what = _cases(tmp_path)["handler-folder"]
    out = victim.parent / "events.jsonl"
    argv[-1] = str(out)
    assert main(argv) == 0, capsys.readouterr().err
    assert out.read_text().startswith('{"seq":1,')


@pytest.mark.parametrize("how", ["--journal", "ADSIM_JOURNAL"])
def test_an_output_naming_a_journal_not_made_yet_is_refused(tmp_path, capsys, monkeypatch, how):
    """The journal is made by the run, after its output is opened: compared as files (which
    must both exist), ``-o new.db --journal new.db`` passed, leaving one file of events with a
    database written into it, neither readable."""
    plain = _scenario(tmp_path, "")
    journal = tmp_path / "new.db"
    argv = ["run", str(plain), "-o", str(journal)]
    if how == "--journal":
        argv += ["--journal", str(journal)]
    else:
        monkeypatch.setenv("ADSIM_JOURNAL", str(journal))
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"adsim: {journal}: is also the journal of this command ({journal}); writing the output "
        "there would destroy it: give --output another file\n"
    )
    assert not journal.exists()
