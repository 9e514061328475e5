"""The argparse types of ``adsim``'s file options: a file name is never empty.

An empty value is what a script passes when its variable is unset (``--handler "$HANDLER"``), and
an empty path is the working directory to ``pathlib``: ``--handler ""`` loaded every ``*.py``
there as a plugin, ``--journal ""`` read the default journal, ``-o ""`` was the folder ``.``. Each
is refused, naming the option, exit 2.

Standard library only: the window's options use them before anything else is imported.
"""

from __future__ import annotations

import argparse
import os
import re
import stat
from pathlib import Path

__all__ = ["file_name", "file_path", "handler_spec", "not_a_file", "output_name", "page_spec"]

_EMPTY = "an empty file name; give a file"
_AGENT = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*=.+")
"""``NAME=PATH`` (as ``simulator.handlers.cli_options.agent_handler`` reads it)."""


def file_name(text: str) -> str:
    """A file argument as text (``--journal`` also takes ``:memory:``)."""
    if not text:
        raise argparse.ArgumentTypeError(_EMPTY)
    return text


def file_path(text: str) -> Path:
    """A file or folder argument as a path."""
    return Path(file_name(text))


def handler_spec(text: str) -> Path:
    """``--handler PATH`` or ``NAME=PATH`` (one agent's): neither part of the path empty."""
    if not text or text.endswith("="):
        raise argparse.ArgumentTypeError(f"{_EMPTY} (PATH or NAME=PATH)")
    path = text
    if not os.path.lexists(text) and _AGENT.fullmatch(text):  # NAME=PATH
        path = text.split("=", 1)[1]
    problem = not_a_file(path)
    if problem is not None:  # a named pipe: the plugin's import waited 10 s, then failed
        raise argparse.ArgumentTypeError(f"{path}: {problem}: give the handler's .py file itself")
    return Path(text)


def output_name(text: str) -> str:
    """An ``--output`` argument: a file, or ``-`` for the standard output."""
    if not text:
        raise argparse.ArgumentTypeError(f"{_EMPTY}, or '-' for the standard output")
    return text


def page_spec(text: str) -> str:
    """``--page [NAME=]URL|DIR``: not empty (``--page "$PAGE"`` served the working directory)."""
    if not text:
        raise argparse.ArgumentTypeError("an empty page; give a URL or a folder with index.html")
    return text


_HANDED = re.compile(r"/dev/std(?:in|out|err)|/dev/fd/[0-9]+|/proc/(?:self|[0-9]+)/fd/[0-9]+")
"""Paths of a descriptor adsim was handed (the standard input, ``<(make-flow)``): a pipe the
caller has already opened and writes, read as a file is."""


def not_a_file(path: str | os.PathLike[str]) -> str | None:
    """Why ``path`` is no file adsim can read (``it is a named pipe (FIFO), not a file``), or None
    for a regular file, a folder, a path that is not there (its reader says so) or a descriptor
    the caller handed over (``/dev/stdin``, ``/dev/fd/63``). A named pipe nobody writes blocks
    its reader's ``open`` for ever; a device or a socket is no file either: each is refused at
    once, before anything waits on it."""
    if _HANDED.fullmatch(os.fspath(path)):
        return None
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        kind = "a named pipe (FIFO)"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    else:
        kind = "a device"
    return f"it is {kind}, not a file"
