"""WebSub publisher: feeds name the hub; changed feeds are announced to it.

With ``LIVENEWS_WEBSUB_HUB`` and ``LIVENEWS_SITE_URL`` set, every feed carries
``<link rel="hub">`` (JSON Feed: ``hubs``), and ``ping_hub_once`` reads the
outbox after its cursor, maps each event's channels to the feeds they change
(``front`` → the front-page feeds, ``story:N``, ``liveblog:N``), and POSTs one
``hub.mode=publish`` naming them all. A ping is only a hint (the hub fetches
the feed itself), so a failed one is retried on the next pass and a late
outbox id is not waited for.
"""

from __future__ import annotations

import logging
import threading

import httpx
from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import Max

from livenews.events import bus
from livenews.events.models import Event
from livenews.syndication.models import WebSubCursor

log = logging.getLogger(__name__)

CURSOR = "websub"
BATCH = 500
FORMATS = ("rss", "atom", "json")
FEED_CHANNELS = ("story", "liveblog")


def hub_url() -> str:
    return str(settings.LIVENEWS["WEBSUB_HUB"]).strip()


def site_url() -> str:
    return str(settings.LIVENEWS["SITE_URL"]).strip().rstrip("/")


def is_enabled() -> bool:
    """Pings need the hub and this site's public address (no request to ask)."""
    return bool(hub_url() and site_url())


def feed_paths(channels: set[str]) -> set[str]:
    """Return the paths of the feeds that events on ``channels`` change."""
    slugs: set[str] = set()
    for channel in channels:
        kind, _, ident = channel.partition(":")
        if channel == "front":
            slugs.add("front")
        elif kind in FEED_CHANNELS and ident.isdigit():
            slugs.add(f"{kind}/{ident}")
    return {f"/feeds/{slug}.{fmt}" for slug in slugs for fmt in FORMATS}


def _cursor() -> WebSubCursor:
    newest = Event.objects.aggregate(newest=Max("id"))["newest"] or 0
    cursor, _ = WebSubCursor.objects.get_or_create(
        name=CURSOR, defaults={"last_event_id": newest}
    )
    return cursor


def ping_hub_once() -> int:
    """Announce the feeds changed since the last pass; return how many."""
    if not is_enabled():
        return 0
    cursor = _cursor()
    events = list(
        Event.objects.filter(id__gt=cursor.last_event_id).order_by("id")[:BATCH]
    )
    if not events:
        return 0
    channels: set[str] = set()
    for event in events:
        channels |= event.channel_set()
    urls = sorted(site_url() + path for path in feed_paths(channels))
    if urls:
        data = {"hub.mode": "publish", "hub.url": urls}  # hub.url repeated
        try:
            answer = httpx.post(hub_url(), data=data, timeout=10.0)
            answer.raise_for_status()
        except httpx.HTTPError:
            log.warning("websub hub ping failed; retrying next pass", exc_info=True)
            return 0
    with transaction.atomic():
        WebSubCursor.objects.filter(name=CURSOR).update(last_event_id=events[-1].pk)
    return len(urls)


def run_websub_publisher(stop_event: threading.Event) -> None:
    """Ping the hub after local commits and every ``LIVENEWS_WEBHOOK_TICK`` s."""
    wake = threading.Event()
    bus.subscribe(wake.set)
    try:
        while not stop_event.is_set():
            try:
                ping_hub_once()
            except Exception:  # the loop outlives a bad pass
                log.exception("websub ping pass failed")
            finally:
                close_old_connections()
            wake.wait(float(settings.LIVENEWS["WEBHOOK_TICK"]))
            wake.clear()
    finally:
        bus.unsubscribe(wake.set)
        connection.close()
