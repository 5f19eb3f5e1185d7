"""Google News sitemaps read as feeds: one entry per news <url>."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from livenews.sources.newssitemap import is_news_sitemap, parse_news_sitemap
from livenews.sources.parsers import NotAFeed, parse_feed

SITEMAP = (
    Path(__file__).resolve().parent.parent / "data" / "sitemaps" / "news.xml"
).read_bytes()


def test_a_news_sitemap_reads_as_a_feed_of_its_news_urls():
    feed = parse_feed(SITEMAP, "application/xml")

    assert (feed.title, feed.language) == ("The Mirel Herald", "en")
    assert [e.url for e in feed.entries] == [
        "https://mirel-herald.example/2026/11/28/dockers-strike",
        "https://mirel-herald.example/2026/11/27/factories",
    ]
    first, second = feed.entries
    assert first.guid == first.url
    assert first.title == "Dockers stop the cranes & the strike spreads"
    assert first.published == datetime(2026, 11, 28, 8, 15, tzinfo=UTC)
    assert first.categories == ("strike", "port", "Mirel")
    assert first.image_url == "https://mirel-herald.example/img/cranes.jpg"
    assert second.published == datetime(2026, 11, 27, tzinfo=UTC)  # a bare date
    assert (second.categories, second.image_url) == ((), "")


def test_the_entry_cap_applies():
    assert len(parse_news_sitemap(SITEMAP, max_entries=1).entries) == 1


def test_only_news_sitemaps_are_taken_for_one():
    plain = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://a.example/</loc></url></urlset>"
    )
    assert is_news_sitemap(SITEMAP)
    assert not is_news_sitemap(plain)
    with pytest.raises(NotAFeed):
        parse_feed(plain, "application/xml")


def test_a_broken_news_sitemap_says_so():
    with pytest.raises(NotAFeed, match="news sitemap that is not valid XML"):
        parse_feed(SITEMAP[:-30], "application/xml")


def test_a_news_sitemap_declaring_entities_is_refused():
    attack = SITEMAP.replace(
        b"<urlset",
        b'<!DOCTYPE urlset [<!ENTITY x SYSTEM "file:///etc/passwd">]><urlset',
        1,
    ).replace(b"The Mirel Herald", b"&x;", 1)
    with pytest.raises(NotAFeed, match="declares XML entities"):
        parse_feed(attack, "application/xml")
