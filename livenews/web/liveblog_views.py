"""Live blog pages."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.db.models import Case, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from livenews.core.html import html_to_text
from livenews.live.entry_markup import entries_html
from livenews.live.models import LiveBlog, LiveEntry
from livenews.live.queries import list_visible_entries
from livenews.web.cachekeys import cache_with
from livenews.web.jsonld import json_ld


@lru_cache(maxsize=4096)
def entry_texts(body_html: str) -> tuple[str, str]:
    """Return the key event title and the JSON-LD body of an entry with this HTML.

    Both follow from the sanitized HTML alone, which changes only when the
    entry is edited, while the page is rendered again after every new entry:
    remembered (up to 4,096 bodies, a few MB), each render extracts the text
    of the new entries only, not of all 50 shown in JSON-LD (~3 ms per render
    with 100 entries otherwise; docs/design-notes.md, "live blog page render").
    """
    title = LiveEntry(body_html=body_html).key_event_title
    return title, html_to_text(body_html)[:1000]


def structured_data(
    request: HttpRequest, liveblog: LiveBlog, entries: list[LiveEntry]
) -> str:
    """Return the page's JSON-LD ``LiveBlogPosting`` with its ``liveBlogUpdate``s."""
    # build_absolute_uri("#entry-1") joins the fragment to the path, no query.
    page_url = request.build_absolute_uri(request.path)
    updates = []
    for entry in entries[:50]:
        headline, body = entry_texts(entry.body_html)
        updates.append(
            {
                "@type": "BlogPosting",
                "headline": headline,
                "datePublished": entry.created_at.isoformat(),
                "articleBody": body,
                "url": f"{page_url}#entry-{entry.pk}",
            }
        )
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "headline": liveblog.title,
        "url": request.build_absolute_uri(),
        "coverageStartTime": liveblog.created_at.isoformat(),
        "liveBlogUpdate": updates,
    }
    if liveblog.ended_at:
        data["coverageEndTime"] = liveblog.ended_at.isoformat()
    return json_ld(data)


def liveblog_page(request: HttpRequest, liveblog_id: int) -> HttpResponse:
    liveblog = get_object_or_404(
        LiveBlog.objects.select_related("story"), pk=liveblog_id
    )
    visible = list_visible_entries(liveblog)
    pinned = [e for e in visible if e.is_pinned]
    entries = [e for e in visible if not e.is_pinned]
    context = {
        "liveblog": liveblog,
        # Built in Python, not one {% include %} per entry: see entry_markup.
        "pinned_html": entries_html(pinned),
        "entries_html": entries_html(entries),
        "has_entries": bool(visible),
        "key_events": [
            (e.pk, entry_texts(e.body_html)[0]) for e in visible if e.is_key_event
        ],
        "structured_data": structured_data(request, liveblog, visible),
        "channels": f"liveblog:{liveblog.pk}",
    }
    page = render(request, "web/liveblog.html", context)
    return cache_with(page, f"liveblog:{liveblog.pk}")


def liveblogs_page(request: HttpRequest) -> HttpResponse:
    # Coverage still running first, then the ended, each newest first.
    running_first = Case(When(status="live", then=0), default=1)
    liveblogs = LiveBlog.objects.order_by(running_first, "-created_at", "-id")[:50]
    page = render(request, "web/liveblogs.html", {"liveblogs": liveblogs})
    return cache_with(page, "front")
