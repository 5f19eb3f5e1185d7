"""The transactional outbox: every change readers may see is a committed Event row."""

from __future__ import annotations

from django.db import models

from livenews.core.timeutil import now


class Event(models.Model):
    """One committed change; ``id`` orders events and is the SSE ``id:``."""

    id = models.BigAutoField(primary_key=True)
    type = models.CharField(max_length=64)
    # Space-separated channel names ("front story:12 source:3"): who wants it.
    channels = models.CharField(max_length=1000)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.id} {self.type}"

    def channel_set(self) -> frozenset[str]:
        return frozenset(self.channels.split())
