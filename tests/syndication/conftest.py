"""A small newsroom to syndicate: stories with topics, articles, a live blog."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

# Models are imported in the fixtures: this conftest loads before Django is set up.


@dataclass
class Newsroom:
    story: Any
    other_story: Any
    topic: Any
    articles: list[Any]
    old_article: Any
    hidden_article: Any
    liveblog: Any
    entries: list[Any]


def make_article(source: Any, story: Any, n: int, age: timedelta, **extra: Any) -> Any:
    from livenews.articles.models import Article
    from livenews.core.timeutil import now

    published = now() - age
    fields = {
        "source": source,
        "guid": f"guid-{n}",
        "guid_hash": f"{n:064d}",
        "url": f"https://outlet.example.org/news/{n}",
        "title": f"Dockers strike spreads to port {n}",
        "summary": f"Summary {n}.",
        "body_html": f"<p>Body of report {n} &amp; more.</p>",
        "authors": ["Ana Reporter"],
        "language": "en",
        "section": "world",
        "published_at": published,
        "stored_at": published + timedelta(minutes=1),
        "content_hash": f"{n:064x}",
        "story": story,
    }
    fields.update(extra)
    return Article.objects.create(**fields)


@pytest.fixture
def newsroom(db: None) -> Newsroom:
    from django.contrib.auth import get_user_model

    from livenews.core.timeutil import now
    from livenews.live import actions as live
    from livenews.sources.models import Source
    from livenews.stories.models import Story, Topic

    source = Source.objects.create(
        url="https://outlet.example.org/feed", name="Outlet Daily", section="world"
    )
    topic = Topic.objects.create(name="Mirel Harbour", slug="mirel-harbour")
    story = Story.objects.create(
        headline="Dockers strike spreads",
        summary="Strikes spread to the state factories.",
        first_seen_at=now() - timedelta(hours=3),
        updated_at=now() - timedelta(hours=1),
        article_count=3,
        source_count=1,
        section="world",
    )
    story.topics.add(topic)
    other = Story.objects.create(
        headline="Budget vote delayed",
        section="world",
        first_seen_at=now() - timedelta(hours=60),
        updated_at=now() - timedelta(hours=50),
        article_count=1,
        source_count=1,
    )
    articles = [
        make_article(
            source,
            story,
            1,
            timedelta(hours=1),
            lead_image_url="https://img.example.org/cranes.png",
        ),
        make_article(source, story, 2, timedelta(hours=2), language="de-AT"),
        make_article(source, story, 3, timedelta(hours=47)),
    ]
    story.headline_article = articles[0]
    story.save()
    old = make_article(source, other, 4, timedelta(hours=50), title="Budget vote")
    hidden = make_article(source, story, 5, timedelta(minutes=30), hidden=True)
    editor = get_user_model().objects.create_user(
        "ed", first_name="Eda", last_name="Tor"
    )
    liveblog = live.start_liveblog("Strike day, live", story=story)
    entries = [
        live.post_entry(
            liveblog,
            "<p>Gates closed at dawn.</p>",
            author=editor,
            created_at=now() - timedelta(hours=2),
        ),
        live.post_entry(
            liveblog,
            "<p>Police arrive.</p><p>More</p>",
            is_key_event=True,
            created_at=now() - timedelta(hours=1),
        ),
    ]
    return Newsroom(story, other, topic, articles, old, hidden, liveblog, entries)
