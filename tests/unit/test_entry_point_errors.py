"""An installed package's plugin that does not load: its error names the line to fix in the
package's own files, or, where there is none, the entry point, with no line (it said
``entry point crm = ... (acme-crm-adsim):1:``, a line of no file)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from simulator.handlers import HandlerHost
from simulator.handlers.plugins import ENTRY_POINT_GROUP

WAIT = 10.0
GROUP = "adsim_test_entry_errors"
DIST = "acme-crm-adsim"

ENTRY_POINTS = """
crm = adsim_ep_acme.handler
alias = adsim_ep_acme.alias:register
attr = adsim_ep_acme.handler:regster
missing = adsim_ep_acme.nothere
noreg = adsim_ep_acme.settings
notfn = adsim_ep_acme.settings:CONFIG
badinit = adsim_ep_bad.handler
"""

FILES = {
    "adsim_ep_acme/__init__.py": "",
    "adsim_ep_acme/handler.py": """
        from adsim_ep_acme import client


        def register(ad_api):
            client.connect()
        """,
    "adsim_ep_acme/client.py": """
        def connect():
            # the CRM is not there
            raise ConnectionError("no CRM at crm.example")
        """,
    "adsim_ep_acme/alias.py": "from adsim_ep_acme.core import setup as register\n",
    "adsim_ep_acme/core.py": """
        import json


        def setup(ad_api):
            json.loads("{not json")
        """,
    "adsim_ep_acme/settings.py": "CONFIG = {'url': 'https://crm.example'}\n",
    "adsim_ep_bad/__init__.py": """
        import os

        raise RuntimeError("adsim_ep_bad needs ACME_TOKEN")
        """,
    "adsim_ep_bad/handler.py": "def register(ad_api):\n    pass\n",
}


def _install(site: Path, group: str, entries: str) -> None:
    """A fake installed distribution (a ``.dist-info`` beside its packages, on ``sys.path``)."""
    dist = site / "acme_crm_adsim-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {DIST}\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(f"[{group}]\n{entries.lstrip()}", encoding="utf-8")
    for name, text in FILES.items():
        (site / name).parent.mkdir(exist_ok=True)
        (site / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


@pytest.fixture
def site(tmp_path, monkeypatch):
    site = tmp_path / "site"
    monkeypatch.syspath_prepend(str(site))
    yield site
    for name in [name for name in sys.modules if name.startswith("adsim_ep_")]:
        del sys.modules[name]


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_a_load_error_names_the_packages_line_or_else_the_entry_point(site, sim, isolation):
    _install(site, GROUP, ENTRY_POINTS)
    host = HandlerHost(sim, timeout=WAIT, isolation=isolation)
    try:
        # A package whose __init__ raised took this down with a traceback (thread isolation).
        errors = {status.name: status.error for status in host.load_entry_points(GROUP)}
    finally:
        host.close(timeout=WAIT)
    acme = site / "adsim_ep_acme"
    entry = f"{DIST} (entry point"
    assert errors == {
        # Raised in the module the handler's module imports: that line (it said handler.py:5).
        "crm": f"{acme / 'client.py'}:3: ConnectionError: no CRM at crm.example",
        # register() imported from another module: that module's line (it said alias.py:4,
        # a line alias.py does not have).
        "alias": f"{acme / 'core.py'}:5: JSONDecodeError: Expecting property name enclosed in "
        "double quotes: line 1 column 2 (char 1)",
        # No line of the package's raised these: the entry point, no line (handler.py:1).
        "attr": f"{entry} attr = adsim_ep_acme.handler:regster): AttributeError: module "
        "'adsim_ep_acme.handler' has no attribute 'regster' while importing it",
        "missing": f"{entry} missing = adsim_ep_acme.nothere): ModuleNotFoundError: No module "
        "named 'adsim_ep_acme.nothere' while importing it",
        "noreg": f"{entry} noreg = adsim_ep_acme.settings): no register(ad_api) function; add "
        "one that calls ad_api.on(...)",
        "notfn": f"{entry} notfn = adsim_ep_acme.settings:CONFIG): "
        "adsim_ep_acme.settings:CONFIG is neither a module nor register()",
        "badinit": f"{site / 'adsim_ep_bad' / '__init__.py'}:3: RuntimeError: adsim_ep_bad needs "
        "ACME_TOKEN while importing it",
    }


def test_the_run_names_the_entry_point_once(site, capsys):
    """``adsim run``'s line: the entry point that named no line says which package it is
    already; the hint does not say it again."""
    from simulator.cli import main

    _install(site, ENTRY_POINT_GROUP, "missing = adsim_ep_acme.nothere\n")
    scenario = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios" / "chat.yaml"
    assert main(["run", str(scenario), "--journal", ":memory:"]) == 1
    assert (
        "adsim:   not loaded: acme-crm-adsim (entry point missing = adsim_ep_acme.nothere): "
        "ModuleNotFoundError: No module named 'adsim_ep_acme.nothere' while importing it; an "
        "installed plugin (--no-entry-points runs without installed plugins)"
    ) in capsys.readouterr().err.splitlines()


def test_an_exit_in_an_entry_points_import_is_said_by_its_name(tmp_path):
    """Thread isolation: an ``os._exit`` while an entry point imported was said as "plugin
    plugins called os._exit(7)" (every entry point loads under one name)."""
    site = tmp_path / "site"
    package = site / "adsim_ep_quit"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "handler.py").write_text(
        "import os\nos._exit(7)\ndef register(ad_api):\n    pass\n", encoding="utf-8"
    )
    dist = site / "acme_quit-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-quit\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\nquit = adsim_ep_quit.handler\n", encoding="utf-8"
    )
    scenario = Path(__file__).parents[2] / "fixtures" / "scenarios" / "chat.yaml"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), *sys.path])}
    command = [sys.executable, "-m", "simulator", "run", str(scenario)]
    done = subprocess.run(
        [*command, "--handler-isolation", "thread", "--journal", ":memory:"],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 7
    assert done.stderr.startswith(
        "adsim: plugin acme-quit (entry point quit = adsim_ep_quit.handler) called os._exit(7) "
        f"at {package / 'handler.py'}:2: "
    ), done.stderr
