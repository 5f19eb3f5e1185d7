"""Turn models into the API's plain dicts (public fields only)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from livenews.articles.models import Article
from livenews.core.timeutil import now
from livenews.events.models import Event
from livenews.live.models import Alert, LiveBlog, LiveEntry
from livenews.sources.models import Source
from livenews.stories.models import Story, Topic


def topic_out(topic: Topic) -> dict[str, Any]:
    return {"id": topic.pk, "name": topic.name, "slug": topic.slug, "kind": topic.kind}


def source_out(source: Source) -> dict[str, Any]:
    return {
        "id": source.pk,
        "name": source.name,
        "site_url": source.site_url,
        "section": source.section,
        "health": source.health,
        "items_per_day": source.items_per_day,
        "last_success_at": source.last_success_at,
    }


def article_out(article: Article) -> dict[str, Any]:
    return {
        "id": article.pk,
        "title": article.title,
        "url": article.url,
        "page_url": article.get_absolute_url(),
        "summary": article.summary,
        "body_html": article.body_html,
        "authors": [str(a) for a in article.authors or []],
        "language": article.language,
        "lead_image_url": article.lead_image_url,
        "published_at": article.published_at,
        "updated_at": article.updated_at,
        "source_id": article.source_id,
        "source_name": article.source.name,
        "story_id": article.story_id,
    }


def story_out(story: Story) -> dict[str, Any]:
    return {
        "id": story.pk,
        "headline": story.display_headline,
        "summary": story.summary,
        "page_url": story.get_absolute_url(),
        "lead_image_url": story.lead_image_url,
        "status": story.status,
        "first_seen_at": story.first_seen_at,
        "updated_at": story.updated_at,
        "article_count": story.article_count,
        "source_count": story.source_count,
        "topics": [topic_out(t) for t in story.topics.all()],
    }


def entry_out(entry: LiveEntry) -> dict[str, Any]:
    author = entry.author
    return {
        "id": entry.pk,
        "liveblog_id": entry.liveblog_id,
        "body_html": entry.body_html,
        "is_key_event": entry.is_key_event,
        "is_pinned": entry.is_pinned,
        "author": (author.get_full_name() or author.username) if author else "",
        "created_at": entry.created_at,
        "edited_at": entry.edited_at,
    }


def liveblog_out(liveblog: LiveBlog) -> dict[str, Any]:
    return {
        "id": liveblog.pk,
        "title": liveblog.title,
        "status": liveblog.status,
        "page_url": reverse("web:liveblog", args=[liveblog.pk]),
        "story_id": liveblog.story_id,
        "created_at": liveblog.created_at,
        "ended_at": liveblog.ended_at,
    }


def alert_out(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.pk,
        "headline": alert.headline,
        "url": alert.url,
        "created_at": alert.created_at,
        "expires_at": alert.expires_at,
        "retracted_at": alert.retracted_at,
        "active": alert.retracted_at is None and alert.expires_at > now(),
    }


def event_out(event: Event) -> dict[str, Any]:
    return {
        "id": event.pk,
        "type": event.type,
        "channels": sorted(event.channel_set()),
        "data": event.payload,
        "created_at": event.created_at,
    }
