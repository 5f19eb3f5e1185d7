"""The purger's bookkeeping: which URLs to purge, what nginx must not store, retries."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from livenews.edge.purgeindex import PurgeIndex
from livenews.edge.purger import PurgeSender, PurgingEdge
from livenews.live.hub import WireEvent


def event(event_id: int, *channels: str) -> WireEvent:
    return WireEvent(id=event_id, channels=frozenset(channels), data=b"")


def test_an_event_names_exactly_the_urls_carrying_its_channels() -> None:
    index = PurgeIndex()
    index.record("/", ["front", "alerts"])
    index.record("/story/1/", ["story:1", "alerts"])
    index.record("/story/2/", ["story:2", "alerts"])
    assert index.note_event(["story:1", "front"]) == ["/", "/story/1/"]
    assert index.note_event(["alerts"]) == ["/", "/story/1/", "/story/2/"]
    index.record("/", ["front"])  # served again with other keys
    assert index.note_event(["alerts"]) == ["/story/1/", "/story/2/"]


def test_the_index_is_bounded_and_hands_back_what_it_forgets() -> None:
    index = PurgeIndex(max_urls=2)
    assert index.record("/a", ["k"]) == []
    assert index.record("/b", ["k"]) == []
    index.record("/a", ["k"])  # used again: now the newest
    assert index.record("/c", ["k"]) == ["/b"]
    assert len(index) == 2
    assert index.note_event(["k"]) == ["/a", "/c"]


def test_a_response_is_outdated_only_by_an_event_on_its_keys() -> None:
    index = PurgeIndex(event_window=2)
    begun = index.begin()
    assert not index.is_outdated(begun, ["story:1"])
    index.note_event(["story:2"])
    assert not index.is_outdated(begun, ["story:1"])
    index.note_event(["story:1"])
    assert index.is_outdated(begun, ["story:1"])
    index.note_event(["other"])
    index.note_event(["other"])  # story:1's event has left the window
    assert index.is_outdated(begun, ["story:1"])  # so assume the worst
    assert not index.is_outdated(index.begin(), ["story:1"])


def run_through(edge: PurgingEdge, path: str) -> list[tuple[bytes, bytes]]:
    """Send one GET through ``edge``; return the response headers."""
    sent: list[Any] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode()}
    asyncio.run(edge(scope, receive, send))
    return list(sent[0]["headers"])


def test_a_page_an_event_overtook_is_marked_not_to_be_stored() -> None:
    sender = PurgeSender("http://127.0.0.1:9")  # never started: nothing is sent
    edge: PurgingEdge

    async def page(scope: Any, receive: Any, send: Any) -> None:
        # The event arrives while this page is being rendered.
        edge.on_event(event(1, scope["path"].strip("/").replace("/", ":")))
        keys = b"story:1 alerts"
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"surrogate-key", keys)]})  # fmt: skip
        await send({"type": "http.response.body", "body": b"page"})

    edge = PurgingEdge(page, sender, PurgeIndex(), repeat_after=0)
    overtaken = run_through(edge, "/story/1/")
    assert (b"x-accel-expires", b"0") in overtaken
    untouched = run_through(edge, "/story/2/")  # its event is on story:2
    assert (b"x-accel-expires", b"0") not in untouched
    # Both were recorded; the next event on story:1 purges the page.
    assert edge.index.note_event(["story:1"]) == ["/story/1/", "/story/2/"]


class PurgeLog:
    """A real HTTP server on 127.0.0.1 standing in for nginx's purge endpoint."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, str]] = []
        self.status = 502

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        headers = dict(scope["headers"])
        encoding = headers.get(b"accept-encoding", b"").decode()
        self.requests.append((scope["method"], scope["path"], encoding))
        start = {"type": "http.response.start", "status": self.status, "headers": []}
        await send(start)
        await send({"type": "http.response.body", "body": b""})


@pytest.fixture
def purge_log() -> Iterator[tuple[PurgeLog, str]]:
    log = PurgeLog()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(log, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]})
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    yield log, f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(10)
    sock.close()


def test_a_failing_purge_is_retried_until_nginx_answers(
    purge_log: tuple[PurgeLog, str],
) -> None:
    log, url = purge_log

    async def scenario() -> None:
        sender = PurgeSender(url)
        sender.start()
        sender.purge(["/story/1/", "/"])
        deadline = time.monotonic() + 10
        while len(log.requests) < 4:  # each URL refused at least twice
            assert time.monotonic() < deadline, log.requests
            await asyncio.sleep(0.01)
        assert not sender.is_idle()
        log.status = 200  # nginx is back
        while not sender.is_idle():
            assert time.monotonic() < deadline
            await asyncio.sleep(0.01)
        await sender.stop()
        assert sender.purged == 2

    asyncio.run(scenario())
    for path in ("/story/1/", "/"):
        tries = [r for r in log.requests if r[1] == path]
        assert tries[:2] == [("PURGE", path, "br")] * 2  # refused, tried again
        assert tries[-3:] == [("PURGE", path, e) for e in ("br", "gzip", "")]


def test_a_refused_purge_is_logged_not_retried(
    purge_log: tuple[PurgeLog, str],
) -> None:
    log, url = purge_log
    log.status = 403  # a purge location that does not allow this address

    async def scenario() -> PurgeSender:
        sender = PurgeSender(url)
        sender.start()
        sender.purge(["/"])
        assert await sender.drain(10)
        await sender.stop()
        return sender

    sender = asyncio.run(scenario())
    assert log.requests == [("PURGE", "/", "br")]
    assert (sender.purged, sender.failures) == (0, 1)


def test_the_queue_holds_each_url_once_and_is_bounded() -> None:
    sender = PurgeSender("http://127.0.0.1:9", max_pending=3)
    sender.purge(["/a", "/b"])
    sender.purge(["/a", "/c"])
    assert list(sender.pending) == ["/a", "/b", "/c"]
    sender.purge(["/d"])
    assert list(sender.pending) == ["/b", "/c", "/d"]
    assert sender.dropped == 1
