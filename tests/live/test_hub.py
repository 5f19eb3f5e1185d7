"""The hub on the real outbox: fan-out by channel, slow clients dropped."""

from __future__ import annotations

import asyncio

import pytest
from django.db import connections, transaction

from livenews.events.outbox import emit
from livenews.events.types import StoryUpdated
from livenews.live.hub import Hub
from livenews.live.wire import read_latest_event_id, read_wire_events_after

pytestmark = pytest.mark.django_db(transaction=True)


def publish(story_id: int, n: int = 1) -> None:
    for i in range(n):
        with transaction.atomic():
            emit(
                StoryUpdated(
                    story_id=story_id,
                    headline=f"h{i}",
                    url="/s/",
                    article_count=i,
                    source_count=1,
                    updated_at="2026-01-01",
                )
            )


def run(coro):
    return asyncio.run(coro)


def new_hub(queue_size: int = 8) -> Hub:
    return Hub(
        read_wire_events_after,
        read_latest_event_id,
        poll_interval=0.05,
        queue_size=queue_size,
        close_db=connections.close_all,
    )


def test_events_reach_only_clients_of_their_channels():
    async def scenario():
        hub = new_hub()
        await hub.start()
        front = hub.add_client(frozenset({"front"}))
        story = hub.add_client(frozenset({"story:7"}))
        other = hub.add_client(frozenset({"story:8"}))
        await asyncio.to_thread(publish, 7)
        await hub.read_new()
        sizes = [c.queue.qsize() for c in (front, story, other)]
        await hub.stop()
        return sizes

    assert run(scenario()) == [1, 1, 0]


def test_a_slow_client_is_dropped_while_others_keep_receiving():
    async def scenario():
        hub = new_hub(queue_size=3)
        await hub.start()
        slow = hub.add_client(frozenset({"front"}))
        fast = hub.add_client(frozenset({"front"}))
        received = []
        for _ in range(5):
            await asyncio.to_thread(publish, 1, 2)
            await hub.read_new()
            while not fast.queue.empty():
                received.append(fast.queue.get_nowait())
        await hub.stop()
        return slow, fast, received

    slow, _, received = run(scenario())
    assert slow.closed
    assert slow.queue.get_nowait() is None  # the writer is told to end the stream
    assert len(received) == 10
    assert [e.id for e in received] == sorted(e.id for e in received)


def test_hub_starts_after_the_newest_committed_event():
    publish(3, 2)

    async def scenario():
        hub = new_hub()
        await hub.start()
        client = hub.add_client(frozenset({"front"}))
        delivered = await hub.read_new()
        await hub.stop()
        return delivered, client

    delivered, _ = run(scenario())
    assert delivered == 0
