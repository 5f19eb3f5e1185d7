"""The search index's own tables: the indexed words, and what waits to be indexed.

The full-text index proper is created by the migration, per backend: on SQLite
an FTS5 table ``search_fts`` over ``SearchDocument`` (kept in step by triggers
on it); on PostgreSQL a generated ``tsvector`` column ``vector`` on
``SearchDocument`` with a GIN index. See docs/search.md.
"""

from __future__ import annotations

from django.db import models

from livenews.articles.models import Article


class SearchDocument(models.Model):
    """An article as the index holds it: what filters and ranking read, then its
    title and body as ``textfold`` tokens.

    The copied fields are kept in step with the article by database triggers
    (see the migration), whatever writes the article. They sit before the
    text columns so that reading them never walks a long body: the article's
    own row, with its HTML, would (measured in docs/design-notes.md).
    """

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    published_at = models.DateTimeField()
    hidden = models.BooleanField(default=False)
    is_copy = models.BooleanField(default=False)
    source_id = models.BigIntegerField()
    story_id = models.BigIntegerField(null=True)
    section = models.CharField(max_length=40, blank=True)
    language = models.CharField(max_length=16, blank=True)
    title = models.TextField()
    body = models.TextField()

    class Meta:
        indexes = [
            # Bounds a date range's ids (see backends.SINCE_BOUND).
            models.Index(
                fields=["published_at", "article"], name="search_doc_published"
            )
        ]


class PendingArticle(models.Model):
    """An article stored or re-worded since it was last indexed.

    Database triggers on the article table insert these rows, so every way of
    writing an article (``save``, ``bulk_create``, ``update``, raw SQL) is seen;
    ``index`` drains them.
    """

    article_id = models.BigIntegerField(primary_key=True)
