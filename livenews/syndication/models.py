"""The WebSub publisher's place in the outbox."""

from __future__ import annotations

from django.db import models


class WebSubCursor(models.Model):
    """The last outbox id whose feeds were announced to the hub."""

    name = models.CharField(max_length=40, primary_key=True)
    last_event_id = models.BigIntegerField(default=0)
