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
    """An article's title and body as the index holds them (``textfold`` tokens)."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    title = models.TextField()
    body = models.TextField()


class PendingArticle(models.Model):
    """An article stored or re-worded since it was last indexed.

    Database triggers on the article table insert these rows, so every way of
    writing an article (``save``, ``bulk_create``, ``update``, raw SQL) is seen;
    ``index`` drains them.
    """

    article_id = models.BigIntegerField(primary_key=True)
