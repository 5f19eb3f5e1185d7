"""Publish the newsroom's own articles through the ingest pipeline.

A newsroom article is an entry of the newsroom's own source (paused, so it is
never fetched), stored by ``pipeline.store_entry`` like any feed item: it gets
its story, duplicates check, topics and ``article.added`` event the same way.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.db import transaction

from livenews import pipeline
from livenews.articles.models import Article
from livenews.articles.normalize import digest
from livenews.core.timeutil import now
from livenews.newsroom.markdown import render_markdown
from livenews.newsroom.models import Draft
from livenews.sources.models import Source
from livenews.sources.parsers import ParsedEntry

log = logging.getLogger(__name__)

NEWSROOM_SOURCE_URL = "http://newsroom.invalid/"  # .invalid: never resolvable


class PublishError(ValueError):
    """The draft cannot be published; the message says why."""


def newsroom_source() -> Source:
    """Return the newsroom's own source, created on first use."""
    source, _ = Source.objects.get_or_create(
        url=NEWSROOM_SOURCE_URL,
        defaults={"name": f"{settings.LIVENEWS['SITE_NAME']} newsroom", "paused": True},
    )
    return source


def byline(user: Any) -> tuple[str, ...]:
    if user is None:
        return ()
    return (user.get_full_name() or user.username,)


def publish_draft(draft: Draft) -> Article:
    """Publish ``draft`` now and return the stored article."""
    if draft.status == "published" and draft.article_id:
        raise PublishError("this article is already published")
    html = render_markdown(draft.body_source)
    first_paragraph = html.split("</p>", 1)[0] + "</p>" if "</p>" in html else html
    moment = now()
    entry = ParsedEntry(
        guid=f"newsroom-draft-{draft.pk}",
        url="",
        title=draft.title,
        summary_html=first_paragraph,
        content_html=html,
        authors=byline(draft.author),
        published=moment,
    )
    source = newsroom_source()
    pipeline.store_entry(source, entry, moment)
    article = Article.objects.filter(
        source=source, guid_hash=digest(entry.guid)
    ).first()
    if article is None:
        raise PublishError("the article could not be stored (no title or text?)")
    with transaction.atomic():
        draft.article = article
        draft.status = "published"
        draft.publish_at = moment
        draft.updated_at = moment
        draft.save()
    return article


def publish_due_drafts() -> int:
    """Publish every scheduled draft whose time has come; return how many."""
    published = 0
    for draft in Draft.objects.filter(status="scheduled", publish_at__lte=now()):
        try:
            publish_draft(draft)
            published += 1
        except PublishError as exc:
            log.warning(
                "scheduled draft not published",
                extra={"draft": draft.pk, "reason": str(exc)},
            )
    return published


def run_scheduler(stop: threading.Event, every: float = 15.0) -> None:
    """Publish scheduled drafts until ``stop`` is set."""
    while not stop.is_set():
        try:
            publish_due_drafts()
        except Exception:
            log.exception("publishing scheduled drafts failed; retrying")
        stop.wait(every)
