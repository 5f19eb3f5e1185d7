"""Bus contract: two web processes, each event to each of their clients once.

Every backend runs the same test: two ``livenews web`` processes on the test
database, an SSE client on each, events committed by this process. With the
PostgreSQL and Redis buses the web processes poll the outbox only every 60 s,
so the events can only arrive in time through the bus itself.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.db import transaction

from livenews.events.bus import bus_for, check_bus_url
from livenews.events.outbox import emit
from livenews.events.types import StoryUpdated
from tests.support.sse import SSEClient


def bus_urls() -> list[object]:
    pg = os.environ.get("LIVENEWS_TEST_POSTGRES", "")
    redis = os.environ.get("LIVENEWS_TEST_REDIS", "")
    return [
        pytest.param("memory://", id="memory"),
        pytest.param("db://", id="db"),
        pytest.param(
            pg or "postgres://unset",
            id="postgres",
            marks=pytest.mark.skipif(
                not pg, reason="LIVENEWS_TEST_POSTGRES is unset: no PostgreSQL server"
            ),
        ),
        pytest.param(
            redis or "redis://unset",
            id="redis",
            marks=pytest.mark.skipif(
                not redis, reason="LIVENEWS_TEST_REDIS is unset: no Redis server"
            ),
        ),
    ]


def publish(n: int) -> list[str]:
    ids = []
    for i in range(n):
        with transaction.atomic():
            row = emit(
                StoryUpdated(
                    story_id=5,
                    headline=f"update {i}",
                    url="/story/5/",
                    article_count=i,
                    source_count=1,
                    updated_at="2026-01-01T00:00:00",
                )
            )
        ids.append(str(row.id))
    return ids


@pytest.mark.parametrize("web_processes", bus_urls(), indirect=True)
def test_each_event_reaches_every_client_of_both_processes_once(
    web_processes, request, monkeypatch
):
    url = request.node.callspec.params["web_processes"]
    monkeypatch.setitem(settings.LIVENEWS, "BUS_URL", url)
    clients = [
        SSEClient(base + "/live/stream?channels=story:5") for base in web_processes
    ]
    for client in clients:
        client.__enter__()
    try:
        ids = publish(5)
        for client in clients:
            client.wait_for(lambda m: m.id == ids[-1], timeout=15)
        for client in clients:
            got = [m.id for m in client.messages if m.event == "story.updated"]
            assert got == ids
    finally:
        for client in clients:
            client.close()


def test_an_unknown_bus_is_refused_with_the_accepted_forms():
    with pytest.raises(ValueError, match="use memory://, db://"):
        check_bus_url("kafka://broker:9092")
    assert bus_for("memory://") is bus_for("memory://")
