"""``python -m simulator`` is ``adsim``."""

from simulator.entry_point import main

raise SystemExit(main())
