"""``CrmPage``: the QtWebEngine page of the CRM page dock; its console lines are signalled, and
headless (``adsim run --page``) its ``alert``/``confirm``/``prompt`` are dismissed at once.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWebEngineCore import QWebEnginePage

__all__ = ["CrmPage"]


class CrmPage(QWebEnginePage):
    """A page whose console lines are signalled; ``headless``: its dialogs are dismissed."""

    console = Signal(str)
    uncaught = Signal(str, int, str)
    """An error the page's script threw and nobody caught: source URL, line, message."""
    headless = False
    """Dismiss ``alert``/``confirm``/``prompt`` at once, each said as a console line: headless
    (``adsim run --page``) Qt's dialog waited for a click nobody could give, and adsim hung
    for ever, deaf to Ctrl-C and SIGTERM (they quit Qt's loop, not the dialog's)."""

    def _dismissed(self, kind: str, message: str, answer: str) -> None:
        shown = message if len(message) <= 200 else message[:200] + "..."
        self.console.emit(
            f"{kind}({json.dumps(shown, ensure_ascii=False)}) dismissed, the page got {answer}: "
            "headless, nobody answers a dialog"
        )

    def javaScriptAlert(self, origin: QUrl | str, message: str) -> None:
        """Headless: said and dismissed; else Qt's dialog."""
        if not self.headless:
            super().javaScriptAlert(origin, message)
            return
        self._dismissed("alert", message, "nothing")

    def javaScriptConfirm(self, origin: QUrl | str, message: str) -> bool:
        """Headless: said and answered ``false`` (Cancel); else Qt's dialog."""
        if not self.headless:
            return super().javaScriptConfirm(origin, message)
        self._dismissed("confirm", message, "false")
        return False

    def javaScriptPrompt(self, origin: QUrl | str, message: str, default: str) -> tuple[bool, str]:
        """Headless: said and answered ``null`` (Cancel); else Qt's dialog."""
        if not self.headless:
            return super().javaScriptPrompt(origin, message, default)
        self._dismissed("prompt", message, "null")
        return False, ""

    def javaScriptConsoleMessage(
        self,
        level: QWebEnginePage.JavaScriptConsoleMessageLevel,
        message: str,
        line: int,
        source: str,
    ) -> None:
        """Forward the page's console to the log."""
        self.console.emit(f"console {level.name}: {message} ({source}:{line})")
        error = QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel
        if level == error and message.startswith("Uncaught"):
            self.uncaught.emit(source, line, message)
