"""Handler plugin files' modules, each named after its path, in a process that ``multiprocessing``
started (``spawn``, ``forkserver``) from a plugin's: a function of the plugin's own given to such
a pool is pickled by its module's name, and the pool's worker imports that module from the
plugin's file. Without it the worker said "No module named 'adsim_handlers'" and the pool waited
for ever.

A plugin's module is ``adsim_handlers.<stem>_<hash>``: the file's name (``\\W`` as ``_``) and the
first 8 hex digits of the SHA-1 of its real path (``simulator.handlers.plugins._module_name``).
The file is found in the folders of ``sys.path``: adsim appends each plugin file's folder there,
and ``multiprocessing`` hands a new worker its starter's ``sys.path`` of the moment, so a plugin
loaded after a fork server started is found too (an environment variable naming the files, read
once by the fork server and growing with every plugin a long test session loaded, was not).
Standard library only: it runs in the worker before anything else."""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import os
import re
import sys
from collections.abc import Sequence
from types import ModuleType


class _PluginFiles:
    """Finds ``adsim_handlers.<stem>_<hash>`` at the file of ``sys.path``'s folders it names."""

    @classmethod
    def find_spec(
        cls, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith(f"{__name__}."):
            return None
        stem, _, digest = fullname[len(__name__) + 1 :].rpartition("_")
        if not stem or len(digest) != 8:
            return None
        for folder in list(sys.path):
            file = _file_in(folder, stem, digest)
            if file is not None:
                return importlib.util.spec_from_file_location(fullname, file)
        return None


def _file_in(folder: object, stem: str, digest: str) -> str | None:
    """The ``.py`` file in ``folder`` whose module name has ``stem`` and ``digest``, or None."""
    if not isinstance(folder, str) or not folder:
        return None
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return None
    for entry in entries:
        name = entry.name
        if not name.endswith(".py") or re.sub(r"\W", "_", name[:-3]) != stem:
            continue
        real = os.path.realpath(entry.path)
        if hashlib.sha1(os.fsencode(real)).hexdigest()[:8] == digest:
            return entry.path
    return None


if _PluginFiles not in sys.meta_path:
    sys.meta_path.append(_PluginFiles)
