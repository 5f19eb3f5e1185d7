"""Sources for search tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def source(db: None) -> Any:
    from livenews.sources.models import Source

    return Source.objects.create(url="https://a.example.org/feed", name="Alpha Post")


@pytest.fixture
def other_source(db: None) -> Any:
    from livenews.sources.models import Source

    return Source.objects.create(url="https://b.example.org/feed", name="Beta Times")
