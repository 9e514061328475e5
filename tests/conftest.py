"""Shared test set-up: Qt (when a test uses it) runs offscreen, before any QApplication exists."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Runs that journal by default must not write into the developer's data directory.
os.environ.setdefault("ADSIM_JOURNAL", ":memory:")
