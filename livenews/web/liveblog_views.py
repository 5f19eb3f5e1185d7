"""Live blog pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from livenews.core.html import html_to_text
from livenews.live.entry_markup import entries_html
from livenews.live.models import LiveBlog, LiveEntry
from livenews.live.queries import list_visible_entries
from livenews.web.cachekeys import cache_with
from livenews.web.jsonld import json_ld


def structured_data(
    request: HttpRequest, liveblog: LiveBlog, entries: list[LiveEntry]
) -> str:
    """Return the page's JSON-LD ``LiveBlogPosting`` with its ``liveBlogUpdate``s."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "headline": liveblog.title,
        "url": request.build_absolute_uri(),
        "coverageStartTime": liveblog.created_at.isoformat(),
        "liveBlogUpdate": [
            {
                "@type": "BlogPosting",
                "headline": entry.key_event_title,
                "datePublished": entry.created_at.isoformat(),
                "articleBody": html_to_text(entry.body_html)[:1000],
                "url": request.build_absolute_uri(f"#entry-{entry.pk}"),
            }
            for entry in entries[:50]
        ],
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
        "key_events": [e for e in visible if e.is_key_event],
        "structured_data": structured_data(request, liveblog, visible),
        "channels": f"liveblog:{liveblog.pk}",
    }
    page = render(request, "web/liveblog.html", context)
    return cache_with(page, f"liveblog:{liveblog.pk}")


def liveblogs_page(request: HttpRequest) -> HttpResponse:
    liveblogs = LiveBlog.objects.order_by("-created_at", "-id")[:50]
    page = render(request, "web/liveblogs.html", {"liveblogs": liveblogs})
    return cache_with(page, "front")
