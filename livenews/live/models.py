"""Live blogs, their entries, and breaking alerts."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from livenews.core.html import html_to_text
from livenews.core.timeutil import now


class LiveBlog(models.Model):
    STATUSES = [("live", "Live"), ("ended", "Ended")]
    story = models.ForeignKey(
        "stories.Story",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="liveblogs",
    )
    title = models.CharField(max_length=500)
    status = models.CharField(max_length=8, choices=STATUSES, default="live")
    created_at = models.DateTimeField(default=now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class LiveEntry(models.Model):
    liveblog = models.ForeignKey(
        LiveBlog, on_delete=models.CASCADE, related_name="entries"
    )
    body_html = models.TextField(help_text="Sanitized HTML.")
    body_source = models.TextField(
        blank=True, help_text="What the author wrote (Markdown), for editing."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    is_key_event = models.BooleanField(default=False)
    is_pinned = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "live entries"

    def __str__(self) -> str:
        return f"{self.liveblog}: {self.created_at:%H:%M}"

    @property
    def key_event_title(self) -> str:
        """The first line of the entry's text, for the key events box."""
        text = html_to_text(self.body_html)
        first = text.splitlines()[0] if text else ""
        return first[:120] + ("…" if len(first) > 120 else "")


class Alert(models.Model):
    headline = models.CharField(max_length=300)
    url = models.URLField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=now)
    expires_at = models.DateTimeField()
    retracted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.headline
