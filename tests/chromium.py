"""Launching Debian's Chromium for the browser tests (never a browser downloaded by Playwright).

Where no Chromium is installed the browser tests are skipped, saying why; CI sets
``SATUPINTU_REQUIRE_BROWSER=1`` (see .ci/run), and then a missing browser fails them instead."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch(playwright):
    if not Path(CHROMIUM).exists():
        reason = f"no Chromium at {CHROMIUM}: install Debian's chromium package"
        if os.environ.get("SATUPINTU_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
