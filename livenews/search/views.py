"""The search page: a form, then ranked results with highlighted snippets.

Search pages are not marked for the edge's page cache: the space of queries
is unbounded (each would be a one-off cache entry) and no event names the
queries an article changes. ``Cache-Control: private, no-cache`` keeps shared
caches (a CDN, nginx) from storing them while browsers may keep a page for
the back button.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode

from livenews.articles.sections import SECTIONS
from livenews.search.filters import filters_from_params
from livenews.search.queries import search_articles
from livenews.search.query import MAX_QUERY_CHARS


def _page_number(value: str) -> int:
    return int(value) if value.isascii() and value.isdigit() and len(value) < 6 else 1


def search_page(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")[:MAX_QUERY_CHARS].strip()
    filters = filters_from_params(request.GET)
    page = _page_number(request.GET.get("page", "1"))
    results = search_articles(text, filters, page) if text else None
    base = {"q": text, **filters.as_params()}
    context = {
        "q": text,
        "filters": filters,
        "results": results,
        "sections": SECTIONS,
        "max_query_chars": MAX_QUERY_CHARS,
        "page_url": "?" + urlencode(base) + "&page=",
        "unfiltered_url": "?" + urlencode({"q": text}),
    }
    response = render(request, "search/search.html", context)
    patch_cache_control(response, private=True, no_cache=True)
    return response
