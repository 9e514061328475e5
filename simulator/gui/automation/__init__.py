"""Driving the window without a human: the automation contract and visible scenario playback.

``simulator.gui.automation`` is the contract's documented import path (``CONTROLS``,
``enabling_actions``, ``shortcuts``, ``markdown_table``); ``python -m simulator.gui.automation``
prints the README's objectName table.
"""

from simulator.gui.automation.contract import (
    CONTROLS,
    Control,
    enabling_actions,
    markdown_table,
    shortcuts,
)

__all__ = ["CONTROLS", "Control", "enabling_actions", "markdown_table", "shortcuts"]
