"""Place articles into stories and publish what changed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count

from livenews.articles.models import Article
from livenews.core.timeutil import now
from livenews.events.outbox import emit
from livenews.events.types import ArticleAdded, StoryCreated, StoryUpdated
from livenews.stories import clustering
from livenews.stories.models import Story

STORY_WINDOW = timedelta(hours=48)


def _candidates() -> list[clustering.StoryCandidate]:
    recent = Story.objects.filter(
        updated_at__gte=now() - STORY_WINDOW, status__in=["developing", "steady"]
    ).values_list("id", "terms")
    return [
        clustering.StoryCandidate(pk, frozenset(terms.split())) for pk, terms in recent
    ]


def place_article(article: Article) -> Story:
    """Put a new article into its story (new or existing) and emit the events.

    Call inside the transaction that created the article, so the article, its
    story and the outbox events commit together.
    """
    terms = clustering.key_terms(article.title, article.summary[:300])
    story_id = clustering.choose_story(terms, _candidates())
    created = story_id is None
    if story_id is None:
        story = Story.objects.create(
            headline=article.title,
            summary=article.summary[:500],
            lead_image_url=article.lead_image_url,
            first_seen_at=article.published_at,
            terms=" ".join(sorted(terms)),
        )
    else:
        story = Story.objects.select_for_update().get(id=story_id)
        story.terms = " ".join(
            sorted(clustering.merge_terms(frozenset(story.terms.split()), terms))
        )
        if not story.lead_image_url:
            story.lead_image_url = article.lead_image_url
    article.story = story
    article.save(update_fields=["story"])
    counts = Article.objects.filter(story=story).aggregate(
        articles=Count("id"), sources=Count("source", distinct=True)
    )
    story.article_count = counts["articles"]
    story.source_count = counts["sources"]
    story.updated_at = now()
    story.save()
    _emit_story(story, created)
    emit(
        ArticleAdded(
            article_id=article.pk,
            title=article.title,
            url=article.get_absolute_url(),
            source_name=article.source.name or article.source.url,
            story_id=story.pk,
            published_at=article.published_at.isoformat(),
        )
    )
    return story


def _emit_story(story: Story, created: bool) -> None:
    fields: dict[str, Any] = {
        "story_id": story.pk,
        "headline": story.display_headline,
        "url": story.get_absolute_url(),
        "article_count": story.article_count,
        "source_count": story.source_count,
        "updated_at": story.updated_at.isoformat(),
    }
    emit(StoryCreated(**fields) if created else StoryUpdated(**fields))
