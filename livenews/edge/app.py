"""The edge: a Starlette ASGI app in front of Django.

``/live/…`` is served by the hub here and never enters Django; static files
are served directly; every other request goes to Django's WSGI handler through
a thread pool (a2wsgi), which measured several times faster than Django's own
ASGI handler (docs/design-notes.md). The page cache joins here in the edge issue.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from a2wsgi import WSGIMiddleware
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application
from django.db import connections
from starlette.applications import Starlette
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from livenews import pipeline
from livenews.edge import purger
from livenews.edge.cachedpages import CachingEdge
from livenews.edge.pagecache import PageCache
from livenews.edge.sharedcache import SharedPageCache, check_page_cache_url, prefix_for
from livenews.events.bus import check_bus_url, get_bus
from livenews.live.hub import Hub, WireEvent
from livenews.live.since import SinceEndpoint
from livenews.live.stream import StreamEndpoint
from livenews.live.wire import (
    read_event_dicts_after,
    read_latest_event_id,
    read_wire_events_after,
)

log = logging.getLogger(__name__)


def invalidate(cache: PageCache, event: WireEvent) -> None:
    """Drop the cached pages that show what ``event`` changed (its channels)."""
    cache.invalidate(event.channels)


def shared_cache(url: str, ttl: float) -> SharedPageCache | None:
    """Return the Redis page cache named by ``LIVENEWS_PAGE_CACHE_URL``, if any."""
    if not url:
        return None
    try:
        check_page_cache_url(url)
    except ValueError as exc:
        raise ImproperlyConfigured(str(exc)) from exc
    db = settings.DATABASES["default"]
    portal = f"{db.get('HOST', '')}:{db.get('PORT', '')}/{db['NAME']}"
    return SharedPageCache(url, ttl, prefix_for(portal))


def create_app(
    *,
    ingest: bool = False,
    background: Sequence[Callable[[threading.Event], None]] = (),
) -> Any:
    """Return the ASGI app (the page cache in front of the router).

    With ``ingest`` it also polls sources in a thread; each ``background`` task
    runs in a thread of its own until the app stops (it gets the stop event).
    """
    conf = settings.LIVENEWS
    try:
        check_bus_url(str(conf["BUS_URL"]))
    except ValueError as exc:
        raise ImproperlyConfigured(str(exc)) from exc
    hub = Hub(
        read_after=read_wire_events_after,
        latest_id=read_latest_event_id,
        poll_interval=float(conf["OUTBOX_POLL"]),
        queue_size=int(conf["SSE_QUEUE_SIZE"]),
        close_db=connections.close_all,
        listen=get_bus().listen,
        gap_grace=float(conf["OUTBOX_GAP_GRACE"]),
        heartbeat=float(conf["SSE_HEARTBEAT"]),
    )
    stream = StreamEndpoint(
        hub,
        retry_ms=int(conf["SSE_RETRY_MS"]),
        max_clients=int(conf["SSE_MAX_CLIENTS"]),
        replay_limit=int(conf["REPLAY_LIMIT"]),
        read_after=read_wire_events_after,
    )
    since = SinceEndpoint(
        hub,
        read_event_dicts_after,
        poll_ms=int(conf["POLL_MS"]),
        replay_limit=int(conf["REPLAY_LIMIT"]),
    )
    django_app: Any = WSGIMiddleware(get_wsgi_application(), workers=8)  # type: ignore[arg-type]
    cache = PageCache(
        max_bytes=int(conf["PAGE_CACHE_MB"]) * 1024 * 1024,
        ttl=float(conf["PAGE_CACHE_TTL"]),
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await hub.start()
        # Every page rendered from now on reflects at least the newest event.
        pages.note_event(hub.last_id)
        stop = threading.Event()
        tasks = [pipeline.run_forever, *background] if ingest else list(background)
        threads = [
            threading.Thread(
                target=task, args=(stop,), name=f"livenews-{task.__name__}", daemon=True
            )
            for task in tasks
        ]
        for thread in threads:
            thread.start()
        log.info("edge started", extra={"ingest": ingest})
        try:
            yield
        finally:
            stop.set()
            await hub.stop()
            for thread in threads:
                thread.join(timeout=5)

    app = Starlette(
        routes=[
            Route("/live/stream", stream, methods=["GET"]),
            Route("/live/since/{since}.json", since, methods=["GET"]),
            Mount(
                "/static",
                app=StaticFiles(packages=[("livenews.web", "static")]),
                name="static",
            ),
            Mount("/", app=django_app),
        ],
        lifespan=lifespan,
    )
    # The page cache sits outermost, so a hit costs no routing at all; streams
    # and static files pass straight through to the router.
    shared = shared_cache(str(conf.get("PAGE_CACHE_URL") or ""), cache.ttl)
    pages = CachingEdge(
        app,
        cache,
        session_cookie=settings.SESSION_COOKIE_NAME,
        s_maxage=int(conf["CDN_MAX_AGE"]),
        bypass_prefixes=("/live/", "/static/"),
        shared=shared,
    )
    invalidations: set[asyncio.Task[None]] = set()
    pages.state = app.state

    def on_event(event: WireEvent) -> None:
        invalidate(cache, event)
        if shared is not None and event.channels:
            keys = shared.begin_invalidation(event.channels)
            loop = asyncio.get_running_loop()
            task = loop.create_task(shared.finish_invalidation(keys, loop.time()))
            invalidations.add(task)
            task.add_done_callback(invalidations.discard)
        pages.note_event(event.id)

    hub.observers.append(on_event)
    app.state.hub = hub
    app.state.page_cache = cache
    app.state.pages = pages
    edge = pages if cache.max_bytes else app
    return purger.install(edge, hub, str(conf.get("PURGE_URL") or ""))
