"""Chromium on the front page sees new headlines arrive without a reload."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from livenews.pipeline import ingest_once
from livenews.sources.actions import add_source
from tests.support.feeds import Item, rss

pytestmark = pytest.mark.browser


def ingest_in_thread() -> None:
    # The ingest runs where a worker would: outside the reader's request path.
    result: list[int] = []
    worker = threading.Thread(target=lambda: result.append(ingest_once().new_articles))
    worker.start()
    worker.join(60)
    assert result == [1]


def test_new_headline_appears_on_the_open_front_page(browser, edge_server, feed_server):
    headline = "Night ferry to Ulvö cancelled as storm Berit reaches the coast"
    add_source(
        feed_server.serve(
            "/f.xml",
            rss(
                [
                    Item(
                        guid="b1",
                        title=headline,
                        link="https://example.org/b1",
                        published=datetime(2026, 2, 1, tzinfo=UTC),
                        summary="Storm Berit closes ports.",
                    )
                ]
            ),
        ),
        name="Coast Radio",
    )
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(edge_server.url("/"))
    assert page.locator("#empty-state").is_visible()
    page.wait_for_selector("#live-status:not([hidden])", timeout=10_000)
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    ingest_in_thread()

    page.locator("#latest").get_by_text(headline).wait_for(timeout=10_000)
    page.locator("#stories").get_by_text(headline).wait_for(timeout=10_000)
    assert page.locator("#empty-state").count() == 0
    assert "1 source · 1 article" in page.locator("#stories").inner_text()
    assert navigations == []  # no reload
    assert errors == []


def test_story_page_timeline_grows_live(browser, edge_server, feed_server):
    first = Item(
        guid="t1",
        title="Avalanche warning raised above the village of Kessa",
        link="https://example.org/t1",
        published=datetime(2026, 2, 1, tzinfo=UTC),
    )
    second = Item(
        guid="t2",
        title="Avalanche warning: Kessa village evacuated overnight",
        link="https://example.org/t2",
        published=datetime(2026, 2, 1, 1, tzinfo=UTC),
    )
    add_source(feed_server.serve("/f.xml", rss([first])))
    ingest_in_thread()
    from livenews.articles.models import Article
    from livenews.sources.models import Source

    story_id = Article.objects.get().story_id
    page = browser.new_page()
    page.goto(edge_server.url(f"/story/{story_id}/"))
    page.wait_for_selector("#live-status:not([hidden])", timeout=10_000)

    feed_server.serve("/f.xml", rss([first, second]))
    Source.objects.update(next_poll_at=None)
    ingest_in_thread()

    page.locator("#timeline").get_by_text(second.title).wait_for(timeout=10_000)
    assert page.locator("#timeline li").count() == 2
