"""Feed discovery: a page's announced feeds, else the usual paths; and in the
pipeline, a source added as a page moves to its feed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from livenews.articles.models import Article
from livenews.pipeline import ingest_once
from livenews.sources.actions import add_source
from livenews.sources.discovery import common_feed_urls, feed_candidates, feed_links
from livenews.sources.models import Source
from tests.support.feeds import Item, atom, rss

PAGE = "https://news.example.org/world/index.html"


def test_alternate_links_are_found_in_page_order_and_made_absolute():
    html = """<html><head>
      <link rel="stylesheet" href="/style.css">
      <link rel="alternate" type="application/atom+xml" href="/world/atom">
      <LINK REL="Alternate" TYPE="application/rss+xml; charset=utf-8"
            href="https://feeds.example.org/world.rss">
      <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
      <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
    </head><body></body></html>"""
    assert feed_links(html, PAGE) == [
        "https://news.example.org/world/atom",
        "https://feeds.example.org/world.rss",
    ]


def test_base_href_is_honoured():
    html = (
        '<base href="https://cdn.example.org/site/">'
        '<link rel="alternate" type="application/feed+json" href="feed.json">'
    )
    assert feed_links(html, PAGE) == ["https://cdn.example.org/site/feed.json"]


def test_a_page_without_links_gives_the_usual_paths_of_its_site():
    assert feed_candidates("<p>no head</p>", PAGE) == common_feed_urls(PAGE)
    assert common_feed_urls(PAGE)[:2] == [
        "https://news.example.org/feed",
        "https://news.example.org/rss",
    ]


def items() -> list[Item]:
    when = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    return [
        Item(
            guid=f"d{n}",
            title=f"Lighthouse restored on Skarn island, part {n}",
            link=f"https://e.org/{n}",
            published=when + timedelta(minutes=n),
        )
        for n in range(2)
    ]


@pytest.mark.django_db(transaction=True)
def test_source_added_as_a_page_moves_to_the_announced_feed(feed_server):
    feed_url = feed_server.serve("/news/atom.xml", atom(items()))
    page = feed_server.serve(
        "/news/",
        '<html><head><link rel="alternate" type="application/atom+xml" '
        'href="atom.xml"></head><body>News</body></html>',
        content_type="text/html; charset=utf-8",
    )
    source = add_source(page)

    ingest_once()  # finds the feed
    ingest_once()  # polls it at once

    source.refresh_from_db()
    assert source.url == feed_url
    assert source.site_url == page
    assert source.health == "ok"
    assert Article.objects.filter(source=source).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_page_without_links_is_looked_up_at_the_usual_paths(feed_server):
    feed_server.serve("/rss.xml", rss(items()))
    source = add_source(
        feed_server.serve(
            "/blog", "<html><body>Blog</body></html>", content_type="text/html"
        )
    )

    ingest_once()

    source.refresh_from_db()
    assert source.url == feed_server.url("/rss.xml")
    assert source.consecutive_failures == 0


@pytest.mark.django_db(transaction=True)
def test_a_page_whose_feed_is_already_a_source_says_so(feed_server):
    existing = add_source(feed_server.serve("/feed", rss(items())))
    Source.objects.filter(pk=existing.pk).update(paused=True)
    page = add_source(
        feed_server.serve("/home", "<html>Home</html>", content_type="text/html")
    )

    ingest_once()

    page.refresh_from_db()
    assert page.url == feed_server.url("/home")
    assert page.last_error == (
        f"the feed of this page ({feed_server.url('/feed')}) is already source "
        f"#{existing.pk}"
    )
