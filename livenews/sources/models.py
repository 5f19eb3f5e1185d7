"""A source is one feed the portal polls, with its health."""

from __future__ import annotations

from django.db import models

from livenews.core.timeutil import now


class Source(models.Model):
    url = models.URLField(max_length=2000, unique=True)
    name = models.CharField(max_length=200, blank=True)
    site_url = models.URLField(max_length=2000, blank=True)
    section = models.CharField(max_length=40, blank=True)
    is_sample = models.BooleanField(
        default=False, help_text="Publishes sample articles written for the demo."
    )
    paused = models.BooleanField(default=False)
    fetch_full_text = models.BooleanField(
        default=False,
        help_text="Fetch the article page when an entry carries only a summary.",
    )
    created_at = models.DateTimeField(default=now)

    # Conditional GET validators from the last 200 answer.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)

    # Scheduling: seconds between polls (null: the default), and the next poll.
    poll_interval = models.PositiveIntegerField(null=True, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)

    # Health.
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_new_item_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    stalled = models.BooleanField(
        default=False,
        help_text="Answers, but published nothing for far longer than usual.",
    )
    items_per_day = models.FloatField(null=True, blank=True)
    newest_item_at = models.DateTimeField(
        null=True, blank=True, help_text="Newest publication time seen in the feed."
    )
    median_fetch_ms = models.PositiveIntegerField(null=True, blank=True)
    recent_fetch_ms = models.JSONField(default=list, blank=True)
    # Seconds between polls learned from the publishing rhythm (poll_interval,
    # when set by an editor, wins).
    learned_interval = models.PositiveIntegerField(null=True, blank=True)

    # WebSub push: the hub the feed announces, and our subscription there.
    websub_hub = models.URLField(max_length=2000, blank=True)
    websub_topic = models.URLField(max_length=2000, blank=True)
    websub_secret = models.CharField(max_length=64, blank=True)
    websub_state = models.CharField(
        max_length=16,
        blank=True,
        choices=[("pending", "pending"), ("active", "active"), ("denied", "denied")],
    )
    websub_lease_until = models.DateTimeField(null=True, blank=True)

    # Leasing: a worker owns a due source until lease_until; a dead worker's
    # lease simply expires and another worker takes the source.
    lease_owner = models.CharField(max_length=100, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name or self.url

    @property
    def health(self) -> str:
        """One word for people: ok, failing, stalled, paused or waiting."""
        if self.paused:
            return "paused"
        if self.consecutive_failures:
            return "failing"
        if self.last_success_at is None:
            return "waiting"
        if self.stalled:
            return "stalled"
        return "ok"
