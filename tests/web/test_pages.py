"""Public pages and operations endpoints, through Django's test client."""

from __future__ import annotations

import pytest

from livenews.sources.models import Source
from tests.support.articles import store_article

pytestmark = pytest.mark.django_db


def store(source: Source, guid: str, title: str) -> None:
    store_article(source, guid, title, summary="<p>Summary text.</p>")


def test_empty_front_page_explains_it_is_waiting_and_shows_failures(client):
    Source.objects.create(
        url="https://a.example.org/feed",
        consecutive_failures=2,
        last_error="host not found (DNS lookup failed; no internet?)",
    )
    Source.objects.create(url="https://b.example.org/feed")

    page = client.get("/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "Waiting for the first stories" in text
    assert "2 sources" in text and "1 failing" in text and "1 not fetched yet" in text

    health = client.get("/sources/").content.decode()
    assert "host not found (DNS lookup failed; no internet?)" in health


def test_front_page_lists_stories_and_latest_with_a_fixed_number_of_queries(
    client, django_assert_num_queries
):
    source = Source.objects.create(url="https://a.example.org/feed", name="Alpha")
    for n in range(12):
        store(source, f"g{n}", f"Story number {n} about harbour cranes in Mirel {n}")

    # ranking columns, the shown stories, their live blogs, latest articles,
    # the breaking alert, the live horizon
    with django_assert_num_queries(6):
        page = client.get("/")

    text = page.content.decode()
    assert "Story number 11 about harbour cranes in Mirel 11" in text
    assert "Waiting for the first stories" not in text
    assert 'data-channels="front"' in text


def test_story_and_article_pages_show_their_content(client):
    source = Source.objects.create(url="https://a.example.org/feed", name="Alpha")
    store(source, "one", "Snowstorm closes the Varn mountain pass for a second day")
    from livenews.articles.models import Article

    article = Article.objects.get()
    page = client.get(f"/article/{article.pk}/").content.decode()
    assert "Snowstorm closes the Varn mountain pass" in page
    assert "Summary text." in page
    assert 'href="https://example.org/one"' in page

    story = client.get(f"/story/{article.story_id}/").content.decode()
    assert "Snowstorm closes the Varn mountain pass" in story
    assert f'data-channels="story:{article.story_id}"' in story


def test_unknown_pages_answer_404_with_the_site_page(client):
    assert client.get("/story/999999/").status_code == 404
    missing = client.get("/no/such/page")
    assert missing.status_code == 404
    assert "Page not found" in missing.content.decode()


def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "object-src 'none'" in policy


def test_healthz_reports_the_database(client):
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "database": "ok"}


def test_metrics_are_in_prometheus_text_format(client):
    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/plain")
    body = answer.content.decode()
    assert "# TYPE livenews_articles_stored_total counter" in body
    assert "livenews_sse_clients" in body


def structured_data(page: str) -> list[dict]:
    """Return every JSON-LD block of a page, parsed."""
    import json
    import re

    return [json.loads(b) for b in re.findall(r'ld\+json">(.*?)</script>', page)]


def news_article_data(page: str) -> dict:
    return next(d for d in structured_data(page) if d["@type"] == "NewsArticle")


def test_article_page_carries_news_article_structured_data(client):
    from livenews.articles.actions import correct_article
    from livenews.articles.models import Article

    source = Source.objects.create(url="https://a.example.org/feed", name="Alpha")
    store(source, "sd", "Snowstorm closes the Varn pass")
    article = Article.objects.get()
    page = client.get(f"/article/{article.pk}/").content.decode()
    data = news_article_data(page)
    assert data["@type"] == "NewsArticle"
    assert data["datePublished"] == data["dateModified"]

    correct_article(article, "Snowstorm closes the Varn pass", "<p>Fixed</p>", "Typo")
    page = client.get(f"/article/{article.pk}/").content.decode()
    data = news_article_data(page)
    assert data["dateModified"] > data["datePublished"]
