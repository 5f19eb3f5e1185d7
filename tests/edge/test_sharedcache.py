"""The page cache shared through Redis: one render per fleet, never stale after events.

Against the real Redis named by LIVENEWS_TEST_REDIS (.ci/run sets it); each
test works under its own key prefix and deletes it afterwards.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
import redis

from livenews.core.timeutil import now
from livenews.edge.pagecache import build_page
from livenews.edge.sharedcache import SharedPageCache, prefix_for
from livenews.events.queries import get_latest_event_id
from livenews.live import actions
from tests.support.hubwait import wait_for_hubs

REDIS_URL = os.environ.get("LIVENEWS_TEST_REDIS", "")
pytestmark = pytest.mark.skipif(
    not REDIS_URL, reason="LIVENEWS_TEST_REDIS is unset: no Redis server"
)


def drop(prefix: str) -> None:
    client = redis.Redis.from_url(REDIS_URL)
    for name in client.scan_iter(match=prefix + "*", count=1000):
        client.delete(name)
    client.close()


@pytest.fixture
def prefix() -> Iterator[str]:
    name = f"livenews-test:{uuid.uuid4().hex}:"
    yield name
    drop(name)


def page(body: bytes, *keys: str):
    return build_page(200, [(b"content-type", b"text/html")], body, frozenset(keys), 0)


def run(coro):
    return asyncio.run(coro)


def nodes(prefix: str) -> tuple[SharedPageCache, SharedPageCache]:
    return SharedPageCache(REDIS_URL, 60, prefix), SharedPageCache(
        REDIS_URL, 60, prefix
    )


def test_a_page_stored_by_one_node_is_served_to_another(prefix):
    async def scenario():
        a, b = nodes(prefix)
        snapshot, missing = await a.get("/story/1/", 0)
        assert missing is None
        assert await a.put("/story/1/", page(b"<p>one</p>", "story:1"), snapshot)
        _, found = await b.get("/story/1/", 0)
        return found

    found = run(scenario())
    original = page(b"<p>one</p>", "story:1")
    assert found.body == original.body and found.etag == original.etag
    assert found.gzip_body == original.gzip_body and found.br_body == original.br_body
    assert found.keys == frozenset({"story:1"})


def test_an_invalidation_on_one_node_drops_the_entries_of_its_keys_for_all(prefix):
    async def scenario():
        a, b = nodes(prefix)
        snapshot, _ = await a.get("/", 0)
        await a.put("/", page(b"front", "front", "alerts"), snapshot)
        await a.put("/story/2/", page(b"two", "story:2"), snapshot)
        await b.finish_invalidation(b.begin_invalidation(["front"]), 0)
        return (await a.get("/", 0))[1], (await a.get("/story/2/", 0))[1]

    front, other = run(scenario())
    assert front is None
    assert other is not None and other.body == b"two"
    assert not redis.Redis.from_url(REDIS_URL).exists(prefix + "page:/")


def test_a_render_begun_before_another_nodes_invalidation_is_not_stored(prefix):
    async def scenario():
        a, b = nodes(prefix)
        snapshot, _ = await a.get("/", 0)  # a begins rendering
        await b.finish_invalidation(b.begin_invalidation(["front"]), 0)
        stored = await a.put("/", page(b"old front", "front"), snapshot)
        unrelated = await a.put("/story/3/", page(b"three", "story:3"), snapshot)
        return stored, unrelated, (await b.get("/", 0))[1]

    stored, unrelated, found = run(scenario())
    assert stored is False and found is None
    assert unrelated is True


def test_a_node_distrusts_redis_until_its_invalidation_is_acknowledged(prefix):
    async def scenario():
        a, b = nodes(prefix)
        snapshot, _ = await b.get("/", 0)
        await b.put("/", page(b"front", "front"), snapshot)
        keys = a.begin_invalidation(["front"])  # a received the event
        during = (await a.get("/", 0))[1]
        elsewhere = (await b.get("/", 0))[1]  # b has not received it yet
        await a.finish_invalidation(keys, 0)
        return during, elsewhere, (await b.get("/", 0))[1]

    during, elsewhere, after = run(scenario())
    assert during is None
    assert elsewhere is not None
    assert after is None


def test_a_failed_invalidation_distrusts_the_keys_for_one_ttl(prefix):
    async def scenario():
        b = SharedPageCache(REDIS_URL, 60, prefix)
        snapshot, _ = await b.get("/", 0)
        await b.put("/", page(b"front", "front"), snapshot)
        dead = SharedPageCache("redis://127.0.0.1:1/0", 60, prefix)
        await dead.finish_invalidation(dead.begin_invalidation(["front"]), 100.0)
        return dead.is_trusted({"front"}, 159.0), dead.is_trusted({"front"}, 161.0)

    assert run(scenario()) == (False, True)


@pytest.fixture
def shared_edges(edge_server_factory):
    from django.conf import settings

    db = settings.DATABASES["default"]
    portal = prefix_for(f"{db.get('HOST', '')}:{db.get('PORT', '')}/{db['NAME']}")
    drop(portal)  # pages of earlier tests on this database
    yield lambda: edge_server_factory(PAGE_CACHE_URL=REDIS_URL)
    drop(portal)


def test_two_edges_sharing_redis_render_a_page_once(shared_edges):
    one, two = shared_edges(), shared_edges()
    first = httpx.get(one.url("/sources/"))
    second = httpx.get(two.url("/sources/"))

    assert (one.app.state.pages.renders, two.app.state.pages.renders) == (1, 0)
    assert two.app.state.pages.shared_hits == 1
    assert second.content == first.content
    assert second.headers["etag"] == first.headers["etag"]
    assert httpx.get(two.url("/sources/")).headers["x-cache"] == "HIT"


def test_an_event_leaves_no_edge_a_stale_page_from_redis(shared_edges):
    one, two = shared_edges(), shared_edges()
    for round_ in range(3):
        httpx.get(one.url("/"))  # one renders and stores in Redis
        assert "Flood" not in httpx.get(two.url("/")).text
        alert = actions.create_alert(f"Flood {round_}", "", now() + timedelta(hours=1))
        newest = get_latest_event_id()
        wait_for_hubs([one, two], newest)
        for server in (two, one):
            answer = httpx.get(server.url("/"))
            assert f"Flood {round_}" in answer.text
            assert int(answer.headers["x-livenews-seen"]) >= newest
        actions.retract_alert(alert)
        wait_for_hubs([one, two], get_latest_event_id())
    assert two.app.state.pages.shared_hits >= 3
