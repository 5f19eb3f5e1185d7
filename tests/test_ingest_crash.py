"""Crash safety: a worker killed with SIGKILL at random moments, again and again,
still ends with every item stored exactly once and announced exactly once."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from livenews.articles.models import Article
from livenews.events.models import Event
from livenews.sources.models import Source
from tests.support.feeds import Item, rss

pytestmark = pytest.mark.django_db(transaction=True)

FEEDS = 20
# Per feed: 4,000 in all, so that the 20 kills all land before the last
# article is placed (placing runs 100 articles a transaction, a few hundred a
# second: a worker's life between two kills places one or two chunks).
ITEMS = 200
KILLS = 20


def feed(f: int) -> str:
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    return rss(
        [
            Item(
                guid=f"crash-{f}-{n}",
                title=f"Desk {f} bulletin {n}: tide tables {f * ITEMS + n} revised",
                link=f"https://tides.example.org/{f}/{n}",
                published=start + timedelta(minutes=n),
            )
            for n in range(ITEMS)
        ]
    )


def start_worker(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "livenews", "worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def announced() -> int:
    """Count the articles placed in a story and announced (stored in bulk first)."""
    return Article.objects.filter(awaits_story=False).count()


def wait_for_more_announced(count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while announced() <= count and time.monotonic() < deadline:
        time.sleep(0.01)


def test_sigkill_at_random_moments_loses_and_doubles_nothing(cli, feed_server):
    for f in range(FEEDS):
        Source.objects.create(url=feed_server.serve(f"/crash{f}.xml", feed(f)))
    env = dict(
        cli.env,
        PYTHONUNBUFFERED="1",
        LIVENEWS_INGEST_TICK="0.05",
        LIVENEWS_LEASE_SECONDS="0.5",  # a killed worker's leases lapse at once
        LIVENEWS_HOST_CONCURRENCY="20",
        LIVENEWS_POLL_INTERVAL="3600",
    )
    rng = random.Random()
    seed = rng.randrange(1 << 30)
    rng.seed(seed)
    progress = []
    for kill in range(KILLS):
        done = announced()
        worker = start_worker(env)
        assert worker.stdout is not None
        worker.stdout.readline()  # the banner: it is about to poll
        if kill % 4:
            # Most kills land while it stores (whatever the machine's load):
            # once its first new article is committed, within ~30 more.
            wait_for_more_announced(done, timeout=30)
            time.sleep(rng.uniform(0.0, 0.15))
        else:
            time.sleep(rng.uniform(0.0, 0.5))  # anywhere: starting, fetching…
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        progress.append(announced())

    final = start_worker(env)
    try:
        deadline = time.monotonic() + 60
        # Done when every feed was read and every stored article placed.
        while (
            Source.objects.filter(last_success_at__isnull=True).exists()
            or Article.objects.filter(awaits_story=True).exists()
        ):
            assert time.monotonic() < deadline, f"never finished (seed {seed})"
            time.sleep(0.1)
    finally:
        final.send_signal(signal.SIGKILL)
        final.wait()

    # The kills landed while items were being announced (each in its own
    # transaction, after a feed's bulk store), not before or after.
    assert 0 < progress[-1] < FEEDS * ITEMS, progress
    guids = Counter(Article.objects.values_list("source_id", "guid"))
    assert len(guids) == FEEDS * ITEMS, f"seed {seed}"
    assert max(guids.values()) == 1
    added = Counter(
        e.payload["article_id"] for e in Event.objects.filter(type="article.added")
    )
    assert set(added) == set(Article.objects.values_list("id", flat=True))
    assert max(added.values()) == 1, f"an article announced twice (seed {seed})"
