"""A story gathers every outlet's report of one event; topics tag stories."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from livenews.core.timeutil import now


class Topic(models.Model):
    KINDS = [
        ("person", "Person"),
        ("place", "Place"),
        ("organisation", "Organisation"),
        ("phrase", "Key phrase"),
    ]
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=KINDS, default="phrase")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Story(models.Model):
    STATUSES = [
        ("developing", "Developing"),
        ("steady", "Steady"),
        ("closed", "Closed"),
    ]
    headline = models.CharField(max_length=1000)
    # An editor's headline wins over the algorithm's and is never replaced by it.
    editor_headline = models.CharField(max_length=1000, blank=True)
    summary = models.TextField(blank=True)
    lead_image_url = models.URLField(max_length=2000, blank=True)
    first_seen_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now, db_index=True)
    article_count = models.PositiveIntegerField(default=0)
    source_count = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=12, choices=STATUSES, default="developing")
    pinned = models.BooleanField(default=False)
    # Space-separated key terms of the story's articles, for assignment.
    terms = models.TextField(blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="stories")

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name_plural = "stories"

    def __str__(self) -> str:
        return self.display_headline

    @property
    def display_headline(self) -> str:
        return self.editor_headline or self.headline

    def get_absolute_url(self) -> str:
        return reverse("web:story", args=[self.pk])
