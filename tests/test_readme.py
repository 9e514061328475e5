"""Every Python sample in the README runs, so a sample that stops working fails the build."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
SAMPLES = re.findall(r"```python\n(.*?)```", README.read_text("utf-8"), re.S)


def test_the_readme_has_samples():
    assert SAMPLES


@pytest.mark.parametrize("source", SAMPLES, ids=[f"sample-{i}" for i in range(len(SAMPLES))])
def test_readme_sample_runs(source, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exec(compile(source, str(README), "exec"), {"__name__": "readme_sample"})
