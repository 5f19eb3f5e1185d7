"""Feeds through the real edge: cached under their keys, dropped by events."""

from __future__ import annotations

import feedparser
import httpx

from livenews.events.queries import get_latest_event_id
from livenews.live import actions
from tests.support.hubwait import wait_for_hub


def test_liveblog_feed_is_cached_until_an_entry_is_posted(edge_server):
    blog = actions.start_liveblog("Storm, live")
    actions.post_entry(blog, "<p>Wind rising.</p>")
    url = edge_server.url(f"/feeds/liveblog/{blog.pk}.atom")

    first, second = httpx.get(url), httpx.get(url)
    assert (first.headers["x-cache"], second.headers["x-cache"]) == ("MISS", "HIT")
    assert second.headers["surrogate-key"] == f"liveblog:{blog.pk}"
    assert second.headers["content-type"].startswith("application/atom+xml")
    not_modified = httpx.get(url, headers={"If-None-Match": second.headers["etag"]})
    assert not_modified.status_code == 304

    actions.post_entry(blog, "<p>Roof torn off.</p>")
    wait_for_hub(edge_server, get_latest_event_id())

    third = httpx.get(url)
    assert third.headers["x-cache"] == "MISS"
    titles = [e.title for e in feedparser.parse(third.content).entries]
    assert titles == ["Roof torn off.", "Wind rising."]
