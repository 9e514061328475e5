"""How a scenario file's problems describe values: ``the text 'x'``, ``a mapping``, a
``(did you mean `accept`?)`` hint (the words tenant files use too:
``simulator.data.model_wording``), and a step's example."""

from __future__ import annotations

from simulator.data.model_wording import fields_of as _fields_of
from simulator.data.model_wording import kind as _kind
from simulator.data.model_wording import suggest as _suggest
from simulator.scenarios.model import StepModel

__all__ = ["_fields_of", "_kind", "_step_usage", "_suggest"]


def _step_usage(model: type[StepModel]) -> str:
    return f"e.g. `{model.example}`" if model.example else ""
