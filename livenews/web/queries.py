"""Read what the public pages show."""

from __future__ import annotations

from django.db.models import QuerySet

from livenews.articles.models import Article
from livenews.sources.models import Source
from livenews.stories.models import Story


def list_front_stories(limit: int = 30) -> list[Story]:
    """Return open stories, pinned first, then most recently updated."""
    return list(
        Story.objects.exclude(status="closed").order_by(
            "-pinned", "-updated_at", "-id"
        )[:limit]
    )


def list_latest_articles(limit: int = 30) -> list[Article]:
    """Return the newest visible articles with their sources."""
    return list(
        Article.objects.filter(hidden=False)
        .select_related("source")
        .order_by("-published_at", "-id")[:limit]
    )


def list_story_articles(story: Story) -> QuerySet[Article]:
    """Return a story's visible articles, newest first, with their sources."""
    return (
        story.articles.filter(hidden=False)
        .select_related("source")
        .order_by("-published_at", "-id")
    )


def get_source_summary() -> dict[str, int]:
    """Count sources by health for the empty front page."""
    sources = list(
        Source.objects.only("paused", "consecutive_failures", "last_success_at")
    )
    summary = {"total": len(sources), "ok": 0, "failing": 0, "waiting": 0, "paused": 0}
    for source in sources:
        summary[source.health] += 1
    return summary
