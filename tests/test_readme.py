"""Every Python sample in the README and the documentation pages runs, so a sample that stops
working fails the build.

A sample whose first line is ``# NAME.py`` is a file the other samples use: it is written to
``NAME.py`` in the working folder (and imported, so it must at least import cleanly). A sample
that defines pytest tests using the ``adsim`` fixture has them called with a real harness.
"""

from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path

import pytest

from simulator.testing import AdsimHarness
from tests.documentation import PAGES, README, ROOT, blocks, file_samples

FILES = file_samples()
RUNNABLE = [(path, source) for path, source in blocks("python") if source not in FILES.values()]


def test_the_documentation_has_samples():
    assert RUNNABLE
    assert FILES
    assert any(path == README for path, _ in RUNNABLE), "the README's example is not run"


def test_every_page_exists():
    assert all(path.is_file() for path in PAGES)


@pytest.mark.parametrize("name", sorted(FILES))
def test_readme_file_sample_imports(name, tmp_path):
    path = tmp_path / name
    path.write_text(FILES[name], "utf-8")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)


def _id(sample: tuple[Path, str]) -> str:
    path = sample[0]
    same_page = [s for s in RUNNABLE if s[0] == path]
    return f"{path.relative_to(ROOT)}-{same_page.index(sample)}"


@pytest.mark.parametrize("sample", RUNNABLE, ids=[_id(sample) for sample in RUNNABLE])
def test_readme_sample_runs(sample, tmp_path, monkeypatch):
    path, source = sample
    monkeypatch.chdir(tmp_path)
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, "utf-8")
    namespace: dict = {"__name__": "readme_sample"}
    exec(compile(source, str(path), "exec"), namespace)
    for name, function in namespace.items():
        if name.startswith("test_") and callable(function):
            assert list(inspect.signature(function).parameters) == ["adsim"], name
            # A sample's @pytest.mark.adsim(handlers=[...]) (the files written above) is kept.
            marks = [m for m in getattr(function, "pytestmark", []) if m.name == "adsim"]
            options = {key: v for mark in marks for key, v in mark.kwargs.items()}
            with AdsimHarness(**options) as adsim:
                function(adsim)
