"""Read outbox events as wire-ready SSE messages (runs in a worker thread)."""

from __future__ import annotations

from typing import Any

from django.db import close_old_connections

from livenews.events.queries import get_latest_event_id, list_events_after
from livenews.live.hub import WireEvent, encode_event


def read_wire_events_after(last_id: int, limit: int = 500) -> list[WireEvent]:
    """Return committed events after ``last_id``, encoded once each."""
    close_old_connections()
    return [
        WireEvent(
            id=event.id,
            channels=event.channel_set(),
            data=encode_event(event.id, event.type, event.payload),
        )
        for event in list_events_after(last_id, limit)
    ]


def read_latest_event_id() -> int:
    """Return the newest committed event id."""
    close_old_connections()
    return get_latest_event_id()


def read_event_dicts_after(last_id: int, limit: int = 500) -> list[dict[str, Any]]:
    """Return committed events after ``last_id`` as plain dicts (id, event, data)."""
    close_old_connections()
    return [
        {
            "id": event.id,
            "event": event.type,
            "channels": sorted(event.channel_set()),
            "data": event.payload,
        }
        for event in list_events_after(last_id, limit)
    ]
