"""Query counts pinned on the public pages: no N+1, whatever the story's size.

Each page is rendered over a small site (5 articles) and a big one (50), and
must cost the same, pinned number of queries on both.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from livenews.articles.models import Article
from livenews.live import actions as live_actions
from livenews.sources.models import Source
from livenews.stories.models import Story, Topic

pytestmark = pytest.mark.django_db

ARTICLES = 200
START = datetime(2026, 5, 1, tzinfo=UTC)


def build_story(size: int, outlets: int = 20) -> Story:
    """Write a story of ``size`` articles (every fifth a copy of the one before)
    from ``outlets`` sources, with topics and a live blog, directly (no clustering).
    """
    story = Story.objects.create(
        headline="Brennick flood",
        summary="River Ossel rises.",
        article_count=size,
        source_count=outlets,
        section="world",
        updated_at=START,
        first_seen_at=START,
    )
    sources = [
        Source.objects.create(
            url=f"https://s{n}.example.org/feed", name=f"S{n}", section="world"
        )
        for n in range(outlets)
    ]
    articles = Article.objects.bulk_create(
        Article(
            source=sources[n % outlets],
            guid=f"g{n}",
            guid_hash=f"{n:064d}",
            title=f"Flood report {n}",
            summary="River Ossel rises.",
            body_html="<p>River Ossel rises.</p>",
            body_text="River Ossel rises.",
            published_at=START + timedelta(minutes=n),
            content_hash=f"{n:064x}",
            language="en",
            section="world",
            story=story,
        )
        for n in range(size)
    )
    for n, article in enumerate(articles):
        if n % 5 == 4:
            article.duplicate_of = articles[n - 1]
    Article.objects.bulk_update(articles, ["duplicate_of"])
    story.headline_article = articles[0]
    story.save()
    for n in range(3):
        topic = Topic.objects.create(name=f"Ossel {n}", slug=f"ossel-{n}")
        story.topics.add(topic)
    blog = live_actions.start_liveblog("Flood: live", story=story)
    for n in range(size):
        live_actions.post_entry(blog, f"<p>Update {n}</p>", is_key_event=n % 5 == 0)
    return story


def count_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(path)
    assert answer.status_code == 200, path
    return len(queries)


def paths(story: Story) -> dict[str, str]:
    article = Article.objects.filter(story=story).order_by("id").first()
    return {
        "front": "/",
        "section": "/section/world/",
        "story": f"/story/{story.pk}/",
        "article": f"/article/{article.pk}/",
        "topic": "/topic/ossel-0/",
        "source": f"/source/{article.source_id}/",
        "sources": "/sources/",
        "about": "/about/",
        "liveblog": f"/liveblog/{story.liveblogs.get().pk}/",
        "liveblogs": "/liveblog/",
    }


# Every public page's queries; the comment names them. All pages also read the
# breaking alert and the live horizon (the newest event id).
PINNED = {
    # ranking columns of open stories, the shown stories, their live blogs,
    # latest articles
    "front": 6,
    # the same for the section's stories, its latest articles
    "section": 6,
    # story with its lead article, articles with sources, their copies, topics,
    # live blog
    "story": 7,
    # article with source and story, corrections
    "article": 4,
    # topic, its stories, their live blogs
    "topic": 5,
    # source, its articles
    "source": 4,
    # sources
    "sources": 3,
    # nothing more
    "about": 2,
    # blog with story, entries with authors
    "liveblog": 4,
    # blogs
    "liveblogs": 3,
}


@pytest.mark.parametrize("page", sorted(PINNED))
def test_each_page_costs_the_same_queries_for_a_small_and_a_big_story(client, page):
    small = count_queries(client, paths(build_story(5))[page])
    Story.objects.all().delete()
    Source.objects.all().delete()
    Topic.objects.all().delete()
    big = count_queries(client, paths(build_story(50))[page])
    assert (small, big) == (PINNED[page], PINNED[page])


def test_story_page_with_200_articles(client, django_assert_num_queries):
    story = build_story(ARTICLES)
    with django_assert_num_queries(PINNED["story"]):
        page = client.get(f"/story/{story.pk}/")
    text = page.content.decode()
    originals = ARTICLES - ARTICLES // 5
    assert text.count('class="river-item"') == originals
    assert text.count('class="also-published"') == ARTICLES // 5
