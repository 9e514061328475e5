"""The folder put on ``sys.path`` (appended) wherever plugin files load, so that a process
``multiprocessing`` spawns from there (a ``spawn`` or ``forkserver`` pool running a plugin's own
function) can import the plugin's module, ``adsim_handlers.crm_1a2b3c4d``: see
``adsim_handlers``. In the process that loads the plugins the package is made in memory
(``simulator.handlers.plugins``) and this folder's copy is never imported."""
