"""OPML imports are written in chunks and report their progress (the console bar)."""

from __future__ import annotations

import pytest

from livenews.sources import actions
from livenews.sources.models import Source
from livenews.sources.opml import OpmlFeed

pytestmark = pytest.mark.django_db


def feeds(count: int) -> list[OpmlFeed]:
    return [
        OpmlFeed(f"https://outlet{n}.example/feed.xml", f"Outlet {n}", "", "world")
        for n in range(count)
    ]


def test_a_long_import_reports_progress_chunk_by_chunk(monkeypatch):
    monkeypatch.setattr(actions, "IMPORT_CHUNK", 40)
    Source.objects.create(url="https://outlet3.example/feed.xml")
    heard: list[tuple[int, int]] = []

    added, known = actions.import_feeds(
        feeds(100) + feeds(5), on_progress=lambda *p: heard.append(p)
    )

    assert (added, known) == (99, 6)  # one subscribed before, five listed twice
    assert heard == [(40, 100), (80, 100), (100, 100)]
    assert Source.objects.count() == 100
    assert Source.objects.get(url__contains="outlet7.").section == "world"
