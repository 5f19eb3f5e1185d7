"""Full text: a summary-only entry of a source that allows it gets the body of
its article page; where the page fails, the feed's own data is kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from livenews.articles.models import Article
from livenews.pipeline import ingest_once
from livenews.sources.actions import add_source
from livenews.sources.models import Source
from tests.support.feeds import Item, rss

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = Path(__file__).parent / "data" / "pages" / "strike.html"
WHEN = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)


def summary_only(guid: str, link: str) -> Item:
    return Item(
        guid=guid,
        title=f"Dockers strike at Port Mirel ({guid})",
        link=link,
        published=WHEN,
        summary="<p>Cranes stopped.</p>",
    )


def serve_feed(feed_server, allow: bool) -> Source:
    page = feed_server.serve("/story.html", PAGE.read_bytes(), content_type="text/html")
    items = [
        summary_only("full", page),
        summary_only("broken", feed_server.url("/missing.html")),
    ]
    source = add_source(feed_server.serve("/feed.xml", rss(items)))
    Source.objects.filter(pk=source.pk).update(fetch_full_text=allow)
    return source


def test_summary_only_entry_gets_the_page_body(feed_server):
    serve_feed(feed_server, allow=True)

    ingest_once()

    full = Article.objects.get(guid="full")
    assert "halting the unloading of twelve ships" in full.body_text
    assert "Ten recipes" not in full.body_text
    assert full.authors == ["Ana Ruiz"]  # the feed had none; the page's
    assert full.lead_image_url == "https://times.example.org/img/cranes.jpg"
    assert full.body_html.startswith("<p>")
    broken = Article.objects.get(guid="broken")
    assert broken.body_text == "Cranes stopped."  # the page failed: feed's text


def test_a_source_that_does_not_allow_it_fetches_no_page(feed_server):
    serve_feed(feed_server, allow=False)

    ingest_once()

    assert feed_server.hits["/story.html"] == 0
    assert Article.objects.get(guid="full").body_text == "Cranes stopped."


def test_known_entries_are_not_fetched_again(feed_server):
    source = serve_feed(feed_server, allow=True)
    ingest_once()
    Source.objects.filter(pk=source.pk).update(next_poll_at=None, etag="")

    ingest_once()

    assert feed_server.hits["/feed.xml"] == 2
    assert feed_server.hits["/story.html"] == 1
