"""Event buses: tell every web process's hub that new events are committed.

Delivery always reads the committed outbox (``Event`` rows, ordered by id), so
a bus carries only a hint, "there is something new": a lost hint costs at most
one outbox poll interval (``LIVENEWS_OUTBOX_POLL``), never an event. Hubs of
the committing process are always woken directly; ``LIVENEWS_BUS_URL`` picks
how the other processes hear of it:

``memory://``  nothing beyond this process (the default; others poll).
``db://``      the same: processes on one SQLite file find events by polling.
``postgres://user@host:port/db``  ``NOTIFY livenews_events`` after each commit;
               every hub ``LISTEN``s on its own connection.
``redis://host:port/n``  ``PUBLISH livenews:events``; every hub subscribes.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)

PG_CHANNEL = "livenews_events"
REDIS_CHANNEL = "livenews:events"
RECONNECT_DELAY = 1.0

Wake = Callable[[], None]

_listeners: list[Wake] = []
_lock = threading.Lock()


def subscribe(listener: Wake) -> None:
    """Call ``listener`` (from any thread) after each local commit that wrote events."""
    with _lock:
        _listeners.append(listener)


def unsubscribe(listener: Wake) -> None:
    """Stop calling ``listener``."""
    with _lock:
        if listener in _listeners:
            _listeners.remove(listener)


def notify_committed() -> None:
    """Wake this process's hubs and tell the other processes through the bus."""
    with _lock:
        listeners = list(_listeners)
    for listener in listeners:
        listener()
    try:
        get_bus().publish()
    except Exception:  # a lost hint only delays delivery until the next poll
        log.warning(
            "bus publish failed; hubs will find the event by polling", exc_info=True
        )


class Bus:
    """Local only: other processes find new events by polling the outbox."""

    def __init__(self, url: str) -> None:
        self.url = url

    def publish(self) -> None:
        """Announce new committed events to other processes (any thread)."""

    async def listen(self, wake: Wake) -> None:
        """Call ``wake`` whenever another process announces events; run forever."""
        await asyncio.Event().wait()


class PostgresBus(Bus):
    """``NOTIFY`` after commit; each hub ``LISTEN``s on a connection of its own."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self._publisher: Any = None
        self._publisher_lock = threading.Lock()

    def publish(self) -> None:
        # Our own connection to the bus URL: NOTIFY reaches only listeners of
        # the same database, which need not be the one Django writes to.
        import psycopg

        with self._publisher_lock:
            if self._publisher is None or self._publisher.closed:
                self._publisher = psycopg.connect(self.url, autocommit=True)
            try:
                self._publisher.execute(f"NOTIFY {PG_CHANNEL}")
            except psycopg.OperationalError:
                self._publisher = psycopg.connect(self.url, autocommit=True)
                self._publisher.execute(f"NOTIFY {PG_CHANNEL}")

    async def listen(self, wake: Wake) -> None:
        import psycopg

        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self.url, autocommit=True
                ) as conn:
                    await conn.execute(f"LISTEN {PG_CHANNEL}")
                    wake()  # anything committed while we were not listening
                    async for _ in conn.notifies():
                        wake()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("postgres bus listener lost; reconnecting", exc_info=True)
                await asyncio.sleep(RECONNECT_DELAY)


class RedisBus(Bus):
    """``PUBLISH`` after commit; each hub subscribes to the channel."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        import redis

        self._client = redis.Redis.from_url(url, socket_timeout=2)

    def publish(self) -> None:
        self._client.publish(REDIS_CHANNEL, b"1")

    async def listen(self, wake: Wake) -> None:
        import redis.asyncio as aioredis

        while True:
            try:
                client = aioredis.Redis.from_url(self.url)
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(REDIS_CHANNEL)
                    wake()
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            wake()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("redis bus listener lost; reconnecting", exc_info=True)
                await asyncio.sleep(RECONNECT_DELAY)


BUSES: dict[str, type[Bus]] = {
    "memory": Bus,
    "db": Bus,
    "postgres": PostgresBus,
    "postgresql": PostgresBus,
    "redis": RedisBus,
}


def check_bus_url(url: str) -> str:
    """Return the scheme of ``url`` or raise ValueError saying what is accepted."""
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in BUSES:
        raise ValueError(
            f"LIVENEWS_BUS_URL={url!r} is not supported: use memory://, db://, "
            "postgres://user@host:port/db or redis://host:port/n"
        )
    return scheme


@lru_cache(maxsize=4)
def bus_for(url: str) -> Bus:
    """Return the (shared) bus for ``url``."""
    return BUSES[check_bus_url(url)](url)


def get_bus() -> Bus:
    """Return the bus named by ``LIVENEWS_BUS_URL``."""
    from django.conf import settings

    return bus_for(str(settings.LIVENEWS["BUS_URL"]))
