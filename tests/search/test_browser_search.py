"""Chromium: a reader searches from the header and reaches the story."""

from __future__ import annotations

import pytest

from livenews.core.timeutil import now
from livenews.sources.models import Source
from tests.search.builders import add_article, add_story

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    "viewport", [(390, 844), (1280, 900)], ids=["phone", "desktop"]
)
def test_search_from_the_header_finds_the_story(browser, edge_server, viewport):
    source = Source.objects.create(url="https://a.example.org/feed", name="Alpha Post")
    article = add_article(
        source,
        "Night ferry to Ulvö cancelled",
        "Storm Berit closes ports.",
        published_at=now(),
    )
    story = add_story(article, sources=2)
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            errors.append(f"{page.url}: {m.text} {m.location}")
            if m.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))

    page.goto(edge_server.url("/"))
    page.get_by_label("Search articles").first.fill("ulvo")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=ulvo")
    result = page.locator(".search-result h2 a")
    assert result.count() == 1
    assert page.locator(".search-result mark").first.inner_text() == "Ulvö"
    result.first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/story/{story.pk}/")
    assert errors == [], errors
    page.close()
