"""Shared test set-up: Qt (when a test uses it) runs offscreen, before any QApplication exists."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# QtWebEngine (the CRM page tests) cannot start Chromium's sandbox as root.
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
# Runs that journal by default must not write into the developer's data directory.
os.environ.setdefault("ADSIM_JOURNAL", ":memory:")
