"""The dispatcher loop in its own thread, as `livenews serve`/`worker` run it."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import transaction

from livenews.core.timeutil import now
from livenews.events.outbox import emit
from livenews.events.types import StoryUpdated
from livenews.webhooks import actions
from livenews.webhooks.dispatcher import run_webhook_dispatcher
from livenews.webhooks.models import Delivery
from tests.webhooks.test_dispatch import Receiver, no_gap_grace, receiver  # noqa: F401


@pytest.mark.django_db(transaction=True)
def test_the_loop_delivers_a_committed_event_and_stops_when_asked(receiver):  # noqa: F811
    actions.add_subscriber(receiver.url, ["story.updated"])
    stop = threading.Event()
    thread = threading.Thread(target=run_webhook_dispatcher, args=(stop,))
    thread.start()
    try:
        with transaction.atomic():
            emit(
                StoryUpdated(
                    story_id=3,
                    headline="h",
                    url="/story/3/",
                    article_count=2,
                    source_count=2,
                    updated_at=now().isoformat(),
                )
            )
        deadline = time.monotonic() + 20  # a bound on waiting, not a timing check
        while not receiver.requests and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        stop.set()
        thread.join(20)
    assert not thread.is_alive()
    assert len(receiver.requests) == 1
    assert Delivery.objects.get().status == "succeeded"
