"""The event inspector dock: the event log and its table, handler outcomes, plugins and the
timeline."""
