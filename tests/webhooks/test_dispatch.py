"""Webhooks to a receiver on 127.0.0.1: signed, retried with backoff, paused,
never sent twice for one event."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import IntegrityError, transaction

from livenews.core.timeutil import now
from livenews.events.outbox import emit
from livenews.events.types import AlertCreated, StoryCreated
from livenews.webhooks import actions
from livenews.webhooks.dispatcher import claim, dispatch_webhooks_once
from livenews.webhooks.models import Delivery, DeliveryAttempt
from livenews.webhooks.signing import is_valid_signature

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_gap_grace(settings):
    """Rolled-back transactions leave holes in PostgreSQL's ids; here every hole
    is one, so none holds events back (the hold has its own test below)."""
    settings.LIVENEWS = {**settings.LIVENEWS, "OUTBOX_GAP_GRACE": 0.0}


@dataclass
class Receiver:
    url: str
    statuses: list[int] = field(default_factory=list)  # answered in turn; then 200
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append((dict(self.headers.items()), body))
            status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def story_created(story_id: int = 1) -> None:
    with transaction.atomic():
        emit(
            StoryCreated(
                story_id=story_id,
                headline="Port strike",
                url=f"/story/{story_id}/",
                article_count=1,
                source_count=1,
                updated_at=now().isoformat(),
            )
        )


def alert_created() -> None:
    with transaction.atomic():
        emit(AlertCreated(alert_id=1, headline="x", url="", expires_at=""))


def test_receiver_gets_a_signed_body_for_the_types_it_wants(receiver):
    sub = actions.add_subscriber(receiver.url, ["story.created"], secret="s3cret")
    story_created(7)
    alert_created()

    dispatch_webhooks_once()

    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    assert headers["X-Livenews-Event"] == "story.created"
    assert is_valid_signature(
        "s3cret", headers["X-Livenews-Timestamp"], body, headers["X-Livenews-Signature"]
    )
    assert not is_valid_signature(
        "other", headers["X-Livenews-Timestamp"], body, headers["X-Livenews-Signature"]
    )
    assert not is_valid_signature("s3cret", "1", body, headers["X-Livenews-Signature"])
    document = json.loads(body)
    assert document["type"] == "story.created"
    assert document["data"]["story_id"] == 7
    delivery = Delivery.objects.get(subscriber=sub)
    assert delivery.status == "succeeded" and delivery.attempts == 1
    assert headers["X-Livenews-Delivery"] == str(delivery.pk)


def test_events_before_the_subscriber_existed_are_not_sent(receiver):
    actions.ensure_cursor()
    story_created(1)
    dispatch_webhooks_once()
    actions.add_subscriber(receiver.url, ["story.created"])
    story_created(2)

    dispatch_webhooks_once()

    assert len(receiver.requests) == 1
    assert b'"story_id":2' in receiver.requests[0][1]


def test_failing_receiver_is_retried_with_backoff_then_paused(receiver, settings):
    settings.LIVENEWS = {
        **settings.LIVENEWS,
        "WEBHOOK_RETRY_BASE": 60,
        "WEBHOOK_MAX_BACKOFF": 3600,
        "WEBHOOK_PAUSE_AFTER": 86400,
    }
    receiver.statuses = [500] * 10
    sub = actions.add_subscriber(receiver.url, ["story.created"])
    story_created()
    t0 = now()

    dispatch_webhooks_once(t0)  # attempt 1 fails: next in 60 s
    dispatch_webhooks_once(t0 + timedelta(seconds=59))  # not due yet
    dispatch_webhooks_once(t0 + timedelta(seconds=60))  # attempt 2: next in 120 s
    dispatch_webhooks_once(t0 + timedelta(seconds=179))  # not due yet
    assert len(receiver.requests) == 2
    delivery = Delivery.objects.get()
    assert delivery.next_attempt_at == t0 + timedelta(seconds=180)

    dispatch_webhooks_once(t0 + timedelta(days=1))  # attempt 3, a day of failure
    sub.refresh_from_db()
    assert sub.paused_at == t0 + timedelta(days=1)
    assert "HTTP 500" in sub.pause_reason

    story_created(2)
    dispatch_webhooks_once(t0 + timedelta(days=3))  # paused: nothing goes out
    assert len(receiver.requests) == 3
    codes = list(DeliveryAttempt.objects.values_list("status_code", flat=True))
    assert codes == [500, 500, 500]
    assert Delivery.objects.filter(status="pending").count() == 2  # kept, not lost

    actions.resume_subscriber(sub)
    receiver.statuses = []
    dispatch_webhooks_once(t0 + timedelta(days=3, seconds=1))
    assert len(receiver.requests) == 5
    assert set(Delivery.objects.values_list("status", flat=True)) == {"succeeded"}


def test_nothing_is_sent_twice_for_one_event(receiver):
    sub = actions.add_subscriber(receiver.url, ["story.created"])
    story_created()
    for _ in range(3):
        dispatch_webhooks_once()
    assert len(receiver.requests) == 1

    delivery = Delivery.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(subscriber=sub, event=delivery.event)


def test_a_due_delivery_is_claimed_by_one_dispatcher_only(receiver):
    actions.add_subscriber(receiver.url, ["story.created"])
    story_created()
    moment = now()
    from livenews.webhooks.dispatcher import queue_deliveries

    queue_deliveries(moment)
    delivery = Delivery.objects.get()
    assert claim(delivery.pk, moment) is True
    assert claim(delivery.pk, moment) is False
    assert claim(delivery.pk, moment + timedelta(hours=1)) is True  # claim expired


def test_private_addresses_are_refused_unless_allowed(settings):
    settings.LIVENEWS = {**settings.LIVENEWS, "ALLOW_PRIVATE_SOURCES": False}
    for url in ("http://127.0.0.1:9/hook", "http://10.1.2.3/hook", "http://[::1]/"):
        with pytest.raises(actions.WebhookError, match="private address"):
            actions.add_subscriber(url, ["story.created"])
    with pytest.raises(actions.WebhookError, match="unknown event types"):
        actions.add_subscriber("https://93.184.215.14/", ["story.exploded"])


def test_delivery_to_an_address_that_turned_private_is_refused(receiver, settings):
    sub = actions.add_subscriber(receiver.url, ["story.created"])
    settings.LIVENEWS = {**settings.LIVENEWS, "ALLOW_PRIVATE_SOURCES": False}
    story_created()

    dispatch_webhooks_once()

    assert receiver.requests == []
    attempt = DeliveryAttempt.objects.get(delivery__subscriber=sub)
    assert attempt.status_code is None and "private address" in attempt.error


def test_a_hole_in_the_ids_holds_later_events_back_for_the_grace_period(settings):
    from livenews.events.models import Event
    from livenews.webhooks.dispatcher import ready_events

    settings.LIVENEWS = {**settings.LIVENEWS, "OUTBOX_GAP_GRACE": 1.0}
    moment = now()
    events = [Event(id=n, type="x", created_at=moment) for n in (11, 12, 14, 15)]

    assert [e.id for e in ready_events(events, 10, moment)] == [11, 12]
    later = moment + timedelta(seconds=1)
    assert [e.id for e in ready_events(events, 10, later)] == [11, 12, 14, 15]
    assert ready_events(events[2:], 12, moment) == []
