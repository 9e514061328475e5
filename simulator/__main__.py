"""``python -m simulator`` is ``adsim``."""

from simulator.cli import main

raise SystemExit(main())
