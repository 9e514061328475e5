"""A test that failed with its handler plugins in processes of their own
(``handler_isolation="process"``) and a handler module imported in the test's process: the
state the test asserted on (``crm_handler.RECORDS``) is another copy's, which the handler's
calls never reach. The test failed with ``assert 0 == 1`` and no word of why; its report gets a
section saying so (``simulator.testing.plugin``)."""

from __future__ import annotations

import os
import sys
from typing import Any

__all__ = ["another_copy"]


def another_copy(harness: Any) -> str | None:
    """For a test that failed with its plugins in processes of their own: a handler module it
    imported (its state, which it may have asserted on, is another copy's), or None."""
    if harness is None or harness.handler_isolation != "process":
        return None
    files = {os.path.realpath(plugin.source) for plugin in harness.host.plugins}
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if isinstance(file, str) and os.path.realpath(file) in files:
            return (
                "With handler_isolation=process each handler plugin runs in a process of its "
                f"own: the module {name} this test process imported ({file}) is another copy, "
                "which the handler's calls do not reach (its state stays as the test left it). "
                "Check what the handler did through adsim (adsim.records, adsim.outcomes) or "
                "your CRM's mock, or give this test "
                '@pytest.mark.adsim(handler_isolation="thread").'
            )
    return None
