"""The window's dialogs (Preferences)."""
