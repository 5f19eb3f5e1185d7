"""An article: one outlet's report, stored once, cleaned, linked to its story."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from livenews.core.timeutil import now
from livenews.sources.models import Source


class Article(models.Model):
    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="articles"
    )
    guid = models.TextField()
    # sha256 of guid: a fixed-size key for the uniqueness constraint.
    guid_hash = models.CharField(max_length=64)
    url = models.URLField(max_length=2000, blank=True)
    canonical_url = models.URLField(max_length=2000, blank=True, db_index=True)
    title = models.CharField(max_length=1000)
    summary = models.TextField(blank=True)
    body_html = models.TextField(blank=True, help_text="Sanitized HTML.")
    body_text = models.TextField(blank=True)
    authors = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=16, blank=True)
    lead_image_url = models.URLField(max_length=2000, blank=True)
    published_at = models.DateTimeField(db_index=True)
    fetched_at = models.DateTimeField(default=now)
    stored_at = models.DateTimeField(default=now)
    content_hash = models.CharField(max_length=64, db_index=True)
    # Moved by corrections: feeds and structured data carry it as the update.
    updated_at = models.DateTimeField(null=True, blank=True)
    is_sample = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False)
    # The site section (world, politics, business…): from the entry's categories
    # where they name one, else the source's default section; blank if neither.
    section = models.CharField(max_length=40, blank=True, db_index=True)
    # Stored by a bulk ingest pass and not yet placed in a story: the pass's
    # placing step takes these in id order, each in its own transaction with
    # its story and events, and clears the flag there (see pipeline.py).
    awaits_story = models.BooleanField(default=False)
    story = models.ForeignKey(
        "stories.Story",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "guid_hash"], name="article_unique_guid_per_source"
            )
        ]
        indexes = [
            # Partial: holds only the few articles waiting for their story.
            models.Index(
                fields=["id"],
                condition=models.Q(awaits_story=True),
                name="article_awaiting_story",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("web:article", args=[self.pk])


class ArticleRevision(models.Model):
    """An earlier version of an article, kept when it was corrected."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="revisions"
    )
    title = models.CharField(max_length=1000)
    summary = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    body_text = models.TextField(blank=True)
    # When this version was replaced, why (the public correction note) and by whom.
    replaced_at = models.DateTimeField(default=now)
    note = models.CharField(max_length=1000)
    editor = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["replaced_at", "id"]

    def __str__(self) -> str:
        return f"{self.article_id} before {self.replaced_at:%Y-%m-%d %H:%M}"
