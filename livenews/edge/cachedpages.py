"""Serve anonymous GETs from the page cache; render misses once; 304s by ETag.

A request goes to the cache when it is a GET or HEAD without a session
cookie. A response is cached when Django marked it with the keys of what it
shows (``X-Livenews-Cache-Keys``, set with ``livenews.core.cachekeys``), it is a
200 or 404, and it sets no cookie. Concurrent misses of one URL share one
render (request coalescing). Answers carry ``ETag``, ``Cache-Control`` with
``s-maxage`` and ``stale-while-revalidate``, and the keys as ``Surrogate-Key``
and ``Cache-Tag`` so a CDN or nginx in front can purge by key.
"""

from __future__ import annotations

import asyncio
import http
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from livenews.core.cachekeys import HEADER
from livenews.edge.pagecache import CachedPage, PageCache, build_page
from livenews.edge.sharedcache import SharedPageCache

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

KEYS_HEADER = HEADER.lower().encode()
DROPPED_HEADERS = frozenset(
    {
        KEYS_HEADER,
        b"content-length",
        b"content-encoding",
        b"etag",
        b"cache-control",
        b"vary",
    }
)
CACHEABLE_STATUSES = frozenset({200, 404})
HIT = b"x-cache: HIT\r\n"
# Renders of one URL at once: under a storm of events a third render would
# only compete for the CPU with the two newer ones; its requests wait instead.
MAX_RENDERS_PER_URL = 2
ALL_KEYS = frozenset({"*"})  # a page whose keys are not known yet: any event


def status_line(status: int) -> bytes:
    """Return ``HTTP/1.1 200 OK\\r\\n`` for ``status``."""
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    return f"HTTP/1.1 {status} {phrase}\r\n".encode()


def header_lines(headers: list[tuple[bytes, bytes]]) -> bytes:
    return b"".join(name + b": " + value + b"\r\n" for name, value in headers)


