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
  encoding, short timeouts, retried with backoff. When it cannot keep up (more
  than ``max_pending`` URLs), gives up on a URL, or starts (this process's
  earlier index is gone), it purges the whole cache instead (partial key ``*``):
  nginx then holds no page this process no longer knows about.

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
EVERYTHING = "/*"


class PurgeSender:
    def __init__(
        self,
        base_url: str,
        *,
        max_pending: int = 10_000,
        timeout: float = 2.0,
        attempts: int = 5,
        concurrency: int = 8,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.max_pending = max_pending
        self.timeout = timeout
        self.attempts = attempts
        self.concurrency = concurrency
        self.pending: dict[str, None] = {}  # ordered set of URLs
        self.purge_everything = False
        self.purged = 0
        self.failures = 0
        self._wake = asyncio.Event()
        self._busy = False
        self._task: asyncio.Task[None] | None = None

    def purge(self, urls: Iterable[str]) -> None:
        """Queue ``urls`` for purging (never blocks; overflow purges everything)."""
        for url in urls:
            self.pending[url] = None
        if len(self.pending) > self.max_pending:
            log.warning("purge queue full: purging the whole nginx cache instead")
            self.purge_all()
        self._wake.set()

    def purge_all(self) -> None:
        self.pending.clear()
        self.purge_everything = True
        self._wake.set()

    def is_idle(self) -> bool:
        return not (
            self.pending or self.purge_everything or self._busy or self._wake.is_set()
        )

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
        if self.purge_everything:
            self.purge_everything = False
            if not await self._send(client, EVERYTHING, forever=True):
                return
        batch, self.pending = list(self.pending), {}
        limit = asyncio.Semaphore(self.concurrency)

        async def one(url: str) -> None:
            async with limit:
                if not await self._send(client, url):
                    log.error("purge of %s failed; purging everything", url)
                    self.purge_all()

        await asyncio.gather(*(one(url) for url in batch))

    async def _send(
        self, client: httpx.AsyncClient, url: str, forever: bool = False
    ) -> bool:
        """PURGE ``url`` in each encoding, retrying with backoff; False if it failed."""
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
                    # 200: purged; 404: nginx did not hold it. Both are done.
                    if response.status_code not in (200, 404):
                        raise httpx.HTTPStatusError(
                            f"PURGE {url}: {response.status_code}",
                            request=response.request,
                            response=response,
                        )
                self.purged += 1
                return True
            except httpx.HTTPError as exc:
                self.failures += 1
                log.warning("purge of %s failed (attempt %d): %s", url, attempt, exc)
                if attempt >= self.attempts and not forever:
                    return False
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
    ) -> None:
        self.app = app
        self.sender = sender
        self.index = index
        self.repeat_after = repeat_after

    @property
    def state(self) -> Any:
        return self.app.state

    def on_event(self, event: WireEvent) -> None:
        """Hub observer: purge the URLs carrying the event's channels, now and again."""
        urls = self.index.note_event(event.channels)
        if urls:
            self.sender.purge(urls)
            loop = asyncio.get_running_loop()
            loop.call_later(self.repeat_after, self.sender.purge, urls)

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

    def _lifespan(self, send: Send) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete":
                # This process's earlier index is gone: nginx may hold pages it
                # no longer knows about.
                self.sender.purge_all()
                self.sender.start()
            elif message["type"] == "lifespan.shutdown.complete":
                await self.sender.stop()
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
