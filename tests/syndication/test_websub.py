"""WebSub publishing: feeds name the hub; changed feeds are pinged to it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import feedparser
import pytest

from livenews.live import actions
from livenews.syndication.websub import feed_paths, ping_hub_once

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub() -> Iterator[tuple[str, list[dict[str, list[str]]], list[int]]]:
    pings: list[dict[str, list[str]]] = []
    statuses: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            pings.append(parse_qs(body.decode()))
            self.send_response(statuses.pop(0) if statuses else 204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", pings, statuses
    server.shutdown()
    server.server_close()


@pytest.fixture
def websub_on(settings, hub):
    settings.LIVENEWS = {
        **settings.LIVENEWS,
        "WEBSUB_HUB": hub[0],
        "SITE_URL": "https://news.example.org/",
    }
    return hub


def test_feed_paths_follow_the_channels():
    assert feed_paths({"front", "story:3", "alerts", "liveblog:x"}) == {
        f"/feeds/{slug}.{fmt}"
        for slug in ("front", "story/3")
        for fmt in ("rss", "atom", "json")
    }


def test_feeds_name_the_hub_only_when_publishing_is_on(client, settings, websub_on):
    hub_url = websub_on[0]
    for fmt in ("rss", "atom"):
        parsed = feedparser.parse(client.get(f"/feeds/front.{fmt}").content)
        assert not parsed.bozo
        assert {link.href for link in parsed.feed.links if link.rel == "hub"} == {
            hub_url
        }
    feed = json.loads(client.get("/feeds/front.json").content)
    assert feed["hubs"] == [{"type": "WebSub", "url": hub_url}]

    settings.LIVENEWS = {**settings.LIVENEWS, "SITE_URL": ""}
    parsed = feedparser.parse(client.get("/feeds/front.atom").content)
    assert [link for link in parsed.feed.links if link.rel == "hub"] == []
    assert "hubs" not in json.loads(client.get("/feeds/front.json").content)


def test_changed_feeds_are_announced_once(websub_on):
    _, pings, statuses = websub_on
    assert ping_hub_once() == 0  # the cursor starts at the newest event
    blog = actions.start_liveblog("Storm, live")
    actions.post_entry(blog, "<p>Wind.</p>")

    statuses.append(503)
    assert ping_hub_once() == 0  # the hub failed: the same feeds go next pass
    assert ping_hub_once() == 6
    assert ping_hub_once() == 0

    assert len(pings) == 2 and pings[0] == pings[1]
    assert pings[1]["hub.mode"] == ["publish"]
    base = "https://news.example.org/feeds"
    assert sorted(pings[1]["hub.url"]) == sorted(
        f"{base}/{slug}.{fmt}"
        for slug in ("front", f"liveblog/{blog.pk}")
        for fmt in ("rss", "atom", "json")
    )
