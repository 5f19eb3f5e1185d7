"""Articles written the ways the application writes them, for search tests."""

from __future__ import annotations

import hashlib
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from livenews.articles.models import Article
from livenews.sources.models import Source
from livenews.stories.models import Story

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
_serial = itertools.count()


def new_article(source: Source, title: str, body: str = "", **fields: Any) -> Article:
    """Return an unsaved article (fields default to a fresh, visible one)."""
    guid = f"g{next(_serial)}"
    values: dict[str, Any] = {
        "source": source,
        "guid": guid,
        "guid_hash": hashlib.sha256(guid.encode()).hexdigest(),
        "url": f"https://example.org/{guid}",
        "title": title,
        "summary": body[:300],
        "body_text": body,
        "body_html": f"<p>{body}</p>",
        "published_at": NOW - timedelta(hours=1),
        "content_hash": hashlib.sha256((title + body).encode()).hexdigest(),
    }
    values.update(fields)
    return Article(**values)


def add_article(source: Source, title: str, body: str = "", **fields: Any) -> Article:
    """Store an article with ``save()`` (what ``create_article`` does)."""
    article = new_article(source, title, body, **fields)
    article.save()
    return article


def add_story(*articles: Article, sources: int) -> Story:
    story = Story.objects.create(headline=articles[0].title, source_count=sources)
    for article in articles:
        article.story = story
        article.save(update_fields=["story"])
    return story
