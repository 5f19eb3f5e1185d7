"""Deliver outbox events to webhook subscribers.

Each pass does two things:

1. **Queue.** Read committed events after the cursor (``id > last``, like the
   live hub) and create one ``Delivery`` per interested subscriber. The pair
   (subscriber, event) is unique in the database, so two dispatchers racing on
   the same events queue each delivery once. A hole in the ids (a lower id not
   yet committed, PostgreSQL) holds the cursor back for
   ``LIVENEWS_OUTBOX_GAP_GRACE`` seconds, then counts as a rollback. A
   subscriber gets only events created after it was.
2. **Send.** Claim due deliveries one by one (a conditional UPDATE: only one
   dispatcher wins a row; its claim expires if it dies), POST the event, and
   log the attempt. 2xx is success. Anything else retries after
   ``RETRY_BASE * 2**(attempts-1)`` seconds, capped at ``MAX_BACKOFF``. A
   subscriber with no success for ``PAUSE_AFTER`` seconds is paused and
   flagged; its deliveries stay queued until an admin resumes it.

Delivery is at least once: a dispatcher killed between the receiver's 200 and
the database write sends that delivery again after its claim expires.
Receivers dedupe by ``X-Livenews-Delivery`` (or the event id).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import datetime, timedelta
from typing import Any

import httpx
from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import Q

from livenews.core.timeutil import now
from livenews.events import bus
from livenews.events.models import Event
from livenews.webhooks.actions import (
    CURSOR,
    WebhookError,
    ensure_cursor,
    refuse_private_url,
)
from livenews.webhooks.models import (
    Delivery,
    DeliveryAttempt,
    DispatchCursor,
    Subscriber,
)
from livenews.webhooks.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

log = logging.getLogger(__name__)

QUEUE_BATCH = 500
SEND_BATCH = 100
USER_AGENT = "livenews-webhooks/1"


def _conf(name: str) -> float:
    return float(settings.LIVENEWS[name])


def ready_events(events: list[Event], last_id: int, moment: datetime) -> list[Event]:
    """Return the leading events that follow ``last_id`` without an unexplained hole."""
    grace = timedelta(seconds=_conf("OUTBOX_GAP_GRACE"))
    expected = last_id + 1
    ready: list[Event] = []
    for event in events:
        if event.pk > expected and moment - event.created_at < grace:
            break
        ready.append(event)
        expected = event.pk + 1
    return ready


def queue_deliveries(moment: datetime) -> int:
    """Create deliveries for events after the cursor; return how many."""
    ensure_cursor()
    with transaction.atomic():
        cursor = DispatchCursor.objects.select_for_update().get(name=CURSOR)
        events = list(
            Event.objects.filter(id__gt=cursor.last_event_id).order_by("id")[
                :QUEUE_BATCH
            ]
        )
        events = ready_events(events, cursor.last_event_id, moment)
        if not events:
            return 0
        subscribers = list(Subscriber.objects.filter(active=True))
        rows = [
            Delivery(subscriber=sub, event=event, next_attempt_at=moment)
            for event in events
            for sub in subscribers
            if sub.wants(event.type) and event.created_at >= sub.created_at
        ]
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
        cursor.last_event_id = events[-1].pk
        cursor.save(update_fields=["last_event_id"])
    return len(rows)


def _due(moment: datetime) -> Q:
    return Q(
        status="pending",
        next_attempt_at__lte=moment,
        subscriber__active=True,
        subscriber__paused_at__isnull=True,
    ) & (Q(lease_until__isnull=True) | Q(lease_until__lte=moment))


def claim(delivery_id: int, moment: datetime) -> bool:
    """Take a due delivery for this dispatcher; False when another has it."""
    lease = moment + timedelta(seconds=_conf("WEBHOOK_TIMEOUT") * 3 + 30)
    claimed = Delivery.objects.filter(_due(moment), pk=delivery_id).update(
        lease_until=lease
    )
    return claimed == 1


def body_of(event: Event) -> bytes:
    """Return the JSON a receiver gets for ``event``."""
    document = {
        "id": event.pk,
        "type": event.type,
        "created_at": event.created_at.isoformat(),
        "data": event.payload,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def post(delivery: Delivery, moment: datetime) -> tuple[int | None, str]:
    """POST one delivery; return (status code or None, error text)."""
    subscriber, event = delivery.subscriber, delivery.event
    try:
        refuse_private_url(subscriber.url)
    except WebhookError as exc:
        return None, str(exc)
    body = body_of(event)
    timestamp = str(int(moment.timestamp()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Livenews-Event": event.type,
        "X-Livenews-Event-Id": str(event.pk),
        "X-Livenews-Delivery": str(delivery.pk),
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(subscriber.secret, timestamp, body),
    }
    try:
        # No redirects: a redirect could point the POST at a private address.
        answer = httpx.post(
            subscriber.url,
            content=body,
            headers=headers,
            timeout=_conf("WEBHOOK_TIMEOUT"),
            follow_redirects=False,
        )
    except (OSError, httpx.HTTPError) as exc:
        return None, f"{type(exc).__name__}: {exc}"[:2000]
    error = "" if 200 <= answer.status_code < 300 else f"HTTP {answer.status_code}"
    return answer.status_code, error


def backoff(attempts: int) -> timedelta:
    """Return the wait before retry number ``attempts`` (1 = first retry)."""
    seconds = _conf("WEBHOOK_RETRY_BASE") * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, _conf("WEBHOOK_MAX_BACKOFF")))


def _record(
    delivery: Delivery, moment: datetime, code: int | None, error: str, ms: int
) -> None:
    subscriber = delivery.subscriber
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery,
            attempted_at=moment,
            status_code=code,
            error=error,
            duration_ms=ms,
        )
        delivery.attempts += 1
        delivery.last_status_code = code
        delivery.last_error = error
        delivery.lease_until = None
        if not error:
            delivery.status = "succeeded"
            delivery.delivered_at = moment
            subscriber.failing_since = None
            subscriber.last_success_at = moment
        else:
            delivery.next_attempt_at = moment + backoff(delivery.attempts)
            subscriber.failing_since = subscriber.failing_since or moment
            subscriber.last_failure_at = moment
            failing_for = (moment - subscriber.failing_since).total_seconds()
            if failing_for >= _conf("WEBHOOK_PAUSE_AFTER"):
                subscriber.paused_at = moment
                subscriber.pause_reason = (
                    f"failing since {subscriber.failing_since.isoformat()}; "
                    f"last error: {error}"
                )[:2000]
                log.warning(
                    "webhook subscriber paused",
                    extra={"subscriber": subscriber.pk, "url": subscriber.url},
                )
        delivery.save()
        subscriber.save(
            update_fields=[
                "failing_since",
                "last_success_at",
                "last_failure_at",
                "paused_at",
                "pause_reason",
            ]
        )


def send_due(moment: datetime) -> int:
    """Attempt every due delivery this dispatcher can claim; return attempts made."""
    ids = list(
        Delivery.objects.filter(_due(moment))
        .order_by("next_attempt_at", "event_id")
        .values_list("id", flat=True)[:SEND_BATCH]
    )
    sent = 0
    for delivery_id in ids:
        if not claim(delivery_id, moment):
            continue
        delivery = Delivery.objects.select_related("subscriber", "event").get(
            pk=delivery_id
        )
        if delivery.subscriber.paused_at is not None:  # paused earlier this pass
            Delivery.objects.filter(pk=delivery_id).update(lease_until=None)
            continue
        started = time.monotonic()
        code, error = post(delivery, moment)
        ms = int((time.monotonic() - started) * 1000)
        _record(delivery, moment, code, error, ms)
        sent += 1
    return sent


def dispatch_webhooks_once(moment: datetime | None = None) -> dict[str, int]:
    """Queue deliveries for new events, then send the due ones; return counts."""
    moment = moment or now()
    queued = queue_deliveries(moment)
    attempted = send_due(moment)
    return {"queued": queued, "attempted": attempted}


def run_webhook_dispatcher(stop_event: threading.Event) -> None:
    """Dispatch until ``stop_event`` is set: after each local commit that wrote
    events, and every ``LIVENEWS_WEBHOOK_TICK`` seconds for other processes'."""
    wake = threading.Event()
    bus.subscribe(wake.set)
    try:
        while not stop_event.is_set():
            try:
                dispatch_webhooks_once()
            except Exception:  # the loop outlives a bad pass; the next one retries
                log.exception("webhook dispatch pass failed")
            finally:
                close_old_connections()
            wake.wait(_conf("WEBHOOK_TICK"))
            wake.clear()
    finally:
        bus.unsubscribe(wake.set)
        connection.close()  # this thread's own connection


__all__: list[Any] = ["dispatch_webhooks_once", "run_webhook_dispatcher"]
