"""Write events into the outbox inside the caller's transaction."""

from __future__ import annotations

from django.db import transaction

from livenews.events import bus
from livenews.events.models import Event
from livenews.events.types import DomainEvent


def emit(event: DomainEvent) -> Event:
    """Store ``event`` in the current transaction; wake the hubs once it commits."""
    row = Event.objects.create(
        type=event.type,
        channels=" ".join(event.channels()),
        payload=event.payload(),
    )
    transaction.on_commit(bus.notify_committed)
    return row
