"""Read sources."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from livenews.sources.models import Source


def list_due_sources(moment: datetime, limit: int = 1000) -> list[Source]:
    """Return unpaused sources whose next poll is due (never-polled first)."""
    due = Source.objects.filter(paused=False).filter(
        Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=moment)
    )
    return list(due.order_by("next_poll_at", "id")[:limit])


def list_sources() -> QuerySet[Source]:
    """Return every source, by name."""
    return Source.objects.order_by("name", "id")
