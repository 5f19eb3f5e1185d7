"""A story gathers every outlet's report of one event; topics tag stories."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from livenews.articles.models import Article
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

    def get_absolute_url(self) -> str:
        return reverse("web:topic", args=[self.slug])


class Story(models.Model):
    STATUSES = [
        ("developing", "Developing"),
        ("steady", "Steady"),
        ("closed", "Closed"),
    ]
    headline = models.CharField(max_length=1000)
    # An editor's headline wins over the algorithm's and is never replaced by it.
    editor_headline = models.CharField(max_length=1000, blank=True)
    # The most representative article's lead sentences (stories.summary), or
    # the editor's words when ``summary_by_editor``: then the algorithm keeps off.
    summary = models.TextField(blank=True)
    summary_by_editor = models.BooleanField(default=False)
    lead_image_url = models.URLField(max_length=2000, blank=True)
    first_seen_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now, db_index=True)
    article_count = models.PositiveIntegerField(default=0)
    source_count = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=12, choices=STATUSES, default="developing")
    pinned = models.BooleanField(default=False)
    # An editor's boost (or demotion, below zero) added to the ranking score.
    boost = models.FloatField(default=0.0)
    # The section most of the story's visible articles belong to.
    section = models.CharField(max_length=40, blank=True, db_index=True)
    # Space-separated heaviest terms of the story's articles (for people and admin).
    terms = models.TextField(blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="stories")
    # Articles per hour over lifecycle.VELOCITY_WINDOW.
    velocity = models.FloatField(default=0.0)
    # The clusterer's state (clustering.StoryState): centroid, entities, size.
    cluster_state = models.JSONField(default=dict, blank=True)
    # The most representative article (closest to the centroid): its title is
    # ``headline`` unless an editor set one.
    headline_article = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set when an editor split this story off another: the algorithm never
    # merges the two back (stories.convergence).
    split_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set when an editor (or the algorithm) merged this story into another.
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

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


class ArticleFingerprint(models.Model):
    """An original article's MinHash signature (articles.dedupe), for copy lookups."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    signature = models.TextField()
    created_at = models.DateTimeField(default=now, db_index=True)


class FingerprintBand(models.Model):
    """One LSH band key of a fingerprint: the database is the LSH index."""

    key = models.BigIntegerField(db_index=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
