"""Test set-up: an isolated data dir, a real database, servers on 127.0.0.1.

The settings are loaded here (not from the ini file) so the environment below
is in place before Django reads it. ``LIVENEWS_DATABASE_URL`` picks the server:
SQLite (default, a file so other threads and processes see it) or PostgreSQL.
"""

from __future__ import annotations

import os
import tempfile

import pytest

pytest_plugins = [
    "tests.support.fixtures",
    "tests.support.browser",
    "tests.support.webprocs",
]


def pytest_configure(config: pytest.Config) -> None:
    if not os.environ.get("LIVENEWS_DATA_DIR"):
        os.environ["LIVENEWS_DATA_DIR"] = tempfile.mkdtemp(prefix="livenews-test-")
    os.environ["LIVENEWS_TESTING"] = "1"
    os.environ["LIVENEWS_ALLOW_PRIVATE_SOURCES"] = "1"
    os.environ["LIVENEWS_STARTER_SOURCES"] = "0"
    os.environ["LIVENEWS_OUTBOX_POLL"] = "0.1"
    os.environ["DJANGO_SETTINGS_MODULE"] = "livenews.settings"
    from django.conf import settings

    settings.DATABASES  # noqa: B018 - load the settings now, with the env above
