"""Politeness and scheduling against feeds served on 127.0.0.1: per-host limits,
Retry-After per source, backoff that never gives up, the adaptive interval, the
stalled flag and the health figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from django.conf import settings

from livenews.pipeline import ingest_once
from livenews.sources.actions import add_source
from livenews.sources.models import Source
from livenews.sources.schedule import SPREAD
from tests.support.feeds import Item, rss

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(settings.LIVENEWS, "POLL_INTERVAL", 600)
    monkeypatch.setitem(settings.LIVENEWS, "HOST_MIN_GAP", 0.0)
    monkeypatch.setitem(settings.LIVENEWS, "HOST_CONCURRENCY", 2)


def items_every(gap: timedelta, count: int = 10, newest: datetime | None = None):
    newest = newest or datetime.now(UTC).replace(microsecond=0)
    return [
        Item(
            guid=f"i{n}",
            title=f"Bulletin number {n} from the wire desk",
            link=f"https://wire.example.org/{n}",
            published=newest - gap * n,
        )
        for n in range(count)
    ]


def delay_of(source: Source) -> float:
    source.refresh_from_db()
    return (source.next_poll_at - source.last_fetched_at).total_seconds()


@pytest.mark.parametrize("limit", [1, 3])
def test_requests_to_one_host_never_exceed_its_limit(feed_server, monkeypatch, limit):
    monkeypatch.setitem(settings.LIVENEWS, "HOST_CONCURRENCY", limit)
    for n in range(6):
        add_source(
            feed_server.serve(
                f"/f{n}.xml", rss(items_every(timedelta(hours=1))), delay=0.3
            )
        )

    ingest_once()

    assert sum(feed_server.hits.values()) == 6
    assert feed_server.most_active == limit  # reached, never passed


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_delays_that_source_not_its_host(feed_server, status):
    limited = add_source(
        feed_server.serve(
            "/limited.xml", b"", status=status, headers={"Retry-After": "7200"}
        )
    )
    neighbour = add_source(
        feed_server.serve("/neighbour.xml", rss(items_every(timedelta(hours=1))))
    )

    ingest_once()
    Source.objects.filter(pk=neighbour.pk).update(next_poll_at=None)
    ingest_once()

    assert feed_server.hits["/limited.xml"] == 1
    assert feed_server.hits["/neighbour.xml"] == 2
    assert delay_of(limited) >= 7200
    assert "retry after 7200 s" in limited.last_error
    neighbour.refresh_from_db()
    assert neighbour.health == "ok"


def test_retry_after_as_a_date_is_honoured(feed_server):
    when = datetime.now(UTC) + timedelta(hours=3)
    source = add_source(
        feed_server.serve(
            "/busy.xml",
            b"",
            status=503,
            headers={"Retry-After": format_datetime(when, usegmt=True)},
        )
    )

    ingest_once()

    assert 3 * 3600 - 5 <= delay_of(source) <= 3 * 3600
    assert f"retry after {when:%H:%M} UTC" in source.last_error


def test_a_huge_retry_after_is_capped(feed_server, monkeypatch):
    monkeypatch.setitem(settings.LIVENEWS, "POLL_INTERVAL", 60)
    monkeypatch.setitem(settings.LIVENEWS, "RETRY_AFTER_MAX", 900)
    source = add_source(
        feed_server.serve(
            "/greedy.xml", b"", status=429, headers={"Retry-After": "99999999"}
        )
    )

    ingest_once()

    # The backoff after one failure is ~120 s; the capped Retry-After wins.
    assert delay_of(source) == pytest.approx(900, abs=1)


def test_failing_source_backs_off_to_the_cap_and_keeps_being_retried(
    feed_server, monkeypatch
):
    monkeypatch.setitem(settings.LIVENEWS, "MAX_BACKOFF", 6 * 3600)
    source = add_source(feed_server.serve("/down.xml", b"", status=500))
    delays = []
    for _ in range(12):
        Source.objects.filter(pk=source.pk).update(next_poll_at=None)
        ingest_once()
        delays.append(delay_of(source))

    assert feed_server.hits["/down.xml"] == 12  # retried every time it came due
    source.refresh_from_db()
    assert source.consecutive_failures == 12
    assert not source.paused
    assert source.health == "failing"
    assert source.last_error == "HTTP 500 Internal Server Error"
    assert delays[1] > delays[0] * 1.3  # growing (2x, within the 20 % jitter)
    assert max(delays) <= 6 * 3600 * 1.2
    assert delays[-1] >= 6 * 3600 * 0.8  # reached the cap


@pytest.mark.parametrize(
    ("gap", "interval", "per_day"),
    [
        (timedelta(minutes=4), 120, 360.0),  # a wire: the minimum
        (timedelta(hours=2), 3600, 12.0),  # half the usual gap
        (timedelta(days=7), 86400, 1 / 7),  # a weekly blog: the maximum
    ],
    ids=["wire", "bihourly", "weekly"],
)
def test_interval_adapts_to_the_publishing_rhythm(feed_server, gap, interval, per_day):
    source = add_source(feed_server.serve("/feed.xml", rss(items_every(gap, 6))))

    ingest_once()

    assert interval * (1 - SPREAD) - 1 <= delay_of(source) <= interval + 1
    assert source.learned_interval == interval
    assert source.items_per_day == pytest.approx(per_day, rel=0.01)


def test_an_editors_interval_overrides_the_adaptive_one(feed_server):
    source = add_source(
        feed_server.serve("/feed.xml", rss(items_every(timedelta(minutes=4))))
    )
    Source.objects.filter(pk=source.pk).update(poll_interval=900)

    ingest_once()

    assert 900 * (1 - SPREAD) - 1 <= delay_of(source) <= 900 + 1
    assert source.learned_interval == 120  # still learned, for people to see


def test_source_silent_far_longer_than_its_rhythm_is_stalled(feed_server):
    long_ago = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
    url = feed_server.serve(
        "/feed.xml", rss(items_every(timedelta(minutes=10), newest=long_ago))
    )
    source = add_source(url)

    ingest_once()
    source.refresh_from_db()
    assert source.stalled
    assert source.health == "stalled"
    assert source.consecutive_failures == 0

    fresh = items_every(timedelta(minutes=10))[:1]
    feed_server.serve(
        "/feed.xml", rss(fresh + items_every(timedelta(minutes=10), newest=long_ago))
    )
    Source.objects.filter(pk=source.pk).update(next_poll_at=None)
    ingest_once()
    source.refresh_from_db()
    assert not source.stalled
    assert source.health == "ok"


def test_stalled_is_also_judged_on_304(feed_server):
    recent = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    source = add_source(
        feed_server.serve(
            "/feed.xml", rss(items_every(timedelta(minutes=10), newest=recent))
        )
    )
    ingest_once()
    source.refresh_from_db()
    assert not source.stalled
    # Three days later, the same feed answers 304 Not Modified.
    Source.objects.filter(pk=source.pk).update(
        next_poll_at=None, newest_item_at=recent - timedelta(days=3)
    )

    ingest_once()

    source.refresh_from_db()
    assert source.last_status == 304
    assert source.stalled


def test_fetch_times_give_a_median(feed_server):
    source = add_source(
        feed_server.serve("/feed.xml", rss(items_every(timedelta(hours=1))), delay=0.05)
    )
    for _ in range(3):
        Source.objects.filter(pk=source.pk).update(next_poll_at=None)
        ingest_once()

    source.refresh_from_db()
    assert len(source.recent_fetch_ms) == 3
    assert source.median_fetch_ms == sorted(source.recent_fetch_ms)[1]
    assert source.median_fetch_ms >= 50


def test_permanent_redirect_updates_the_stored_url(feed_server):
    new = feed_server.serve("/new.xml", rss(items_every(timedelta(hours=1))))
    feed_server.serve("/old.xml", status=301, headers={"Location": new}, etag=False)
    feed_server.serve(
        "/temp.xml", status=302, headers={"Location": "/new.xml"}, etag=False
    )
    moved = add_source(feed_server.url("/old.xml"))
    borrowed = add_source(feed_server.url("/temp.xml"))

    ingest_once()

    moved.refresh_from_db()
    borrowed.refresh_from_db()
    assert moved.url == new
    assert borrowed.url == feed_server.url("/temp.xml")  # a 302 is temporary
    assert moved.health == borrowed.health == "ok"


def test_a_permanent_then_temporary_redirect_keeps_the_url(feed_server):
    feed_server.serve("/final.xml", rss(items_every(timedelta(hours=1))))
    feed_server.serve(
        "/hop.xml", status=302, headers={"Location": "/final.xml"}, etag=False
    )
    feed_server.serve(
        "/start.xml", status=308, headers={"Location": "/hop.xml"}, etag=False
    )
    source = add_source(feed_server.url("/start.xml"))

    ingest_once()

    source.refresh_from_db()
    assert source.url == feed_server.url("/start.xml")
    assert source.health == "ok"


def test_last_modified_is_sent_back_and_a_304_changes_nothing(feed_server):
    stamp = "Fri, 27 Nov 2026 09:30:00 GMT"
    url = feed_server.serve(
        "/dated.xml",
        rss(items_every(timedelta(hours=1))),
        etag=False,
        last_modified=stamp,
    )
    source = add_source(url)
    ingest_once()
    Source.objects.filter(pk=source.pk).update(next_poll_at=None)

    report = ingest_once()

    assert report.new_articles == 0
    assert feed_server.requests[-1].headers["If-Modified-Since"] == stamp
    assert "If-None-Match" not in feed_server.requests[-1].headers
    source.refresh_from_db()
    assert source.last_status == 304
    assert source.last_modified == stamp


def test_a_host_refusing_several_sources_delays_all_of_its_sources(feed_server):
    neighbour = add_source(
        feed_server.serve("/calm.xml", rss(items_every(timedelta(hours=1))))
    )
    refused = [
        add_source(
            feed_server.serve(
                f"/shedding{n}.xml", b"", status=503, headers={"Retry-After": "5400"}
            )
        )
        for n in range(3)
    ]

    ingest_once()

    assert all(delay_of(source) >= 5400 for source in refused)
    # Answered fine, yet its host said "later" for all: it waits too.
    assert 5400 - 5 <= delay_of(neighbour) <= 5400 + 60
    neighbour.refresh_from_db()
    assert neighbour.health == "ok"
