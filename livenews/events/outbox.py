"""Write events into the outbox inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable

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


def emit_many(events: Iterable[DomainEvent]) -> list[Event]:
    """Store ``events`` in order with one insert; wake the hubs once it commits.

    The same rows as ``emit`` called for each, for callers announcing a batch.
    """
    rows = Event.objects.bulk_create(
        Event(type=e.type, channels=" ".join(e.channels()), payload=e.payload())
        for e in events
    )
    if rows:
        transaction.on_commit(bus.notify_committed)
    return rows
