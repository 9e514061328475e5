"""Errors a user causes with a bad input file: they name the file and line and say what to do."""

from __future__ import annotations

__all__ = ["InputFileError", "PluginLoadError"]


class InputFileError(Exception):
    """A tenant, scenario or handler file that cannot be used."""

    def __init__(self, path: str, line: int | None, message: str, column: int | None = None):
        self.path = path
        self.line = line
        self.column = column
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class PluginLoadError(InputFileError):
    """A handler plugin that did not load (a Node handler module): exit 1, as a Python plugin
    that does not load fails the run, not 2 (bad input: a file adsim cannot use at all)."""

    exit_code = 1
