"""Source health in `livenews sources list` and the admin."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib import admin

from livenews.sources.admin import SourceAdmin
from livenews.sources.models import Source

pytestmark = pytest.mark.django_db(transaction=True)


def make_sources() -> tuple[Source, Source]:
    moment = datetime.now(UTC)
    busy = Source.objects.create(
        url="https://wire.example.org/feed.xml",
        name="Wire",
        last_success_at=moment,
        items_per_day=288.0,
        median_fetch_ms=140,
        learned_interval=150,
    )
    quiet = Source.objects.create(
        url="https://blog.example.org/feed.xml",
        name="Blog",
        last_success_at=moment,
        items_per_day=1.0,
        median_fetch_ms=900,
        stalled=True,
        newest_item_at=moment - timedelta(days=20),
        poll_interval=3600,
    )
    return busy, quiet


def test_sources_list_shows_rate_fetch_time_interval_and_stall(cli):
    make_sources()

    text = cli("sources", "list")
    rows = {r["name"]: r for r in json.loads(cli("sources", "list", "--json").stdout)}

    assert text.returncode == 0, text.stderr
    assert "#" in text.stdout
    wire_line = next(line for line in text.stdout.splitlines() if "Wire" in line)
    blog_line = next(line for line in text.stdout.splitlines() if "Blog" in line)
    assert "ok" in wire_line
    assert "288.0/day, 140 ms, every 2 min" in wire_line
    assert "stalled" in blog_line
    assert "every 60 min" in blog_line
    assert rows["Wire"]["poll_every_seconds"] == 150
    assert rows["Blog"]["stalled"] is True
    assert rows["Blog"]["health"] == "stalled"
    assert rows["Blog"]["median_fetch_ms"] == 900


def test_admin_source_list_shows_health():
    # The admin's pages need a second factor (django-otp); its columns are
    # plain methods of the ModelAdmin, checked here directly.
    busy, quiet = make_sources()
    model_admin = SourceAdmin(Source, admin.site)

    assert {"health", "median_fetch_ms", "consecutive_failures"} <= set(
        model_admin.list_display
    )
    assert "stalled" in model_admin.list_filter
    assert model_admin.items_per_day_shown(busy) == "288.0"
    assert model_admin.poll_every(busy) == "2 min"
    assert model_admin.poll_every(quiet) == "60 min (set)"
    assert quiet.health == "stalled"
