"""Keep the search index in step with the articles, without ever missing one.

The source of truth for "what needs indexing" is ``PendingArticle``, filled by
database triggers on the article table (see the migrations): every insert, and
every update that changes a title, summary, body or language (the words are
stemmed in the article's language), queues the article id in
the same transaction, however it was written (``save``, ``bulk_create``,
``QuerySet.update``, another process, raw SQL). Draining the queue:

* **on save**: a ``post_save`` handler indexes the saved article at once, in
  the writer's transaction, when it is queued (one primary-key lookup
  otherwise). A failure there is logged and rolled back to a savepoint; the
  article stays queued, so indexing can never make storing an article fail.
* **``index_articles(ids)``**: for code that writes with ``bulk_create``.
* **``catch_up()``**: drains whatever is left, ``CATCH_UP_BATCH`` at a time.
  A search runs it first when the queue is not empty, so a search never
  misses a stored article; ``django-admin search_index`` runs it by hand.

Hidden articles are not removed from the index: a search joins the article
table and keeps only visible ones, so hiding (or un-hiding) takes effect on the
next search whatever wrote the flag. Deleting an article deletes its document
(the foreign key cascades; on SQLite a trigger then drops it from FTS5).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.db import DatabaseError, transaction

from livenews.articles.models import Article
from livenews.search.models import PendingArticle, SearchDocument
from livenews.search.textfold import document_text

log = logging.getLogger(__name__)

MAX_BODY_CHARS = 20_000
COPIED_FIELDS = [f for f in SearchDocument._meta.concrete_fields if not f.primary_key]
CATCH_UP_BATCH = 500


def body_of(summary: str, body_text: str) -> str:
    """Return the text indexed as the body: the summary unless the body repeats it."""
    body = body_text[:MAX_BODY_CHARS]
    if summary and not body.startswith(summary[:200]):
        body = summary + "\n" + body
    return body


FIELDS = (
    "pk",
    "title",
    "summary",
    "body_text",
    "published_at",
    "hidden",
    "duplicate_of_id",
    "source_id",
    "story_id",
    "section",
    "language",
)


def build_document(row: dict[str, Any]) -> SearchDocument:
    """Return the (unsaved) document of one article, from its ``FIELDS``."""
    language = row["language"]
    return SearchDocument(
        article_id=row["pk"],
        published_at=row["published_at"],
        hidden=row["hidden"],
        is_copy=row["duplicate_of_id"] is not None,
        source_id=row["source_id"],
        story_id=row["story_id"],
        section=row["section"],
        language=row["language"],
        title=document_text(row["title"], language),
        body=document_text(body_of(row["summary"], row["body_text"]), language),
    )


def index_articles(ids: Iterable[int]) -> int:
    """Index (or re-index) these articles now; return how many exist.

    Ids of articles that no longer exist are dropped from the queue. The
    articles are locked while they are read (PostgreSQL), so a concurrent
    change waits and its trigger then updates the new document.
    """
    wanted = sorted(set(ids))
    indexed = 0
    for start in range(0, len(wanted), CATCH_UP_BATCH):
        chunk = wanted[start : start + CATCH_UP_BATCH]
        with transaction.atomic():
            rows = (
                Article.objects.select_for_update(no_key=True)
                .filter(pk__in=chunk)
                .order_by("pk")
                .values(*FIELDS)
            )
            documents = [build_document(row) for row in rows]
            SearchDocument.objects.bulk_create(
                documents,
                update_conflicts=True,
                unique_fields=["article"],
                update_fields=[f.name for f in COPIED_FIELDS],
            )
            PendingArticle.objects.filter(article_id__in=chunk).delete()
        indexed += len(documents)
    return indexed


def has_pending() -> bool:
    """Return True when some article waits to be indexed."""
    return PendingArticle.objects.exists()


def catch_up(limit: int | None = None) -> int:
    """Index queued articles (all, or about ``limit``); return how many."""
    done = 0
    while limit is None or done < limit:
        ids = list(
            PendingArticle.objects.order_by("article_id").values_list(
                "article_id", flat=True
            )[:CATCH_UP_BATCH]
        )
        if not ids:
            break
        index_articles(ids)
        done += len(ids)
    return done


def catch_up_quietly(limit: int = CATCH_UP_BATCH) -> None:
    """Run ``catch_up`` when needed; log (not raise) a failure, e.g. a lock timeout."""
    try:
        if has_pending():
            catch_up(limit)
    except DatabaseError:
        log.exception("search index catch-up failed; the next search retries")


def index_saved_article(
    sender: type[Article], instance: Article, raw: bool = False, **kwargs: Any
) -> None:
    """post_save: index the article now if the triggers queued it."""
    if raw:
        return
    try:
        with transaction.atomic():
            if PendingArticle.objects.filter(article_id=instance.pk).exists():
                index_articles([instance.pk])
    except Exception:
        # Whatever went wrong (a lock, a bug in folding some text), the article
        # is stored and stays queued: the savepoint undid only the index work.
        log.exception("indexing article %s failed; it stays queued", instance.pk)
