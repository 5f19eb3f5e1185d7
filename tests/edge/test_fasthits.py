"""Cache hits answered inside the HTTP protocol: same answers as the ASGI path."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import h11
import httpx

Answer = tuple[h11.Response, bytes]


def exchange(base: str, raw: bytes, methods: list[str]) -> list[Answer]:
    """Send raw (pipelined) requests on one connection; read one answer per method."""
    parts = urlsplit(base)
    conn = h11.Connection(h11.CLIENT)
    answers: list[Answer] = []

    def expect(method: str) -> None:
        # h11 reads answers only to requests it sent: it "sends" each in turn.
        conn.send(h11.Request(method=method, target="/", headers=[("Host", "x")]))
        conn.send(h11.EndOfMessage())

    expect(methods[0])
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(raw)
        response, body = None, b""
        while len(answers) < len(methods):
            event = conn.next_event()
            if event is h11.NEED_DATA:
                conn.receive_data(sock.recv(65536))
            elif isinstance(event, h11.Response):
                response, body = event, b""
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                assert response is not None
                answers.append((response, body))
                if len(answers) < len(methods):
                    conn.start_next_cycle()
                    expect(methods[len(answers)])
    return answers


def headers_of(response: h11.Response) -> dict[bytes, bytes]:
    return {name: value for name, value in response.headers if name != b"date"}


def test_a_hit_answered_below_asgi_equals_the_asgi_answer(edge_server):
    httpx.get(edge_server.url("/"))  # fills the cache
    pages = edge_server.app.state.pages
    before = pages.raw_hits
    fast = httpx.get(edge_server.url("/"), headers={"Accept-Encoding": "gzip"})
    assert pages.raw_hits == before + 1

    # A request the fast path declines (Connection: close) goes through ASGI.
    slow = httpx.get(
        edge_server.url("/"),
        headers={"Accept-Encoding": "gzip", "Connection": "close"},
    )
    assert pages.raw_hits == before + 1
    assert slow.headers["x-cache"] == fast.headers["x-cache"] == "HIT"
    assert fast.content == slow.content
    for name in ("etag", "vary", "cache-control", "surrogate-key", "content-type"):
        assert fast.headers[name] == slow.headers[name], name
    assert fast.headers["content-encoding"] == "gzip"
    assert "date" in fast.headers and "server" in fast.headers


def test_pipelined_get_head_and_revalidation_come_back_in_order(edge_server):
    first = httpx.get(edge_server.url("/"), headers={"Accept-Encoding": "identity"})
    etag = first.headers["etag"]
    pages = edge_server.app.state.pages
    before = pages.raw_hits
    raw = (
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
        b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n"
        b"GET / HTTP/1.1\r\nHost: x\r\nIf-None-Match: " + etag.encode() + b"\r\n\r\n"
    )
    (get, body), (head, head_body), (revalidated, empty) = exchange(
        edge_server.url(""), raw, ["GET", "HEAD", "GET"]
    )

    assert pages.raw_hits == before + 3
    assert get.status_code == 200 and body == first.content
    assert head.status_code == 200 and head_body == b""
    assert headers_of(head)[b"content-length"] == str(len(first.content)).encode()
    assert revalidated.status_code == 304 and empty == b""
    assert headers_of(revalidated)[b"etag"] == etag.encode()
    assert b"content-length" not in headers_of(revalidated)


def test_a_session_or_a_miss_is_never_answered_below_asgi(edge_server):
    httpx.get(edge_server.url("/"))
    pages = edge_server.app.state.pages
    before = pages.raw_hits
    signed_in = httpx.get(edge_server.url("/"), cookies={"sessionid": "whatever"})
    assert "x-cache" not in signed_in.headers
    miss = httpx.get(edge_server.url("/sources/"))
    assert miss.headers["x-cache"] == "MISS"
    escaped = httpx.get(edge_server.url("/%73ources/"))  # the same page, escaped
    assert escaped.headers["x-cache"] == "HIT"
    assert pages.raw_hits == before


def test_a_hit_below_asgi_names_the_newest_event_received(edge_server):
    from livenews.events.queries import get_latest_event_id
    from livenews.live import actions

    actions.start_liveblog("Seen")
    newest = get_latest_event_id()
    hub = edge_server.app.state.hub
    deadline = time.monotonic() + 10
    while hub.last_id < newest:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    httpx.get(edge_server.url("/"))
    pages = edge_server.app.state.pages
    before = pages.raw_hits
    hit = httpx.get(edge_server.url("/"))
    assert pages.raw_hits == before + 1
    assert int(hit.headers["x-livenews-seen"]) == newest
    assert f'data-last-event-id="{newest}"' in hit.text
