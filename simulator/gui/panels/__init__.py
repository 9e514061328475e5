"""The panels of the main window: agent bar, interactions, dial pad and directory, the context
panel with its media pages and wrap-up, and the customer side."""
