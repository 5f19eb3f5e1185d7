"""Request coalescing never hands a request a render older than an event it followed.

The downstream app here is a tiny ASGI app that counts its renders and holds
each one until the test lets it go, so the order of arrivals, events and
completions is exact.
"""

from __future__ import annotations

import asyncio
from typing import Any

from livenews.edge.cachedpages import CachingEdge
from livenews.edge.pagecache import PageCache


class HeldRenders:
    """An ASGI app rendering ``render <n>`` with cache keys, once released."""

    def __init__(self) -> None:
        self.count = 0
        self.release = asyncio.Event()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.count += 1
        number = self.count
        await self.release.wait()
        headers = [
            (b"content-type", b"text/html"),
            (b"x-livenews-cache-keys", b"front"),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"render %d" % number})


async def get(edge: CachingEdge, path: str = "/") -> bytes:
    scope = {"type": "http", "method": "GET", "path": path, "headers": []}
    body = b""

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal body
        if message["type"] == "http.response.body":
            body += message.get("body", b"")

    await edge(scope, receive, send)
    return body


def test_followers_that_came_before_an_event_share_the_render():
    async def scenario() -> tuple[bytes, bytes, int]:
        app = HeldRenders()
        edge = CachingEdge(app, PageCache())
        leader = asyncio.create_task(get(edge))
        follower = asyncio.create_task(get(edge))
        await asyncio.sleep(0.01)
        app.release.set()
        return await leader, await follower, app.count

    assert asyncio.run(scenario()) == (b"render 1", b"render 1", 1)


def test_a_follower_arriving_after_an_event_gets_a_render_begun_after_it():
    async def scenario() -> tuple[bytes, bytes, int, bytes]:
        app = HeldRenders()
        cache = PageCache()
        edge = CachingEdge(app, cache)
        leader = asyncio.create_task(get(edge))
        await asyncio.sleep(0.01)  # the leader's render has begun
        cache.invalidate({"front"})  # an event arrives mid-render
        follower = asyncio.create_task(get(edge))
        await asyncio.sleep(0.01)
        app.release.set()
        first, second = await leader, await follower
        return first, second, app.count, await get(edge)

    first, second, renders, later = asyncio.run(scenario())
    assert first == b"render 1"  # came before the event: may have it
    assert second == b"render 2"
    assert renders == 2
    assert later == b"render 2"  # the overlapped render was never stored


def test_an_event_on_other_keys_does_not_split_the_stampede():
    async def scenario() -> tuple[bytes, bytes, int]:
        app = HeldRenders()
        cache = PageCache()
        edge = CachingEdge(app, cache)
        app.release.set()
        await get(edge)  # the edge learns the page's keys
        cache.invalidate({"front"})
        app.release.clear()
        leader = asyncio.create_task(get(edge))
        await asyncio.sleep(0.01)
        cache.invalidate({"story:9"})
        follower = asyncio.create_task(get(edge))
        await asyncio.sleep(0.01)
        app.release.set()
        return await leader, await follower, app.count

    assert asyncio.run(scenario()) == (b"render 2", b"render 2", 2)


def test_a_request_after_an_event_starts_its_render_without_waiting():
    async def scenario() -> tuple[int, bytes, bytes, bytes]:
        app = HeldRenders()
        cache = PageCache()
        edge = CachingEdge(app, cache)
        app.release.set()
        await get(edge)
        cache.invalidate({"front"})
        app.release.clear()
        leader = asyncio.create_task(get(edge))
        await asyncio.sleep(0.01)
        cache.invalidate({"front"})
        follower = asyncio.create_task(get(edge))
        late = asyncio.create_task(get(edge))  # joins the follower's render
        await asyncio.sleep(0.01)
        running = app.count  # both renders are under way before either ends
        app.release.set()
        return running, await leader, await follower, await late

    running, leader, follower, late = asyncio.run(scenario())
    assert running == 3
    assert leader == b"render 2"
    assert follower == late == b"render 3"


def test_a_third_render_of_one_url_waits_for_the_newest_instead():
    async def scenario() -> tuple[int, int, list[bytes]]:
        app = HeldRenders()
        cache = PageCache()
        edge = CachingEdge(app, cache)
        app.release.set()
        await get(edge)
        app.release.clear()
        cache.invalidate({"front"})
        tasks = [asyncio.create_task(get(edge))]
        for _ in range(2):
            await asyncio.sleep(0.01)
            cache.invalidate({"front"})
            tasks.append(asyncio.create_task(get(edge)))
        await asyncio.sleep(0.01)
        running = app.count  # renders 2 and 3; the third request waits
        app.release.set()
        answers = [await task for task in tasks]
        return running, app.count, answers

    running, total, answers = asyncio.run(scenario())
    assert running == 3
    # The third request came after the event that made render 3 stale for it,
    # so it gets a render begun after it arrived, once render 3 is done.
    assert answers == [b"render 2", b"render 3", b"render 4"]
    assert total == 4
