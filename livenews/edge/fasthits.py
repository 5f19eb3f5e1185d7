"""uvicorn's httptools protocol, answering page-cache hits without ASGI.

On a cache hit the ASGI path still costs uvicorn a scope dict, a task, an
event, two ``send`` messages whose headers are validated one by one, and a
keep-alive timer: most of the time of a hit. This protocol asks the page cache
(``CachingEdge.answer_hit``) as soon as a request's headers are parsed, and
when the page is there it writes the pre-built status line and headers, the
server's ``Date``/``Server`` lines and the pre-compressed body straight to the
socket. Everything else (misses, sessions, writes, HTTP/1.0, ``Connection:
close``, pipelined requests behind a slow one, a client not reading) takes
uvicorn's ordinary path, so the answer is the same either way, only cheaper.

Measured in docs/design-notes.md ("Edge: cache hits below ASGI").
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from livenews.edge.cachedpages import CachingEdge


def find_edge(app: Any) -> CachingEdge | None:
    """Return the ``CachingEdge`` inside uvicorn's middleware wrappers, if any."""
    for _ in range(10):
        if isinstance(app, CachingEdge):
            return app
        app = getattr(app, "app", None)
        if app is None:
            return None
    return None


class FastHitProtocol(HttpToolsProtocol):
    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.edge = find_edge(self.app)
        self.answered = False  # this request was answered from the cache
        self._defaults_of: list[tuple[bytes, bytes]] | None = None
        self._default_lines = b""

    def on_message_begin(self) -> None:
        # The scope is built only when the request takes the ASGI path.
        self.answered = False
        self.url = b""
        self.expect_100_continue = False
        self.headers = []

    def on_headers_complete(self) -> None:
        if self._answer_from_cache():
            return
        url, headers = self.url, self.headers
        super().on_message_begin()
        self.url, self.headers = url, headers
        self.scope["headers"] = headers
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self.answered:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if not self.answered:
            super().on_message_complete()

    def _answer_from_cache(self) -> bool:
        edge, parser = self.edge, self.parser
        if (
            edge is None
            or self.expect_100_continue
            or self.pipeline
            or (self.cycle is not None and not self.cycle.response_complete)
            or self.flow.write_paused
            or parser.get_http_version() != "1.1"
            or not parser.should_keep_alive()
            or parser.should_upgrade()
        ):
            return False
        method = parser.get_method()
        if method != b"GET" and method != b"HEAD":
            return False
        found = edge.answer_hit(
            self.url, self.headers, method == b"HEAD", self.loop.time()
        )
        if found is None:
            return False
        head, body = found
        lines = (head, edge.seen_line, self._server_lines(), b"\r\n", body)
        self.transport.writelines(lines)
        self.answered = True
        self.server_state.total_requests += 1
        if self.timeout_keep_alive_task is None:
            self.timeout_keep_alive_task = self.loop.call_later(
                self.timeout_keep_alive, self.timeout_keep_alive_handler
            )
        return True

    def _server_lines(self) -> bytes:
        """Return uvicorn's default header lines (``Date`` changes each second)."""
        defaults = self.server_state.default_headers
        if defaults is not self._defaults_of:
            self._defaults_of = defaults
            self._default_lines = b"".join(n + b": " + v + b"\r\n" for n, v in defaults)
        return self._default_lines
