"""Read the outbox."""

from __future__ import annotations

from django.db.models import Max, Min

from livenews.events.models import Event


def list_events_after(last_id: int, limit: int = 500) -> list[Event]:
    """Return committed events with ``id > last_id``, oldest first."""
    return list(Event.objects.filter(id__gt=last_id).order_by("id")[:limit])


def get_latest_event_id() -> int:
    """Return the newest event id, 0 when there is none."""
    return Event.objects.aggregate(m=Max("id"))["m"] or 0


def get_oldest_event_id() -> int:
    """Return the oldest stored event id, 0 when there is none."""
    return Event.objects.aggregate(m=Min("id"))["m"] or 0
