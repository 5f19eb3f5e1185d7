"""Chromium on the front page and a story page while stories arrive.

At the top of the front page a new story is inserted in place; scrolled down,
an "N new stories" button and "(N)" in the title wait for the reader. A story
page's timeline gains new articles. And after the pushed events (and the few
seconds live.js takes to settle on the server's rendering) the live regions
equal a fresh load of the page.
"""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from livenews.articles.actions import create_article
from livenews.articles.models import Article
from livenews.articles.normalize import normalize_entry
from livenews.core.timeutil import now
from livenews.sources.models import Source
from livenews.sources.parsers import ParsedEntry
from livenews.stories.actions import place_article

pytestmark = pytest.mark.browser

# Quick settling in tests; readers wait 5 to 10 s (live.js).
SETTLE = "window.LIVENEWS_SETTLE_MS = 200;"

# Ids, and text with spaces collapsed, of each live region's children.
REGIONS = """(ids) => ids.map(id => {
  const region = document.getElementById(id);
  return region ? Array.from(region.children).map(
    n => [n.id, n.textContent.replace(/\\s+/g, ' ').trim()]) : null;
})"""

# Distinct words per story, so that no two stories cluster together.
TOPICS = [
    "glacier melt alpine valleys",
    "semiconductor export tariffs",
    "marathon record broken berlin",
    "opera house reopens vienna",
    "wheat harvest drought kansas",
    "submarine cable repaired baltic",
    "vaccine trial malaria ghana",
    "satellite launch delayed kourou",
    "museum heist paintings recovered",
    "railway strike paralyses commuters",
    "volcano ash cancels flights iceland",
    "central bank raises rates surprise",
    "wildfire evacuations california hills",
    "chess prodigy wins championship",
    "coral bleaching reef survey",
    "parliament passes housing bill",
    "earthquake aftershocks rattle coast",
    "football transfer window record fee",
]


def store(source: Source, guid: str, title: str) -> Article:
    entry = ParsedEntry(
        guid=guid,
        url=f"https://example.org/{guid}",
        title=title,
        summary_html=f"<p>{title}.</p>",
        published=now(),
    )
    with transaction.atomic():
        article = create_article(source, normalize_entry(entry, now()), now())
        place_article(article)
    return article


def open_page(browser, url, height=700):
    context = browser.new_context(viewport={"width": 1000, "height": height})
    context.add_init_script(SETTLE)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector("#live-status:not([hidden])", timeout=10_000)
    return page, errors


def regions_equal_fresh_load(browser, page, url, ids, timeout=15.0):
    """Wait until the live page's regions equal a fresh load's; return both."""
    fresh, _ = open_page(browser, url)
    deadline = time.monotonic() + timeout
    while True:
        live_state = page.evaluate(REGIONS, ids)
        fresh.reload()
        fresh_state = fresh.evaluate(REGIONS, ids)
        if live_state == fresh_state or time.monotonic() > deadline:
            return live_state, fresh_state
        time.sleep(0.3)


def test_front_page_new_stories_wait_when_scrolled_and_join_at_the_top(
    browser, edge_server
):
    source = Source.objects.create(url="https://a.example.org/feed", name="Alpha")
    for n, topic in enumerate(TOPICS[:12]):
        store(source, f"old-{n}", topic.capitalize())
    page, errors = open_page(browser, edge_server.url("/"), height=500)
    base_title = page.title()
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function("() => window.scrollY > 300")

    new = [store(source, f"new-{n}", TOPICS[12 + n].capitalize()) for n in range(2)]
    button = page.locator("button.new-stories")
    button.wait_for(state="visible", timeout=10_000)
    page.wait_for_function(
        "() => document.querySelector('button.new-stories').textContent"
        " === '2 new stories'",
        timeout=10_000,
    )
    assert page.title() == f"(2) {base_title}"
    # It waits in the window where the scrolled-down reader is, not above the list.
    box = button.bounding_box()
    assert box is not None and 0 <= box["y"] < 500 - box["height"]
    for article in new:
        story_id = Article.objects.get(pk=article.pk).story_id
        assert page.locator(f"#stories #story-{story_id}").count() == 0

    button.click()
    for article in new:
        story_id = Article.objects.get(pk=article.pk).story_id
        page.locator(f"#stories #story-{story_id}").wait_for(timeout=5_000)
    assert page.title() == base_title
    assert not button.is_visible()

    # At the top, a new story goes straight into the list: no button.
    page.evaluate("window.scrollTo(0, 0)")
    late = store(source, "new-late", TOPICS[14].capitalize())
    story_id = Article.objects.get(pk=late.pk).story_id
    page.locator(f"#stories #story-{story_id}").wait_for(timeout=10_000)
    assert not button.is_visible()
    assert page.title() == base_title

    live_state, fresh_state = regions_equal_fresh_load(
        browser, page, edge_server.url("/"), ["stories", "latest"]
    )
    assert live_state == fresh_state
    assert len(live_state[0]) == 15
    assert errors == []


def test_story_page_timeline_gains_articles_and_equals_a_fresh_load(
    browser, edge_server
):
    alpha = Source.objects.create(url="https://a.example.org/feed", name="Alpha")
    beta = Source.objects.create(url="https://b.example.org/feed", name="Beta")
    first = store(alpha, "a-1", "Glacier melt floods alpine valleys overnight")
    story_id = Article.objects.get(pk=first.pk).story_id
    url = edge_server.url(f"/story/{story_id}/")
    page, errors = open_page(browser, url)

    second = store(beta, "b-1", "Glacier melt floods alpine valleys, villages cut off")
    assert Article.objects.get(pk=second.pk).story_id == story_id
    page.locator(f"#timeline #article-{second.pk}").wait_for(timeout=10_000)

    live_state, fresh_state = regions_equal_fresh_load(browser, page, url, ["timeline"])
    assert live_state == fresh_state
    assert {row[0] for row in live_state[0]} == {
        f"article-{first.pk}",
        f"article-{second.pk}",
    }
    assert errors == []
