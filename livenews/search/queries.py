"""Search articles: parse, catch the index up, match, rank, page, highlight.

A reader's query has no language, so its words are stemmed (see ``query``) in
the ``lang`` filter's language when there is one, else in the portal's
languages: the site language (``LIVENEWS_SITE_LANGUAGE``, the language of the
portal's own pages and feeds) and English, the most common second language of
news feeds. An article in a third language is found by the words its index
holds in that language: with the ``lang`` filter, or by a word whose stem
there is the typed word or its stem in the portal's languages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from livenews.articles.models import Article
from livenews.core.timeutil import now
from livenews.search import backends, ranking
from livenews.search.filters import SearchFilters
from livenews.search.index import catch_up_quietly
from livenews.search.query import SearchQuery, parse_query
from livenews.search.snippets import best_snippet, highlight
from livenews.search.textfold import language_code

# Searched in besides the site language when no ``lang`` filter is given.
SECOND_LANGUAGE = "en"

PAGE_SIZE = 20
# What a result shows: a page of whole articles would read their HTML bodies
# and their stories' clustering state for nothing.
SHOWN_FIELDS = (
    "title",
    "summary",
    "body_text",
    "published_at",
    "language",
    "url",
    "source__name",
    "source__url",
    "story__source_count",
    "story__merged_into",
)


@dataclass
class SearchHit:
    article: Article
    title_html: SafeString
    snippet_html: SafeString


@dataclass
class SearchResults:
    query: SearchQuery
    hits: list[SearchHit] = field(default_factory=list)
    # Matches found, at most ranking.CANDIDATES; ``capped`` when there were more.
    total: int = 0
    capped: bool = False
    page: int = 1
    pages: int = 0

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def portal_languages() -> tuple[str, ...]:
    """Return the languages a query without a ``lang`` filter is stemmed in."""
    site = language_code(str(settings.LIVENEWS.get("SITE_LANGUAGE") or ""))
    return tuple(dict.fromkeys(code for code in (site, SECOND_LANGUAGE) if code))


def query_languages(filters: SearchFilters) -> tuple[str, ...]:
    """Return the languages a query's words are stemmed in (module doc)."""
    if filters.language:
        return (filters.language,)
    return portal_languages()


def _hit(article: Article, query: SearchQuery) -> SearchHit:
    phrases = query.phrases()
    texts = (article.summary, article.body_text)
    language = article.language
    # Both are escaped text with <mark> tags only (see snippets).
    return SearchHit(
        article=article,
        title_html=mark_safe(highlight(article.title, phrases, language)),  # noqa: S308
        snippet_html=mark_safe(  # noqa: S308
            best_snippet(texts, phrases, language=language)
        ),
    )


def search_articles(
    text: str,
    filters: SearchFilters | None = None,
    page: int = 1,
    at: datetime | None = None,
) -> SearchResults:
    """Return one page of the articles matching ``text``, best first."""
    filters = filters or SearchFilters()
    query = parse_query(text, query_languages(filters))
    results = SearchResults(query=query)
    if query.is_empty:
        return results
    catch_up_quietly()
    limit = ranking.CANDIDATES
    candidates = backends.list_candidates(query, filters, limit + 1)
    results.capped = len(candidates) > limit
    ranked = ranking.rank(candidates[:limit], at or now())
    results.total = len(ranked)
    results.pages = -(-len(ranked) // PAGE_SIZE)
    results.page = min(max(page, 1), max(results.pages, 1))
    first = (results.page - 1) * PAGE_SIZE
    ids = [c.article_id for c in ranked[first : first + PAGE_SIZE]]
    # Hidden again here: a document may lag its article by one transaction.
    visible = (
        Article.objects.filter(hidden=False)
        .select_related("source", "story")
        .only(*SHOWN_FIELDS)
    )
    articles = visible.in_bulk(ids)
    results.hits = [_hit(articles[pk], query) for pk in ids if pk in articles]
    return results
