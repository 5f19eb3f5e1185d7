"""Query counts pinned on the public pages: no N+1, whatever the story's size."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from livenews.articles.models import Article
from livenews.live import actions as live_actions
from livenews.sources.models import Source
from livenews.stories.models import Story

pytestmark = pytest.mark.django_db

ARTICLES = 200


@pytest.fixture
def big_story():
    """A story of 200 articles from 20 outlets, written directly (no clustering)."""
    story = Story.objects.create(
        headline="Brennick flood", article_count=ARTICLES, source_count=20
    )
    sources = [
        Source.objects.create(url=f"https://s{n}.example.org/feed", name=f"S{n}")
        for n in range(20)
    ]
    start = datetime(2026, 5, 1, tzinfo=UTC)
    Article.objects.bulk_create(
        Article(
            source=sources[n % 20],
            guid=f"g{n}",
            guid_hash=f"{n:064d}",
            title=f"Flood report {n}",
            summary="River Ossel rises.",
            body_html="<p>River Ossel rises.</p>",
            body_text="River Ossel rises.",
            published_at=start + timedelta(minutes=n),
            content_hash=f"{n:064x}",
            story=story,
        )
        for n in range(ARTICLES)
    )
    return story


def test_story_page_with_200_articles(client, django_assert_max_num_queries, big_story):
    # story, articles with sources, topics, alert, live horizon (+ slack of 1)
    with django_assert_max_num_queries(6):
        page = client.get(f"/story/{big_story.pk}/")
    assert page.content.decode().count('class="river-item"') == ARTICLES


def test_article_page(client, django_assert_max_num_queries, big_story):
    article = Article.objects.first()
    # article with source and story, corrections, alert, live horizon
    with django_assert_max_num_queries(5):
        assert client.get(f"/article/{article.pk}/").status_code == 200


def test_liveblog_page_with_many_entries(client, django_assert_max_num_queries):
    blog = live_actions.start_liveblog("Flood: live")
    for n in range(50):
        live_actions.post_entry(blog, f"<p>Update {n}</p>", is_key_event=n % 5 == 0)
    # blog with story, entries with authors, alert, live horizon
    with django_assert_max_num_queries(4):
        page = client.get(f"/liveblog/{blog.pk}/")
    assert page.content.decode().count('<article class="entry') == 50
