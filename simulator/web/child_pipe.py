"""A pipe of its own between adsim and a ``node`` process: node inherits the write end, named to
its runner by an environment variable; adsim keeps the read end. POSIX only: elsewhere there is
no pipe (``write`` None) and the runner writes on stdout, as before."""

from __future__ import annotations

import os

__all__ = ["ChildPipe"]


class ChildPipe:
    """``env`` and ``pass_fds`` for the process's start, ``started`` once it has (the write end is
    then the process's alone); the read end is the subclass's (``_read``)."""

    ENV = ""
    """The environment variable naming the write end's descriptor to the runner."""

    def __init__(self) -> None:
        self._read: int | None = None
        self.write: int | None = None
        if os.name == "posix":
            self._read, self.write = os.pipe()

    @property
    def env(self) -> dict[str, str]:
        """What the runner's environment needs."""
        return {} if self.write is None else {self.ENV: str(self.write)}

    @property
    def pass_fds(self) -> tuple[int, ...]:
        """``subprocess.Popen``'s ``pass_fds``."""
        return () if self.write is None else (self.write,)

    def started(self) -> None:
        """Once the process has started (or failed to): the write end is its alone."""
        if self.write is not None:
            os.close(self.write)
            self.write = None
