"""Story page: copies name each other outlet once; the pace shows when it means
something."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from livenews.core.timeutil import now
from livenews.sources.models import Source
from livenews.stories.lifecycle import VELOCITY_WINDOW
from livenews.stories.models import Story
from tests.support.articles import store_article

pytestmark = pytest.mark.django_db

TITLE = "Levee breaks at Brennick as river Ossel rises"


def test_also_published_by_names_each_other_outlet_once(client):
    alpha = Source.objects.create(url="https://a.example.org/feed", name="Alpha")
    beta = Source.objects.create(url="https://b.example.org/feed", name="Beta")
    original = store_article(alpha, "a1", TITLE)
    copies = [
        store_article(beta, "b1", TITLE),
        store_article(beta, "b2", TITLE),  # the outlet sent its copy again
        store_article(alpha, "a2", TITLE),  # the original's outlet, again
    ]
    assert {copy.duplicate_of_id for copy in copies} == {original.pk}

    text = client.get(original.story.get_absolute_url()).content.decode()
    also = re.search(r'<span class="also-published">(.*?)</span>', text, re.S)
    assert also is not None
    outlets = re.findall(r">([^<]+)</a>", also.group(1))
    assert outlets == ["Beta"]
    assert f'href="/article/{copies[0].pk}/"' in also.group(1)  # the first copy


def test_pace_shows_only_once_the_story_is_older_than_the_pace_window(client):
    alpha = Source.objects.create(url="https://a.example.org/feed", name="Alpha")
    story = store_article(alpha, "a1", TITLE).story
    # Five articles in its first minutes: "0.8 articles/hour" would read wrong.
    Story.objects.filter(pk=story.pk).update(first_seen_at=now(), velocity=5 / 6)
    assert "articles/hour" not in client.get(story.get_absolute_url()).content.decode()

    Story.objects.filter(pk=story.pk).update(
        first_seen_at=now() - VELOCITY_WINDOW - timedelta(minutes=1), velocity=1.5
    )
    assert "1.5 articles/hour" in client.get(story.get_absolute_url()).content.decode()
