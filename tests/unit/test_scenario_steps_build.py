"""Building the scenario's step models never walks loaded modules' source (``adsim run`` paid
~0.6 s of every start for it: pydantic looks for the attribute docstrings of a class made with
``type()`` in its callers' frames)."""

from __future__ import annotations

import subprocess
import sys

from simulator.scenarios.steps import STEP_TYPES

_FRAME_SEARCHES = """
import pydantic._internal._docs_extraction as docs

searched = []
original = docs._extract_source_from_frame


def record(cls):
    searched.append(cls.__name__)
    return original(cls)


docs._extract_source_from_frame = record
from simulator.scenarios.steps import STEP_TYPES

made = {model.__name__ for model in STEP_TYPES.values()}
print(sorted(made & set(searched)))
"""


def test_the_step_models_are_built_without_searching_frames_for_their_source():
    done = subprocess.run(
        [sys.executable, "-c", _FRAME_SEARCHES],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", "step models whose source pydantic looked for"


def test_the_steps_keep_the_docs_of_the_fields_they_inherit():
    # ``on`` and ``as`` are documented on the step bases; the schema and errors show them.
    call = STEP_TYPES["call"]
    assert call.model_fields["as_"].description
    assert STEP_TYPES["hold"].model_fields["on"].description
