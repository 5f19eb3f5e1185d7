"""Every page names its feeds in ``<link rel="alternate">``."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<link rel="alternate" type="([^"]+)" title="[^"]*" href="([^"]+)">')


def alternates(client, url: str) -> list[tuple[str, str]]:
    page = client.get(url)
    assert page.status_code == 200
    return LINK.findall(page.content.decode())


def test_front_page_offers_the_front_feeds(client, db):
    assert alternates(client, "/") == [
        ("application/rss+xml", "/feeds/front.rss"),
        ("application/atom+xml", "/feeds/front.atom"),
        ("application/feed+json", "/feeds/front.json"),
    ]


def test_story_and_liveblog_pages_offer_their_own_feeds_first(client, newsroom):
    story = alternates(client, f"/story/{newsroom.story.pk}/")
    liveblog = alternates(client, f"/liveblog/{newsroom.liveblog.pk}/")
    assert story[0] == ("application/rss+xml", f"/feeds/story/{newsroom.story.pk}.rss")
    assert liveblog[1] == (
        "application/atom+xml",
        f"/feeds/liveblog/{newsroom.liveblog.pk}.atom",
    )
    for url in {href for _, href in story + liveblog}:
        assert client.get(url).status_code == 200, url


def test_section_page_offers_its_section_feed(client, newsroom):
    links = alternates(client, "/section/world/")
    assert links[0] == ("application/rss+xml", "/feeds/section/world.rss")
    feed = client.get("/feeds/section/world.json").json()
    assert feed["items"], "the world section's feed lists its articles"
    assert all(client.get(href).status_code == 200 for _, href in links)
