"""Store an article through the real actions (normalize, create, place in a story)."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import transaction

from livenews.articles.actions import create_article
from livenews.articles.models import Article
from livenews.articles.normalize import normalize_entry
from livenews.sources.models import Source
from livenews.sources.parsers import ParsedEntry
from livenews.stories.actions import place_article

PUBLISHED = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
FETCHED = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def store_article(source: Source, guid: str, title: str, summary: str = "") -> Article:
    """Store one entry as the pipeline would and return the article."""
    entry = ParsedEntry(
        guid=guid,
        url=f"https://example.org/{guid}",
        title=title,
        summary_html=summary or f"<p>{title}.</p>",
        published=PUBLISHED,
    )
    with transaction.atomic():
        article = create_article(source, normalize_entry(entry, FETCHED), FETCHED)
        place_article(article)
    return article