@dataclass
class Passthrough:
    """A response that may not be cached: replayed once, to its own requester."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return ""


def has_session(scope: Scope, cookie_name: str) -> bool:
    """Return True when the request carries the login session cookie."""
    cookies = _header(scope, b"cookie")
    return f"{cookie_name}=" in cookies


def _request_headers(scope: Scope) -> tuple[bytes, bytes, bytes]:
    """Return the cookie, If-None-Match and Accept-Encoding values, in one pass."""
    cookie = inm = accept = b""
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            cookie = value
        elif key == b"if-none-match":
            inm = value
        elif key == b"accept-encoding":
            accept = value
    return cookie, inm, accept


def choose_encoding(accept: str) -> str:
    """Return ``br``, ``gzip`` or ``identity`` for an ``Accept-Encoding`` value."""
    offered: dict[str, float] = {}
    for part in accept.lower().split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        offered[name.strip()] = quality
    for name in ("br", "gzip"):
        if offered.get(name, offered.get("*", 0.0)) > 0:
            return name
    return "identity"


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Return True when ``If-None-Match`` names ``etag`` (weak comparison)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return etag in tags


class CachingEdge:
    def __init__(
        self,
        app: ASGIApp,
        cache: PageCache,
        *,
        session_cookie: str = "sessionid",
        s_maxage: int = 60,
        stale_while_revalidate: int = 30,
        bypass_prefixes: tuple[str, ...] = (),
        shared: SharedPageCache | None = None,
    ) -> None:
        self.app = app
        self.cache = cache
        self.shared = shared
        self.shared_hits = 0
        self.session_cookie = session_cookie
        self.session_marker = f"{session_cookie}=".encode()
        # Paths never cached (live streams, static files): straight through.
        self.bypass_prefixes = bypass_prefixes
        self._encodings: dict[bytes, str] = {}
        self.state: Any = None  # the router's state (hub, cache), for servers
        self.cache_control = (
            f"public, max-age=0, s-maxage={s_maxage}, "
            f"stale-while-revalidate={stale_while_revalidate}"
        ).encode()
        # Renders in flight: their future and the cache's seq when they began.
        self._inflight: dict[
            str, tuple[asyncio.Future[CachedPage | Passthrough], int]
        ] = {}
        self._running: dict[str, int] = {}  # renders in flight per URL
        # The keys each URL's last render showed: judges renders in flight.
        self._keys_of: dict[str, frozenset[str]] = {}
        # The newest event this process received, sent with every cached page
        # (X-Livenews-Seen): a page's embedded event id is never below it.
        self.seen_line = b""
        self.seen_value = b""
        self.renders = 0
        self.raw_hits = 0  # hits answered below ASGI (answer_hit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.bypass_prefixes):
            await self.app(scope, receive, send)
            return
        cookie, inm, accept = _request_headers(scope)
        if scope["method"] not in ("GET", "HEAD") or self.session_marker in cookie:
            await self.app(scope, receive, self._private(send, scope))
            return
        query = scope.get("query_string", b"")
        url = scope["path"] + ("?" + query.decode("latin-1") if query else "")
        loop = asyncio.get_running_loop()
        seen = self.seen_value  # as the request arrives, not when it is answered
        page: CachedPage | Passthrough | None = self.cache.get(url, loop.time())
        state = b"HIT"
        if page is None:
            state = b"MISS"
            page = await self._render_once(url, scope, receive)
        if isinstance(page, Passthrough):
            await self._replay(send, page)
            return
        await self._respond(scope, send, page, state, inm, accept, seen)

    async def _render_once(
        self, url: str, scope: Scope, receive: Receive
    ) -> CachedPage | Passthrough:
        """Render ``url``, sharing a render in flight when it is fresh enough.

        A request may join a render only if no event touching the page was
        received between that render's start and the request's arrival;
        otherwise it starts a new render at once (which later arrivals join),
        rather than waiting for one it could not use, unless two renders of the
        URL are running: then it waits for the newest and judges it again.
        """
        arrived_seq = self.cache.seq
        joined = self._inflight.get(url)
        if joined is not None and (
            self._running.get(url, 0) >= MAX_RENDERS_PER_URL
            or not self.cache.invalidated_between(
                joined[1], arrived_seq, self._keys_of.get(url, ALL_KEYS)
            )
        ):
            leader, leader_seq = joined
            result = await asyncio.shield(leader)
            if not isinstance(result, CachedPage):
                return await self._render(url, scope, receive)  # not shareable
            if self.cache.invalidated_between(leader_seq, arrived_seq, result.keys):
                # That render began before an event this request came after.
                return await self._render_once(url, scope, receive)
            return result
        future: asyncio.Future[CachedPage | Passthrough] = (
            asyncio.get_running_loop().create_future()
        )
        entry = (future, arrived_seq)
        self._inflight[url] = entry
        self._running[url] = self._running.get(url, 0) + 1
        try:
            result = await self._fetch(url, scope, receive)
            future.set_result(result)
            if isinstance(result, CachedPage):
                if len(self._keys_of) > 100_000:
                    self._keys_of.clear()
                self._keys_of[url] = result.keys
            return result
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: followers re-raise it themselves
            raise
        finally:
            if self._running[url] > 1:
                self._running[url] -= 1
            else:
                del self._running[url]
            if self._inflight.get(url) is entry:
                del self._inflight[url]

    async def _fetch(
        self, url: str, scope: Scope, receive: Receive
    ) -> CachedPage | Passthrough:
        """Take the page from the shared cache when there is one, else render it."""
        if self.shared is None:
            return await self._render(url, scope, receive)
        started_seq = self.cache.seq
        try:
            snapshot, page = await self.shared.get(
                url, asyncio.get_running_loop().time()
            )
        except Exception:  # Redis down or slow: render, as without it
            log.warning("shared page cache: get failed", exc_info=True)
            return await self._render(url, scope, receive)
        if page is None:
            return await self._render(url, scope, receive, snapshot)
        self.shared_hits += 1
        self.cache.put(url, page, started_seq)
        return page

    async def _render(
        self,
        url: str,
        scope: Scope,
        receive: Receive,
        shared_snapshot: int | None = None,
    ) -> CachedPage | Passthrough:
        started_seq = self.cache.seq
        self.renders += 1
        status = 500
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        body = b"".join(chunks)
        keys = b""
        for name, value in headers:
            if name.lower() == KEYS_HEADER:
                keys = value
        cacheable = (
            status in CACHEABLE_STATUSES
            and keys
            and not any(name.lower() == b"set-cookie" for name, _ in headers)
        )
        if not cacheable:
            return Passthrough(status, headers, body)
        key_set = frozenset(keys.decode("latin-1").split())
        kept = [(n, v) for n, v in headers if n.lower() not in DROPPED_HEADERS]
        # Compressing takes milliseconds: off the event loop, which serves hits.
        page = await asyncio.to_thread(
            build_page, status, kept, body, key_set, asyncio.get_running_loop().time()
        )
        self.cache.put(url, page, started_seq)
        if self.shared is not None and shared_snapshot is not None:
            try:
                await self.shared.put(url, page, shared_snapshot)
            except Exception:
                log.warning("shared page cache: put failed", exc_info=True)
        return page

    def note_event(self, event_id: int) -> None:
        """Record the newest event received (after its pages were invalidated)."""
        self.seen_value = b"%d" % event_id
        self.seen_line = b"x-livenews-seen: " + self.seen_value + b"\r\n"

    def _encoding_for(self, accept: bytes) -> str:
        encoding = self._encodings.get(accept)
        if encoding is None:
            encoding = choose_encoding(accept.decode("latin-1"))
            if len(self._encodings) < 256:  # distinct browser values are few
                self._encodings[accept] = encoding
        return encoding

    def _prepare(self, page: CachedPage) -> None:
        """Build each variant's headers once per cached page, not per request."""
        keys = sorted(page.keys)
        common = [
            (b"etag", page.etag.encode()),
            (b"cache-control", self.cache_control),
            (b"vary", b"Accept-Encoding, Cookie"),
            (b"surrogate-key", " ".join(keys).encode()),
            (b"cache-tag", ",".join(keys).encode()),
        ]
        page.not_modified_headers = common
        page.wire_heads["304"] = status_line(304) + header_lines(common) + HIT
        for encoding, body in (
            ("identity", page.body),
            ("gzip", page.gzip_body),
            ("br", page.br_body),
        ):
            headers = page.headers + common
            headers.append((b"content-length", str(len(body)).encode()))
            if encoding != "identity":
                headers.append((b"content-encoding", encoding.encode()))
            page.variants[encoding] = (headers, body)
            page.wire_heads[encoding] = (
                status_line(page.status) + header_lines(headers) + HIT
            )

    def answer_hit(
        self, url: bytes, headers: list[tuple[bytes, bytes]], head: bool, now: float
    ) -> tuple[bytes, bytes] | None:
        """Return the raw head and body answering a hit, or None to go the long way.

        For servers that parse HTTP themselves (``livenews.edge.fasthits``): the
        head holds the status line and header lines but not the blank line, so
        the server can add its own (``Date``). Anything unusual (an escaped or
        absolute URL, a session, a page not in the cache) answers None, and the
        request takes the ASGI path, which handles every case.
        """
        if not url.startswith(b"/") or b"%" in url or b"#" in url:
            return None
        cookie = inm = accept = b""
        for name, value in headers:
            if name == b"cookie":
                cookie = value
            elif name == b"if-none-match":
                inm = value
            elif name == b"accept-encoding":
                accept = value
        if self.session_marker in cookie:
            return None
        key = url.decode("latin-1")
        if key.startswith(self.bypass_prefixes):
            return None
        page = self.cache.get(key, now, count_miss=False)
        if page is None:
            return None
        if not page.variants:
            self._prepare(page)
        if (
            inm
            and page.status == 200
            and etag_matches(inm.decode("latin-1"), page.etag)
        ):
            self.raw_hits += 1
            return page.wire_heads["304"], b""
        self.raw_hits += 1
        encoding = self._encoding_for(accept)
        body = b"" if head else page.variants[encoding][1]
        return page.wire_heads[encoding], body

    async def _respond(
        self,
        scope: Scope,
        send: Send,
        page: CachedPage,
        state: bytes,
        if_none_match: bytes,
        accept: bytes,
        seen: bytes,
    ) -> None:
        if not page.variants:
            self._prepare(page)
        if (
            if_none_match
            and page.status == 200
            and etag_matches(if_none_match.decode("latin-1"), page.etag)
        ):
            headers = [*page.not_modified_headers, (b"x-cache", state)]
            if seen:
                headers.append((b"x-livenews-seen", seen))
            await send(
                {"type": "http.response.start", "status": 304, "headers": headers}
            )
            await send({"type": "http.response.body", "body": b""})
            return
        prepared, body = page.variants[self._encoding_for(accept)]
        headers = [*prepared, (b"x-cache", state)]
        if seen:
            headers.append((b"x-livenews-seen", seen))
        await send(
            {"type": "http.response.start", "status": page.status, "headers": headers}
        )
        await send(
            {
                "type": "http.response.body",
                "body": b"" if scope["method"] == "HEAD" else body,
            }
        )

    async def _replay(self, send: Send, page: Passthrough) -> None:
        headers = [(n, v) for n, v in page.headers if n.lower() != KEYS_HEADER]
        await send(
            {"type": "http.response.start", "status": page.status, "headers": headers}
        )
        await send({"type": "http.response.body", "body": page.body})

    def _private(self, send: Send, scope: Scope) -> Send:
        """Mark what a signed-in user (or a write) gets as not for shared caches."""
        if not has_session(scope, self.session_cookie):
            return send

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers, vary = [], [b"Cookie"]
                for name, value in message.get("headers", []):
                    lowered = name.lower()
                    if lowered == b"vary":
                        vary += [v.strip() for v in value.split(b",") if v.strip()]
                    elif lowered not in (KEYS_HEADER, b"cache-control"):
                        headers.append((name, value))
                # The same URL answers anonymous readers from the cache: this
                # answer depends on the session cookie, and says so.
                unique = {v.lower(): v for v in reversed(vary)}
                headers.append((b"vary", b", ".join(reversed(unique.values()))))
                headers.append((b"cache-control", b"private, no-cache"))
                message = {**message, "headers": headers}
            await send(message)

        return wrapped
