"""The argparse types of ``adsim``'s file options: a file name is never empty.

An empty value is what a script passes when its variable is unset (``--handler "$HANDLER"``), and
an empty path is the working directory to ``pathlib``: ``--handler ""`` loaded every ``*.py``
there as a plugin, ``--journal ""`` read the default journal, ``-o ""`` was the folder ``.``. Each
is refused, naming the option, exit 2.

Standard library only: the window's options use them before anything else is imported.
"""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["file_name", "file_path", "handler_spec", "output_name", "page_spec"]

_EMPTY = "an empty file name; give a file"


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
