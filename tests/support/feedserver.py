"""A small HTTP server on 127.0.0.1 that serves feeds the test sets up.

Each path answers with a configured body, status and headers; ETag and
If-None-Match are honoured; every request is counted per path. A route may also
stream a generated body (``stream``: a huge body never held in memory), drip it
one byte every ``drip`` seconds, or send it gzip-compressed. The server records
the bytes it managed to send per path, each request's start time and headers,
and the most requests it served at once.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: bool = True
    delay: float = 0.0
    last_modified: str = ""  # sent, and compared with If-Modified-Since
    # A generator of body chunks, sent as they come (with ``length`` as the
    # Content-Length when given, else until the generator ends).
    stream: Callable[[], Iterable[bytes]] | None = None
    length: int | None = None
    drip: float = 0.0  # seconds between single bytes of ``body``


class _Server(ThreadingHTTPServer):
    # socketserver's default backlog of 5 drops the SYNs of a burst of
    # connections, which then wait a 1 s retransmit.
    request_queue_size = 256
    daemon_threads = True


@dataclass
class Request:
    path: str
    started: float
    headers: dict[str, str]


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.sent: Counter[str] = Counter()
        self.requests: list[Request] = []
        self.posts: list[tuple[str, dict[str, str], bytes]] = []
        self.active = 0
        self.most_active = 0
        self._lock = threading.Lock()
        self.server = _Server(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def serve(self, path: str, body: bytes | str = b"", **kwargs: Any) -> str:
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = Route(body=data, **kwargs)
        return self.url(path)

    def start(self) -> FeedServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes: without this, Nagle and
            # delayed ACKs hold each response ~40 ms.
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                with owner._lock:
                    owner.hits[self.path] += 1
                    owner.requests.append(
                        Request(self.path, time.monotonic(), dict(self.headers))
                    )
                    owner.active += 1
                    owner.most_active = max(owner.most_active, owner.active)
                try:
                    self._answer()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up: what it did is in ``sent``
                finally:
                    with owner._lock:
                        owner.active -= 1

            def do_POST(self) -> None:
                size = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(size)
                with owner._lock:
                    owner.hits[self.path] += 1
                    owner.posts.append((self.path, dict(self.headers), body))
                route = owner.routes.get(self.path)
                self.send_response(route.status if route else 404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _write(self, data: bytes) -> None:
                self.wfile.write(data)
                self.wfile.flush()
                with owner._lock:
                    owner.sent[self.path] += len(data)

            def _answer(self) -> None:
                route = owner.routes.get(self.path)
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if route.delay:
                    time.sleep(route.delay)
                etag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
                since = self.headers.get("If-Modified-Since")
                if route.last_modified and since == route.last_modified:
                    self.send_response(304)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if route.etag and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                if route.stream is None:
                    self.send_header("Content-Length", str(len(route.body)))
                elif route.length is not None:
                    self.send_header("Content-Length", str(route.length))
                else:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                if route.etag and route.stream is None:
                    self.send_header("ETag", etag)
                if route.last_modified:
                    self.send_header("Last-Modified", route.last_modified)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if route.stream is not None:
                    for chunk in route.stream():
                        self._write(chunk)
                elif route.drip:
                    for byte in route.body:
                        self._write(bytes([byte]))
                        time.sleep(route.drip)
                else:
                    self._write(route.body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler
