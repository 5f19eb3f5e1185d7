"""Several workers share the due sources by leasing them: each source is fetched
by one worker at a time, and a dead worker's leases expire."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction

from livenews.pipeline import ingest_once
from livenews.sources.actions import lease_due_sources
from livenews.sources.models import Source
from tests.support.feeds import Item, rss

pytestmark = pytest.mark.django_db(transaction=True)

WHEN = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)


def one_item_feed(n: int) -> str:
    item = Item(
        guid=f"w{n}",
        title=f"Ferry timetable {n} changes for the winter season",
        link=f"https://ferries.example.org/{n}",
        published=WHEN,
    )
    return rss([item])


class Worker:
    """A `livenews worker` subprocess whose output is read on threads."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "livenews", "worker"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        for stream, lines in (
            (self.process.stdout, self.stdout),
            (self.process.stderr, self.stderr),
        ):
            threading.Thread(
                target=lambda s=stream, out=lines: out.extend(s), daemon=True
            ).start()

    def is_polling(self) -> bool:
        return any("polling due sources" in line for line in self.stdout)

    def stored(self) -> int:
        return sum("stored articles" in line for line in self.stderr)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_two_workers_fetch_each_of_200_sources_exactly_once(cli, feed_server):
    for n in range(200):
        Source.objects.create(
            url=feed_server.serve(f"/f{n}.xml", one_item_feed(n), delay=0.02),
            paused=True,
        )
    env = dict(
        cli.env,
        PYTHONUNBUFFERED="1",
        LIVENEWS_LOG_LEVEL="INFO",
        LIVENEWS_INGEST_TICK="0.05",
        LIVENEWS_LEASE_BATCH="10",
        LIVENEWS_HOST_CONCURRENCY="10",
        LIVENEWS_POLL_INTERVAL="3600",
    )
    workers = [Worker(env), Worker(env)]
    try:
        wait_for(lambda: all(w.is_polling() for w in workers), 60, "both workers")
        Source.objects.update(paused=False)  # all 200 due at once, for both
        wait_for(
            lambda: not Source.objects.filter(last_fetched_at__isnull=True).exists(),
            60,
            "every source to be fetched",
        )
        time.sleep(0.5)  # a double fetch would show up in this time
    finally:
        for worker in workers:
            worker.stop()

    counts = [feed_server.hits[f"/f{n}.xml"] for n in range(200)]
    assert counts == [1] * 200
    assert all(w.stored() > 0 for w in workers), "both workers took a share"
    assert sum(w.stored() for w in workers) == 200
    assert not Source.objects.exclude(lease_owner="").exists()


def test_a_dead_workers_leases_expire_and_are_taken_over(feed_server):
    for n in range(3):
        Source.objects.create(url=feed_server.serve(f"/f{n}.xml", one_item_feed(n)))
    taken = lease_due_sources("dead-worker", datetime.now(UTC), 10, seconds=1.0)
    assert len(taken) == 3  # ... and the worker dies before fetching them

    assert ingest_once(owner="live-worker").sources == 0
    assert sum(feed_server.hits.values()) == 0

    time.sleep(1.1)
    report = ingest_once(owner="live-worker")

    assert report.sources == 3
    assert report.new_articles == 3
    assert not Source.objects.exclude(lease_owner="").exists()


def test_a_leased_source_is_not_leased_again_until_recorded(feed_server):
    Source.objects.create(url=feed_server.serve("/f.xml", one_item_feed(0)))
    moment = datetime.now(UTC)

    first = lease_due_sources("a", moment, 10, seconds=60)
    second = lease_due_sources("b", moment, 10, seconds=60)

    assert len(first) == 1
    assert second == []
    assert Source.objects.get().lease_owner == "a"


@pytest.mark.skipif(
    not os.environ.get("LIVENEWS_TEST_POSTGRES"),
    reason="LIVENEWS_TEST_POSTGRES is unset: no PostgreSQL server",
)
def test_postgres_leases_skip_rows_another_worker_has_locked():
    if connection.vendor != "postgresql":
        pytest.skip("the suite runs on SQLite; set LIVENEWS_DATABASE_URL to PostgreSQL")
    for n in range(10):
        Source.objects.create(url=f"https://feeds{n}.example.org/rss")
    locked: list[int] = []
    holding = threading.Event()
    release = threading.Event()

    def other_worker() -> None:
        try:
            with transaction.atomic():
                rows = Source.objects.select_for_update().order_by("id")[:5]
                locked.extend(row.pk for row in rows)
                holding.set()
                release.wait(5)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert holding.wait(5)
        mine = lease_due_sources("me", datetime.now(UTC), 10, seconds=60)
    finally:
        release.set()
        thread.join()

    assert {s.pk for s in mine}.isdisjoint(locked)
    # Had it waited for the other transaction instead, it would have all 10.
    assert len(mine) == 5
