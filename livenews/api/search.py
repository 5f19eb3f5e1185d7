"""``GET /api/v1/search``: the site's full-text search (livenews.search) as JSON.

The same query syntax, filters, ranking and snippets as the search page; pages
of the page's size rather than cursors, because results are ranked, not ordered
by a column.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Schema

from livenews.api import schemas
from livenews.api.reads import BAD
from livenews.api.routes import router
from livenews.search.filters import filters_from_params
from livenews.search.queries import search_articles
from livenews.search.query import MAX_QUERY_CHARS


class SearchParams(Schema):
    q: str = ""
    section: str = ""
    source: str = ""
    lang: str = ""
    # Publication dates (YYYY-MM-DD, inclusive); malformed ones are ignored.
    since: str = ""
    until: str = ""
    page: int = 1


@router.get("/search", response={200: schemas.SearchPage, **BAD})
def search(request: HttpRequest, params: Query[SearchParams]) -> Any:
    """Articles matching ``q``, best first (text, freshness and coverage)."""
    filters = filters_from_params(
        {
            "section": params.section,
            "source": params.source,
            "lang": params.lang,
            "from": params.since,
            "to": params.until,
        }
    )
    results = search_articles(params.q[:MAX_QUERY_CHARS], filters, page=params.page)
    return {
        "query": params.q[:MAX_QUERY_CHARS],
        "total": results.total,
        "capped": results.capped,
        "page": results.page,
        "pages": results.pages,
        "items": [
            {
                "id": hit.article.pk,
                "title": hit.article.title,
                "title_html": str(hit.title_html),
                "snippet_html": str(hit.snippet_html),
                "url": hit.article.url,
                "page_url": hit.article.get_absolute_url(),
                "language": hit.article.language,
                "published_at": hit.article.published_at,
                "source_id": hit.article.source_id,
                "source_name": hit.article.source.name,
                "story_id": hit.article.story_id,
            }
            for hit in results.hits
        ],
    }
