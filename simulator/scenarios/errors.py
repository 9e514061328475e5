"""What goes wrong with a scenario, as the user sees it.

::

    InputFileError (simulator.data)      a file that cannot be used: exit code 2
     └── ScenarioFileError               one or more problems, each at file:line:column
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.data import InputFileError
from simulator.scenarios.source import Mark

__all__ = ["Problem", "ScenarioFileError"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a scenario file, where it is, and what was expected instead."""

    path: str
    mark: Mark | None
    message: str

    def __str__(self) -> str:
        if self.mark is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.mark.line}:{self.mark.column}: {self.message}"


_SHOWN = 10


class ScenarioFileError(InputFileError):
    """A scenario file that cannot run; ``problems`` lists every problem found, in file order."""

    def __init__(self, problems: list[Problem]):
        if not problems:
            raise ValueError("a ScenarioFileError needs at least one problem")
        self.problems = sorted(
            problems, key=lambda p: (p.mark.line, p.mark.column) if p.mark else (0, 0)
        )
        first = self.problems[0]
        super().__init__(
            first.path,
            first.mark.line if first.mark else None,
            first.message,
            first.mark.column if first.mark else None,
        )

    def __str__(self) -> str:
        lines = [str(problem) for problem in self.problems[:_SHOWN]]
        if len(self.problems) > _SHOWN:
            lines.append(f"... and {len(self.problems) - _SHOWN} more problems")
        return "\n".join(lines)
