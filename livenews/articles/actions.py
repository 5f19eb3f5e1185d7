"""Write articles."""

from __future__ import annotations

from datetime import datetime

from livenews.articles.models import Article
from livenews.articles.normalize import NormalizedArticle
from livenews.sources.models import Source


def is_known(source: Source, guid_hash: str) -> bool:
    """Return True when the source already gave us this entry."""
    return Article.objects.filter(source=source, guid_hash=guid_hash).exists()


def create_article(
    source: Source, item: NormalizedArticle, fetched_at: datetime
) -> Article:
    """Store a new article (the caller holds the transaction and assigns a story)."""
    return Article.objects.create(
        source=source,
        guid=item.guid,
        guid_hash=item.guid_hash,
        url=item.url,
        canonical_url=item.canonical_url,
        title=item.title,
        summary=item.summary,
        body_html=item.body_html,
        body_text=item.body_text,
        authors=list(item.authors),
        lead_image_url=item.lead_image_url,
        published_at=item.published_at,
        fetched_at=fetched_at,
        content_hash=item.content_hash,
        is_sample=source.is_sample,
    )
