"""Write webhook subscribers: add (with the SSRF guard), resume after a pause."""

from __future__ import annotations

import secrets
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from livenews.core.timeutil import now
from livenews.core.urlnorm import is_http_url
from livenews.events.models import Event
from livenews.events.types import EVENT_TYPES
from livenews.sources.urlcheck import is_public_address
from livenews.webhooks.models import (
    DEFAULT_EVENT_TYPES,
    Delivery,
    DispatchCursor,
    Subscriber,
)

CURSOR = "webhooks"


class WebhookError(ValueError):
    """The subscriber is refused; the message says why."""


def known_event_types() -> set[str]:
    return set(EVENT_TYPES) | set(DEFAULT_EVENT_TYPES)


def refuse_private_url(url: str) -> None:
    """Raise WebhookError when ``url``'s host resolves to a non-public address.

    Allowed anyway with LIVENEWS_ALLOW_PRIVATE_SOURCES (tests, the demo).
    """
    if settings.LIVENEWS["ALLOW_PRIVATE_SOURCES"]:
        return
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname or "", port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise WebhookError(f"cannot resolve {parts.hostname}: {exc}") from exc
    for *_, sockaddr in infos:
        if not is_public_address(str(sockaddr[0])):
            raise WebhookError(
                f"refused: {parts.hostname} resolves to the private address "
                f"{sockaddr[0]} (set LIVENEWS_ALLOW_PRIVATE_SOURCES=1 to allow it)"
            )


def ensure_cursor() -> DispatchCursor:
    """Create the dispatch cursor at the newest event: no backlog is replayed."""
    newest = Event.objects.aggregate(newest=Max("id"))["newest"] or 0
    cursor, _ = DispatchCursor.objects.get_or_create(
        name=CURSOR, defaults={"last_event_id": newest}
    )
    return cursor


def add_subscriber(
    url: str,
    event_types: list[str] | None = None,
    secret: str = "",
    name: str = "",
) -> Subscriber:
    """Subscribe ``url`` to ``event_types``; a secret is generated when none given."""
    url = url.strip()
    if not is_http_url(url):
        raise WebhookError(f"not a web address: {url!r}")
    types = sorted(set(event_types or DEFAULT_EVENT_TYPES))
    unknown = set(types) - known_event_types()
    if unknown:
        raise WebhookError(f"unknown event types: {', '.join(sorted(unknown))}")
    refuse_private_url(url)
    with transaction.atomic():
        ensure_cursor()
        return Subscriber.objects.create(
            url=url,
            event_types=types,
            secret=secret or secrets.token_urlsafe(32),
            name=name.strip()[:100],
        )


def resume_subscriber(subscriber: Subscriber) -> Subscriber:
    """Lift a pause: queued deliveries go out on the next pass."""
    moment = now()
    with transaction.atomic():
        subscriber.paused_at = None
        subscriber.pause_reason = ""
        subscriber.failing_since = None
        subscriber.save(update_fields=["paused_at", "pause_reason", "failing_since"])
        Delivery.objects.filter(subscriber=subscriber, status="pending").update(
            next_attempt_at=moment
        )
    return subscriber
