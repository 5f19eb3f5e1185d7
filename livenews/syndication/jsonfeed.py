"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1) out of a FeedChannel."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse

from livenews.syndication import websub
from livenews.syndication.channels import FeedChannel, FeedItem, site_name, tag_uri
from livenews.syndication.feeds import feed_path

VERSION = "https://jsonfeed.org/version/1.1"
CONTENT_TYPE = "application/feed+json; charset=utf-8"


def _item(request: HttpRequest, host: str, item: FeedItem) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": tag_uri(host, item),
        "url": request.build_absolute_uri(item.link),
        "title": item.title,
        # The spec wants content_html or content_text: a story without a
        # body still has its headline.
        "content_html": item.content_html or item.summary or item.title,
        "date_published": item.published.isoformat(),
        "date_modified": item.updated.isoformat(),
    }
    if item.summary:
        data["summary"] = item.summary
    if item.external_url:
        data["external_url"] = item.external_url
    if item.image:
        data["image"] = item.image
    if item.authors:
        data["authors"] = [{"name": name} for name in item.authors]
    if item.categories:
        data["tags"] = item.categories
    return data


def render_json_feed(request: HttpRequest, channel: FeedChannel) -> HttpResponse:
    """Return ``channel`` as a JSON Feed 1.1 document."""
    host = request.get_host().split(":", 1)[0]
    document: dict[str, Any] = {
        "version": VERSION,
        "title": channel.title,
        "home_page_url": request.build_absolute_uri(channel.link),
        "feed_url": request.build_absolute_uri(feed_path(channel, "json")),
        "description": channel.description,
        "authors": [{"name": site_name()}],
        "items": [_item(request, host, item) for item in channel.items],
    }
    if websub.is_enabled():
        document["hubs"] = [{"type": "WebSub", "url": websub.hub_url()}]
    body = json.dumps(document, ensure_ascii=False, indent=1)
    return HttpResponse(body.encode(), content_type=CONTENT_TYPE)
