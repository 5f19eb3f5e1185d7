"""Launch the system Chromium with Playwright, or skip saying why."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        pytest.skip(
            "browser tests need Debian's chromium at /usr/bin/chromium "
            "(.ci/run installs it with apt)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - dev.lock installs it
        pytest.skip("playwright is not installed (make test installs it)")
    # Playwright's sync API keeps an (idle) event loop in this thread; Django
    # then refuses ORM calls here unless told that this is safe, which it is:
    # nothing else runs on that loop between Playwright's calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=FLAGS
        )
        yield instance
        instance.close()
