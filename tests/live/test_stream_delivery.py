"""``/live/stream`` delivery on a real server: direct writes and the ``send`` path.

Under uvicorn's httptools protocol the hub writes each client's chunks to the
connection's transport itself; under any other server (here uvicorn's h11
protocol) each stream's writer sends its pending messages. Both must deliver
every event once, in order, after a replay, and drop a client that stops
reading while the others keep receiving.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from django.db import transaction

from livenews.events.outbox import emit
from livenews.events.types import StoryUpdated
from tests.support.fixtures import EdgeServer
from tests.support.sse import SSEClient


def publish(n: int, headline_bytes: int = 10) -> list[str]:
    ids = []
    for i in range(n):
        with transaction.atomic():
            row = emit(
                StoryUpdated(
                    story_id=9,
                    headline=f"update {i} " + "x" * headline_bytes,
                    url="/story/9/",
                    article_count=i,
                    source_count=1,
                    updated_at="2026-01-01T00:00:00",
                )
            )
        ids.append(str(row.id))
    return ids


def wait_until(predicate: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.02)


@pytest.fixture
def h11_server(transactional_db: None) -> Iterator[EdgeServer]:
    """The real edge app under uvicorn's h11 protocol (no transport access)."""
    from livenews.edge.app import create_app
    from livenews.edge.server import EdgeServer as Server

    app = create_app(ingest=False)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(
        app, http="h11", lifespan="on", log_level="warning", access_log=False
    )
    config.timeout_graceful_shutdown = 1
    server = Server(config, app)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, daemon=True
    )
    thread.start()
    wait_until(lambda: server.started, 15)
    yield EdgeServer(f"http://127.0.0.1:{sock.getsockname()[1]}", app)
    server.should_exit = True
    thread.join(10)
    sock.close()


def clients_of(server: EdgeServer) -> list[Any]:
    return list(server.app.state.hub.clients)


def open_clients(server: EdgeServer) -> list[Any]:
    return [c for c in clients_of(server) if not c.closed]


def stream_events(server: EdgeServer, expect_direct: bool) -> None:
    url = server.url("/live/stream?channels=story:9")
    with SSEClient(url) as first:
        wait_until(lambda: len(clients_of(server)) == 1)
        wait_until(lambda: "connected" in first.comments)
        assert [c.direct for c in clients_of(server)] == [expect_direct]
        ids = publish(3)
        first.wait_for(lambda m: m.id == ids[-1])
        # A second reader arrives late and replays from the first event.
        late = SSEClient(url, headers={"Last-Event-ID": str(int(ids[0]) - 1)})
        with late:
            more = publish(3)
            first.wait_for(lambda m: m.id == more[-1])
            late.wait_for(lambda m: m.id == more[-1])
            time.sleep(0.2)  # anything sent twice would have arrived by now
            assert [m.id for m in first.messages] == ids + more
            assert [m.id for m in late.messages] == ids + more
            assert first.messages[1].json()["headline"].startswith("update 1 ")


def test_hub_writes_to_uvicorn_transports_itself(edge_server):
    stream_events(edge_server, expect_direct=True)


def test_other_servers_get_each_stream_sent_through_asgi(h11_server):
    stream_events(h11_server, expect_direct=False)


def stalled_stream(base_url: str) -> socket.socket:
    """Open a stream whose reader never reads (a tiny receive window)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    host, port = base_url.removeprefix("http://").split(":")
    sock.connect((host, int(port)))
    sock.sendall(
        b"GET /live/stream?channels=story:9 HTTP/1.1\r\nHost: x\r\n"
        b"Accept: text/event-stream\r\n\r\n"
    )
    return sock


@pytest.mark.parametrize("server_kind", ["httptools", "h11"])
def test_a_client_that_stops_reading_is_dropped_others_get_everything(
    server_kind, request, edge_server_factory
):
    if server_kind == "httptools":
        server = edge_server_factory(SSE_QUEUE_SIZE=4)
    else:
        server = request.getfixturevalue("h11_server")
        server.app.state.hub.queue_size = 4
    url = server.url("/live/stream?channels=story:9")
    stalled = stalled_stream(server.base_url)
    try:
        with SSEClient(url) as reader:
            wait_until(lambda: len(clients_of(server)) == 2)
            ids: list[str] = []
            # 128 KB events: enough of them fill the kernel's socket buffers
            # (up to 4 MB on loopback), then the server's.
            for _ in range(100):
                ids += publish(1, headline_bytes=128_000)
                if len(open_clients(server)) == 1:
                    break
            wait_until(lambda: len(open_clients(server)) == 1)
            if server_kind == "httptools":  # the hub cut the connection itself
                wait_until(lambda: len(clients_of(server)) == 1)
            ids += publish(2)
            reader.wait_for(lambda m: m.id == ids[-1])
            assert [m.id for m in reader.messages] == ids
    finally:
        stalled.close()
