"""Write articles."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction

from livenews.articles.models import Article, ArticleRevision
from livenews.articles.normalize import NormalizedArticle, digest
from livenews.articles.sections import section_for
from livenews.core.html import html_to_text, plain_line, sanitize_html
from livenews.core.timeutil import now
from livenews.events.outbox import emit
from livenews.events.types import ArticleCorrected
from livenews.sources.models import Source


def is_known(source: Source, guid_hash: str) -> bool:
    """Return True when the source already gave us this entry."""
    return Article.objects.filter(source=source, guid_hash=guid_hash).exists()


def create_article(
    source: Source,
    item: NormalizedArticle,
    fetched_at: datetime,
    section: str | None = None,
) -> Article:
    """Store a new article (the caller holds the transaction and assigns a story).

    ``section`` defaults to the source's (see ``sections.section_for``).
    """
    article = new_article(source, item, fetched_at, section)
    article.save(force_insert=True)
    return article


def store_new_articles(
    source: Source,
    items: list[tuple[NormalizedArticle, str]],
    fetched_at: datetime,
) -> list[Article]:
    """Store the (item, section) pairs ``source`` has not given before, at once.

    One query finds the known guids, one ``bulk_create`` inserts the rest in
    one transaction, marked as awaiting their story (the caller places them
    next, see ``pipeline.place_waiting_articles``). When a concurrent writer
    (a WebSub push beside a poll) stored one of them first, the batch is
    retried item by item, each in a savepoint, keeping the others.
    """
    hashes = [item.guid_hash for item, _ in items]
    known = set(
        Article.objects.filter(source=source, guid_hash__in=hashes).values_list(
            "guid_hash", flat=True
        )
    )
    fresh: dict[str, Article] = {}
    for item, section in items:
        if item.guid_hash not in known and item.guid_hash not in fresh:
            article = new_article(source, item, fetched_at, section)
            article.awaits_story = True
            fresh[item.guid_hash] = article
    if not fresh:
        return []
    try:
        with transaction.atomic():
            return Article.objects.bulk_create(list(fresh.values()))
    except IntegrityError:
        pass
    stored = []
    with transaction.atomic():
        for article in fresh.values():
            article.pk = None
            try:
                with transaction.atomic():
                    article.save(force_insert=True)
            except IntegrityError:
                continue
            stored.append(article)
    return stored


def new_article(
    source: Source,
    item: NormalizedArticle,
    fetched_at: datetime,
    section: str | None = None,
) -> Article:
    """Return the (unsaved) article for a normalized item."""
    return Article(
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
        language=item.language,
        published_at=item.published_at,
        fetched_at=fetched_at,
        content_hash=item.content_hash,
        is_sample=source.is_sample,
        section=section_for((), source.section) if section is None else section,
    )


class ArticleError(ValueError):
    """The change is refused; the message says why."""


def correct_article(
    article: Article, title: str, body_html: str, note: str, editor: str = ""
) -> Article:
    """Replace a published article's text, keeping the old version and a public note."""
    note = plain_line(note)[:1000]
    if not note:
        raise ArticleError("a correction needs a public note saying what changed")
    title = plain_line(title)[:1000]
    if not title:
        raise ArticleError("the article needs a title")
    body = sanitize_html(body_html)
    text = html_to_text(body)
    with transaction.atomic():
        ArticleRevision.objects.create(
            article=article,
            title=article.title,
            summary=article.summary,
            body_html=article.body_html,
            body_text=article.body_text,
            note=note,
            editor=editor[:150],
        )
        article.title = title
        article.body_html = body
        article.body_text = text
        article.summary = text[:1000]
        article.content_hash = digest(title + "\n" + text)
        article.updated_at = now()
        article.save()
        emit(
            ArticleCorrected(
                article_id=article.pk,
                title=article.title,
                url=article.get_absolute_url(),
                story_id=article.story_id,
                note=note,
                corrected_at=article.updated_at.isoformat(),
            )
        )
    return article
