"""``python -m simulator.gui.automation``: print the objectName table the README includes."""

from simulator.gui.automation.contract import markdown_table

print(markdown_table(), end="")
