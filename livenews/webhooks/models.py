"""Webhook subscribers, one delivery per (subscriber, event), and every attempt."""

from __future__ import annotations

from django.db import models

from livenews.core.timeutil import now
from livenews.events.models import Event

DEFAULT_EVENT_TYPES = [
    "article.added",
    "article.corrected",
    "story.created",
    "story.updated",
    "liveentry.posted",
    "alert.created",
]


class Subscriber(models.Model):
    name = models.CharField(max_length=100, blank=True)
    url = models.URLField(max_length=2000)
    # The HMAC key: kept as given, since signing needs it (unlike API tokens).
    secret = models.CharField(max_length=200)
    event_types = models.JSONField(default=list)
    active = models.BooleanField(default=True, help_text="Off: nothing is queued.")
    created_at = models.DateTimeField(default=now)
    # Set when the receiver has failed for LIVENEWS_WEBHOOK_PAUSE_AFTER seconds
    # without a success: deliveries wait (still queued) until an admin resumes.
    paused_at = models.DateTimeField(null=True, blank=True)
    pause_reason = models.TextField(blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name or self.url

    def wants(self, event_type: str) -> bool:
        return event_type in (self.event_types or [])


class Delivery(models.Model):
    STATUSES = [("pending", "Pending"), ("succeeded", "Succeeded")]
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=STATUSES, default="pending")
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=now, db_index=True)
    # A dispatcher owns the delivery while it sends; a dead one's claim expires.
    lease_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "event"], name="webhook_delivery_once_per_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} ← #{self.event_id}"


class DeliveryAttempt(models.Model):
    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    attempted_at = models.DateTimeField(default=now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["attempted_at", "id"]


class DispatchCursor(models.Model):
    """The last outbox id the dispatcher has queued deliveries for."""

    name = models.CharField(max_length=40, primary_key=True)
    last_event_id = models.BigIntegerField(default=0)
