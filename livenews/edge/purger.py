"""Purge nginx's proxy_cache of exactly the pages an event changes.

nginx (with ngx_cache_purge, ``libnginx-mod-http-cache-purge``) caches pages by
URL and Accept-Encoding and purges one cache key per ``PURGE`` request; the
configuration is docs/nginx-purge.conf, explained in docs/deploy.md. Each web
process purges what it served itself:

* ``PurgingEdge`` wraps the edge app. Every response carrying a
  ``Surrogate-Key`` is recorded in a ``PurgeIndex`` (URL -> keys, bounded LRU);
  a response whose keys were hit by an event after its request arrived gets
  ``X-Accel-Expires: 0`` so nginx does not store what is already outdated.
* ``on_event`` (a hub observer) looks up the event's channels in the index and
  queues those URLs; they are purged at once and once more ``repeat_after``
  seconds later, for a response nginx was still storing when the first purge
  arrived.
* ``PurgeSender`` sends the purges from a task: one ``PURGE`` per URL and
  encoding, 2 s timeouts, each retried with backoff (at most 5 s apart) until
  nginx answers, so an nginx outage loses no purge. The queue is a set of URLs
  (an URL waits once however many events name it), bounded by ``max_pending``.

* On shutdown, once the server takes no more requests, every URL in the index
  is purged (for up to ``shutdown_seconds``): a restarted process starts with an
  empty index, and nginx holds nothing from before that it would not know.

What this cannot purge: the copies nginx fetched from a process that died
without shutting down (killed, out of memory), because ngx_cache_purge 2.3
(Debian's) purges exact keys only, with no wildcard to purge everything. Those
copies live until their ``s-maxage`` (``LIVENEWS_CDN_MAX_AGE``) runs out.

nginx asks the edge over HTTP/1.0 (its default), so its requests never take the
below-ASGI hit path (livenews/edge/fasthits.py) and are always recorded here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.core.exceptions import ImproperlyConfigured
from starlette.types import Message, Receive, Scope, Send

from livenews.edge.purgeindex import PurgeIndex
from livenews.live.hub import WireEvent

log = logging.getLogger(__name__)

# The edge answers ``br``, ``gzip`` or identity; nginx keys its copies by the
# same three (docs/nginx-purge.conf normalises Accept-Encoding to one of them).
ENCODINGS = ("br", "gzip", "")


def is_refused(status: int) -> bool:
    """Whether a PURGE answer is final and a failure (asking again changes nothing).

    200 is a purge, 404 a copy nginx did not hold (both done); other 4xx mean a
    bad URL or a purge location refusing us; 5xx may pass (nginx restarting).
    """
    return 400 <= status < 500 and status != 404


class PurgeSender:
    def __init__(
        self,
        base_url: str,
        *,
        max_pending: int = 100_000,
        timeout: float = 2.0,
        concurrency: int = 2,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.max_pending = max_pending
        self.timeout = timeout
        self.concurrency = concurrency
        self.pending: dict[str, None] = {}  # ordered set of URLs
        self.purged = 0
        self.failures = 0
        self.dropped = 0
        self._wake = asyncio.Event()
        self._busy = False
        self._task: asyncio.Task[None] | None = None

    def purge(self, urls: Iterable[str]) -> None:
        """Queue ``urls`` for purging (never blocks; bounded, the oldest dropped)."""
        for url in urls:
            self.pending[url] = None
        while len(self.pending) > self.max_pending:
            oldest = next(iter(self.pending))
            del self.pending[oldest]
            self.dropped += 1
            log.error(
                "purge queue full: %s dropped (nginx keeps it to s-maxage)", oldest
            )
        self._wake.set()

    def is_idle(self) -> bool:
        return not (self.pending or self._busy or self._wake.is_set())

    async def drain(self, seconds: float) -> bool:
        """Wait until every queued purge went out (True) or ``seconds`` passed."""
        deadline = asyncio.get_running_loop().time() + seconds
        while not self.is_idle():
            if asyncio.get_running_loop().time() > deadline:
                return False
            await asyncio.sleep(0.01)
        return True

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        timeout = httpx.Timeout(self.timeout)
        async with httpx.AsyncClient(timeout=timeout, trust_env=False) as client:
            while True:
                await self._wake.wait()
                self._busy = True
                self._wake.clear()
                try:
                    await self._send_pending(client)
                finally:
                    self._busy = False

    async def _send_pending(self, client: httpx.AsyncClient) -> None:
        batch, self.pending = list(self.pending), {}
        limit = asyncio.Semaphore(self.concurrency)

        async def one(url: str) -> None:
            async with limit:
                await self._send(client, url)

        await asyncio.gather(*(one(url) for url in batch))

    async def _send(self, client: httpx.AsyncClient, url: str) -> None:
        """PURGE ``url`` in each encoding, retrying with backoff until nginx answers.

        Transport errors and 5xx answers are retried (nginx restarting, down);
        a 4xx other than 404 is permanent and logged.
        """
        delay = 0.1
        attempt = 0
        while True:
            attempt += 1
            try:
                for encoding in ENCODINGS:
                    response = await client.request(
                        "PURGE",
                        self.base_url + url,
                        headers={"Accept-Encoding": encoding},
                    )
                    if is_refused(response.status_code):
                        self.failures += 1
                        log.error("PURGE %s refused: %d", url, response.status_code)
                        return
                    if response.status_code not in (200, 404):
                        raise httpx.HTTPStatusError(
                            f"PURGE {url}: {response.status_code}",
                            request=response.request,
                            response=response,
                        )
                self.purged += 1
                return
            except httpx.HTTPError as exc:
                self.failures += 1
                if attempt == 1 or attempt % 10 == 0:
                    log.warning("purge of %s failed (try %d): %s", url, attempt, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)


class PurgingEdge:
    """ASGI wrapper recording what it serves and purging it on events."""

    def __init__(
        self,
        app: Any,
        sender: PurgeSender,
        index: PurgeIndex,
        repeat_after: float = 1.0,
        shutdown_seconds: float = 10.0,
    ) -> None:
        self.app = app
        self.sender = sender
        self.index = index
        self.repeat_after = repeat_after
        self.shutdown_seconds = shutdown_seconds
        self.repeats = 0  # repeated purges still to come

    @property
    def state(self) -> Any:
        return self.app.state

    def on_event(self, event: WireEvent) -> None:
        """Hub observer: purge the URLs carrying the event's channels, now and again."""
        urls = self.index.note_event(event.channels)
        if urls:
            self.sender.purge(urls)
            self.repeats += 1
            loop = asyncio.get_running_loop()
            loop.call_later(self.repeat_after, self._repeat, urls)

    def _repeat(self, urls: list[str]) -> None:
        self.repeats -= 1
        self.sender.purge(urls)

    def is_idle(self) -> bool:
        """Whether every purge, repeats included, has gone out."""
        return not self.repeats and self.sender.is_idle()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, self._lifespan(send))
            return
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        begun = self.index.begin()
        raw = scope.get("raw_path") or scope["path"].encode("latin-1")
        query = scope.get("query_string", b"")
        url = (raw + (b"?" + query if query else b"")).decode("latin-1")

        async def recording(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = self._record(url, begun, message)
            await send(message)

        await self.app(scope, receive, recording)

    def _record(self, url: str, begun: int, message: Message) -> Message:
        keys: list[str] = []
        for name, value in message.get("headers", ()):
            if name.lower() == b"surrogate-key":
                keys = value.decode("latin-1").split()
        if not keys:
            return message
        if self.index.is_outdated(begun, keys):
            headers = [*message["headers"], (b"x-accel-expires", b"0")]
            message = {**message, "headers": headers}
        evicted = self.index.record(url, keys)
        if evicted:
            self.sender.purge(evicted)
        return message

    async def _forget_all(self) -> None:
        """Purge every URL this process served before it forgets them (shutdown).

        The server has stopped taking requests by now, so nginx fetches
        anything purged here from another process, which records it.
        """
        urls = self.index.urls()
        self.sender.purge(urls)
        if not await self.sender.drain(self.shutdown_seconds):
            log.error("%d purges still queued at shutdown", len(self.sender.pending))
        await self.sender.stop()

    def _lifespan(self, send: Send) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete":
                self.sender.start()
            elif message["type"] == "lifespan.shutdown.complete":
                await self._forget_all()
            await send(message)

        return wrapped


def install(app: Any, hub: Any, purge_url: str) -> Any:
    """Return ``app`` wrapped to purge nginx at ``purge_url`` on ``hub``'s events."""
    if not purge_url:
        return app
    parts = urlsplit(purge_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured(
            f"LIVENEWS_PURGE_URL is not an http URL: {purge_url}"
        )
    edge = PurgingEdge(app, PurgeSender(purge_url), PurgeIndex())
    hub.observers.append(edge.on_event)
    return edge
