"""The host's plugins: loading files, directories, entry points and built-ins (each in its own
process with process isolation), the ``ad_api`` each gets, their status, and reloading."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simulator.handlers import background_errors, exit_guard, leftover_owners
from simulator.handlers.host.delivery import Delivery
from simulator.handlers.leftover_threads import join_within
from simulator.handlers.outcome import PluginStatus
from simulator.handlers.plugins import (
    ENTRY_POINT_GROUP,
    Plugin,
    PluginSource,
    discover_path,
    forget_beside,
    register_plugin,
)
from simulator.handlers.supervisor import PluginProcess
from simulator.streams import complain

if TYPE_CHECKING:
    from simulator.handlers.ad_api import AdApi

__all__ = ["PluginLoading"]


def _file_key(plugin: Plugin) -> str | None:
    """The real path of a plugin loaded from a file (None: an entry point, a built-in)."""
    if plugin.file is None or plugin.source != plugin.file:
        return None
    return os.path.realpath(plugin.file)


_STOPS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
"""The signals that stop adsim (``simulator.interrupts``)."""


@contextmanager
def _signals_kept(who: str) -> Iterator[None]:
    """Put back the handlers of the signals that stop adsim if a plugin's import or
    ``register()`` replaced them (``signal.signal(SIGTERM, ...)``, its own or a library's), and
    say so. In adsim's own process (thread isolation) its handler decided how adsim stopped: a
    SIGTERM ignored, or one that ended adsim with exit 0, no summary and an unfinished journal.
    A plugin's process (process isolation) keeps what its plugin sets there."""
    before = {signum: signal.getsignal(signum) for signum in _STOPS}
    try:
        yield
    finally:
        changed = [signum for signum, was in before.items() if signal.getsignal(signum) != was]
        main = threading.current_thread() is threading.main_thread()  # none set elsewhere
        if changed and main:
            for signum in changed:
                if before[signum] is not None:  # None: not set from Python; nothing to put back
                    signal.signal(signum, before[signum])
            names = " and ".join(signal.Signals(signum).name for signum in changed)
            complain(
                f"adsim: {who} set its own handler of {names} (signal.signal); in adsim's own "
                "process (thread isolation) it would decide how adsim stops: adsim put its own "
                "back (leave these signals to adsim, or use process isolation)"
            )


class PluginLoading(Delivery):
    """Plugins and their ``ad_api`` (the layer above delivery)."""

    def ad_api(self, plugin: str = "") -> AdApi:
        """A fresh ``ad_api`` whose ``on`` registrations belong to ``plugin``."""
        from simulator.handlers.ad_api import AdApi  # with the first plugin, not the host

        api = AdApi(
            self.sim,
            registry=self.registry,
            plugin=plugin,
            integration_key=self.integration_key,
            widget=self.widget,
            call_on_engine=partial(self._call_on_engine, plugin=plugin),
        )
        self._apis.add(api)
        return api

    def load(self, spec: str | Path) -> list[PluginStatus]:
        """Load a plugin file, or every ``*.py`` in a directory (``FileNotFoundError`` if none)."""
        source = discover_path(Path(spec), isolated=self.isolation == "process")
        self._sources.append(source)
        return self._load_source(source, str(spec))

    def load_entry_points(self, group: str = ENTRY_POINT_GROUP) -> list[PluginStatus]:
        """Load the plugins installed packages declare in the entry-point ``group``."""
        from simulator.handlers.entry_points import discover_entry_points

        source = discover_entry_points(group, isolated=self.isolation == "process")
        self._sources.append(source)
        return self._load_source(source, "installed plugins (entry points)")

    def add_plugin(
        self,
        name: str,
        register: Callable[[AdApi], Any],
        source: str = "built-in",
        close: Callable[[], Any] | None = None,
        reopen: Callable[[], str | None] | None = None,
        *,
        file: str | None = None,
        own: bool = False,
    ) -> PluginStatus:
        """Register a built-in plugin (the webhook, a JS page) through the same path as loaded
        ones. ``close()`` runs when the host closes and before a reload; ``reopen()`` at the
        reload, before ``register`` runs again: it restarts what ``close`` ended and returns why
        the plugin cannot load (``file:line: message``, shown in ``plugins``) or None.
        ``file``: the file ``register``'s errors are located in; ``own``: adsim's own plugin
        (the webhook, a JS module or page), whose close bounds itself."""
        plugin_source = PluginSource.builtin(
            name, register, source, close, reopen, file=file, own=own
        )
        self._sources.append(plugin_source)
        statuses = self._load_source(plugin_source)
        if statuses:
            return statuses[0]
        # Its file is loaded already (once serves both): that plugin's status.
        key = os.path.realpath(file) if file is not None else None
        return next(
            self._status(p) for p in self._plugins if key is not None and _file_key(p) == key
        )

    def _load_source(self, source: PluginSource, what: str = "plugins") -> list[PluginStatus]:
        statuses = []
        loaded = {_file_key(p) for p in self._plugins} - {None}
        # Plugins imported and run in this process. Not adsim's own (a JS page, the webhook):
        # the window adds its CRM page on its own thread while a plugin may be loading on
        # another (simulator.gui.plugin_loading), and the guards below, which compare what the
        # process holds before and after, would take that plugin's doings for the page's.
        in_here = self.isolation != "process" and not source.own
        guard = exit_guard.loading(what) if in_here else contextlib.nullcontext()
        modules = set(sys.modules) if in_here else set()  # what the plugins import: theirs
        found = self._kept_now(f"{what}: its import") if in_here else None
        kept = contextlib.nullcontext() if source.own else _signals_kept(what)
        with self._told_if_slow(f"{what}: importing it"), kept, guard:
            plugins = source.plugins()
        self._mend_kept(f"{what}: its import", found)
        for plugin in plugins:
            if _file_key(plugin) in loaded:
                # The same file asked for twice (a scenario's handlers: and --handler, an ini's
                # adsim_handlers): loaded twice it got every event twice. Once serves both.
                continue
            plugin.name = self._unique_name(plugin.name)
            if plugin.locator is not None and plugin.error is None:
                process = PluginProcess(
                    self, plugin, load_timeout=self.load_timeout, grace=self.close_grace
                )
                plugin.on_close = process.close
                self._processes.append(process)
                plugin.error = process.start()
                if plugin.error is not None:
                    self.registry.remove_plugin(plugin.name)
            else:
                guard = contextlib.nullcontext() if plugin.own else exit_guard.loading(plugin.name)
                kept = contextlib.nullcontext() if plugin.own else _signals_kept(plugin.name)
                slow = self._told_if_slow(f"{plugin.file or plugin.source}: register(ad_api)")
                who = f"plugin {plugin.name}: its register()"
                before = None if plugin.own else self._kept_now(who)
                if not plugin.own:
                    # What its threads raise is said and counted (background_errors), from the
                    # first: a thread that raised while register() ran was Python's lines only.
                    self._registering = [plugin]
                    background_errors.watch_threads(self)
                with slow, kept, guard:
                    register_plugin(plugin, self.ad_api(plugin.name), self.registry)
                if not plugin.own:  # its os._exit is said, not a silent end (exit_guard)
                    imported = [sys.modules.get(name) for name in sys.modules.keys() - modules]
                    exit_guard.watch(plugin.name, plugin.register, imported)
                    leftover_owners.loaded(plugin)  # for the pytest session's end
                    self._mend_kept(who, before)
            self._plugins.append(plugin)
            self._registering = []
            statuses.append(self._status(plugin))
        return statuses

    def _close_plugin(self, plugin: Plugin) -> None:
        """Run ``plugin``'s close hook. In this process (thread isolation) it gets what a
        plugin's process gives it (``close_grace`` + 1 s), on a thread of its own: one that
        never returns hung adsim at the end of every run. Past that it is an incident and adsim
        goes on (the thread cannot be stopped; it is a daemon, so adsim still exits). A close
        that raised is an incident too, its traceback on stderr (masked)."""
        if plugin.locator is not None or plugin.own or plugin.on_close is None:
            # A plugin's process (its close runs there and is told by its supervisor), adsim's
            # own plugins: their close bounds itself.
            self._close_failed(plugin, plugin.close())
            return
        limit = self.close_grace + 1.0
        failed: list[tuple[str, str] | None] = [None]

        def close() -> None:
            failed[0] = plugin.close()

        closing = threading.Thread(target=close, name=f"adsim-close-{plugin.name}", daemon=True)
        closing.start()
        if not join_within(closing, limit):  # of time it could run: a loaded machine's is not
            self.add_incident(
                f"plugin {plugin.name}: its close did not finish within {limit:g} s; adsim "
                "went on without it (in adsim's process it cannot be stopped)"
            )
            return
        self._close_failed(plugin, failed[0])

    def _close_failed(self, plugin: Plugin, failure: tuple[str, str] | None) -> None:
        if failure is None:
            return
        line, trace = failure
        with contextlib.suppress(OSError, ValueError):  # a closed stderr: the summary says it
            print(self.secrets.text(trace.rstrip("\n")) or trace, file=sys.stderr, flush=True)
        self.add_incident(f"plugin {plugin.name}: its close() raised: {line}")

    @contextmanager
    def _told_if_slow(self, what: str) -> Iterator[None]:
        """A line on stderr when ``what`` still runs in this process after the load timeout:
        with thread isolation nothing can stop a plugin's import or ``register()``, and adsim
        waited for ever with nothing said (process isolation kills it at that timeout)."""
        if self.isolation == "process":
            yield
            return
        after = self.load_timeout

        def tell() -> None:
            with contextlib.suppress(OSError, ValueError):  # a closed stderr: nothing to tell
                print(
                    f"adsim: {what} still running after {after:g} s; with thread isolation it "
                    "cannot be stopped: Ctrl-C stops adsim (process isolation would kill it)",
                    file=sys.stderr,
                    flush=True,
                )

        timer = threading.Timer(after, tell)
        timer.daemon = True
        timer.name = "adsim-load-timer"  # adsim's own: no plugin's leftover
        timer.start()
        try:
            yield
        finally:
            timer.cancel()

    def _unique_name(self, name: str) -> str:
        taken = {p.name for p in self._plugins}
        candidate, n = name, 2
        while candidate in taken:
            candidate, n = f"{name}#{n}", n + 1
        return candidate

    def _status(self, plugin: Plugin) -> PluginStatus:
        return PluginStatus(
            plugin.name,
            plugin.source,
            plugin.error is None,
            self.secrets.text(plugin.error),
            self.registry.handler_count(plugin.name) if plugin.error is None else 0,
        )

    @property
    def plugins(self) -> list[PluginStatus]:
        """Every plugin, loaded or not, in load order."""
        return [self._status(plugin) for plugin in self._plugins]

    def reload(self) -> list[PluginStatus]:
        """Re-read every plugin from disk (directories are scanned again) and re-register."""
        self.registry.clear()
        for plugin in self._plugins:
            self._close_plugin(plugin)
        self._plugins.clear()
        self._processes.clear()
        forget_beside()  # the modules beside the plugin files are read again too
        for source in self._sources:
            source.refresh()
            self._load_source(source)
        return self.plugins
