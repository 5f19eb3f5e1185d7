"""The newsroom's audit log: who did what, when, to which object."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from livenews.core.timeutil import now


class AuditEntry(models.Model):
    at = models.DateTimeField(default=now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=500, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action}"


class Draft(models.Model):
    """An article written in the newsroom: drafted, scheduled, then published.

    Publishing sends it through the same pipeline as ingested articles (story,
    duplicates, topics, events); ``article`` is what that stored.
    """

    STATUSES = [
        ("draft", "Draft"),
        ("scheduled", "Scheduled"),
        ("published", "Published"),
    ]
    title = models.CharField(max_length=500)
    body_source = models.TextField(help_text="Markdown.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    status = models.CharField(max_length=10, choices=STATUSES, default="draft")
    publish_at = models.DateTimeField(null=True, blank=True, db_index=True)
    article = models.OneToOneField(
        "articles.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="draft",
    )
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.title
