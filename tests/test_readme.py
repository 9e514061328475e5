"""Every Python sample in the README runs, so a sample that stops working fails the build.

A sample whose first line is ``# NAME.py`` is a file the other samples use: it is written to
``NAME.py`` in the working folder (and imported, so it must at least import cleanly). A sample
that defines pytest tests using the ``adsim`` fixture has them called with a real harness.
"""

from __future__ import annotations

import importlib.util
import inspect
import re
from pathlib import Path

import pytest

from simulator.testing import AdsimHarness

README = Path(__file__).resolve().parents[1] / "README.md"
SAMPLES = re.findall(r"```python\n(.*?)```", README.read_text("utf-8"), re.S)
_FILE = re.compile(r"^# ([\w.-]+\.py)\n")
FILES = {m.group(1): sample for sample in SAMPLES if (m := _FILE.match(sample))}
RUNNABLE = [sample for sample in SAMPLES if not _FILE.match(sample)]


def test_the_readme_has_samples():
    assert RUNNABLE
    assert FILES


@pytest.mark.parametrize("name", sorted(FILES))
def test_readme_file_sample_imports(name, tmp_path):
    path = tmp_path / name
    path.write_text(FILES[name], "utf-8")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)


@pytest.mark.parametrize("source", RUNNABLE, ids=[f"sample-{i}" for i in range(len(RUNNABLE))])
def test_readme_sample_runs(source, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, "utf-8")
    namespace: dict = {"__name__": "readme_sample"}
    exec(compile(source, str(README), "exec"), namespace)
    for name, function in namespace.items():
        if name.startswith("test_") and callable(function):
            assert list(inspect.signature(function).parameters) == ["adsim"], name
            with AdsimHarness() as adsim:
                function(adsim)
