"""Handler plugin files' modules, each named after its path, in a process that ``multiprocessing``
started (``spawn``, ``forkserver``) from a plugin's: a function of the plugin's own given to such
a pool is pickled by its module's name, and the pool's worker imports that module from the
plugin's file, named in ``$ADSIM_PLUGIN_MODULES`` (JSON: module name -> file) by the process
that loaded it. Without it the worker said "No module named 'adsim_handlers'" and the pool
waited for ever. Standard library only: it runs in the worker before anything else."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from types import ModuleType

VARIABLE = "ADSIM_PLUGIN_MODULES"


class _PluginFiles:
    """Finds ``adsim_handlers.<name>`` at the file ``$ADSIM_PLUGIN_MODULES`` names."""

    @classmethod
    def find_spec(
        cls, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith(f"{__name__}."):
            return None
        try:
            files = json.loads(os.environ.get(VARIABLE, "{}"))
        except ValueError:
            return None
        file = files.get(fullname) if isinstance(files, dict) else None
        if not isinstance(file, str):
            return None
        return importlib.util.spec_from_file_location(fullname, file)


if _PluginFiles not in sys.meta_path:
    sys.meta_path.append(_PluginFiles)
