"""A story that gathered two events of one kind splits; editors' stories never do."""

from __future__ import annotations

from datetime import timedelta

import pytest

from livenews.articles.models import Article
from livenews.core.timeutil import now
from livenews.events.models import Event
from livenews.stories import actions, clustering, divergence, openindex
from livenews.stories.models import Story
from tests.stories.test_actions import QUAKE, WHEN, publish, source

TARSIS = [
    (
        "Magnitude 5.4 earthquake hits Tarsis coast, 3 injured",
        "A magnitude 5.4 earthquake shook the Tarsis coast on Friday, injuring 3 "
        "people in the port of Mello, the Tarsis civil protection agency said.",
    ),
    (
        "Mello port damaged as 5.4 quake rattles Tarsis",
        "Cranes toppled in the port of Mello after the magnitude 5.4 quake on the "
        "Tarsis coast; harbour master Ivo Kestrel said 3 dockers were hurt.",
    ),
    (
        "Tarsis quake: Kestrel says Mello harbour reopens",
        "Ivo Kestrel, harbour master of Mello, said the port would reopen after "
        "the 5.4 earthquake on the Tarsis coast injured 3 workers.",
    ),
]


def _features(reports: list[tuple[str, str]]) -> list[clustering.Features]:
    return [clustering.extract_features(title, text) for title, text in reports]


def _index(features: list[clustering.Features]) -> clustering.StoryIndex:
    index = clustering.StoryIndex()
    for item in features:
        index.observe(item)
    return index


def test_a_story_of_two_events_splits_along_them_oldest_group_kept() -> None:
    mixed = _features([QUAKE[0], TARSIS[0], QUAKE[1], TARSIS[1], QUAKE[2], TARSIS[2]])
    members = list(enumerate(mixed))

    split = divergence.find_split(_index(mixed), members)

    assert split is not None
    assert (sorted(split.keep), sorted(split.move)) == ([0, 2, 4], [1, 3, 5])
    assert split.score < divergence.SPLIT_THRESHOLD


def test_a_story_of_one_event_stays_whole() -> None:
    one = _features(QUAKE + QUAKE)
    assert divergence.find_split(_index(one), list(enumerate(one))) is None


def test_small_stories_are_not_checked_and_checks_space_out() -> None:
    mixed = _features([QUAKE[0], TARSIS[0], QUAKE[1], TARSIS[1]])
    assert divergence.find_split(_index(mixed), list(enumerate(mixed))) is None
    assert divergence.is_due(divergence.MIN_STORY, 0)
    assert not divergence.is_due(divergence.MIN_STORY + 1, divergence.MIN_STORY)
    assert divergence.is_due(10, 8)


def _mixed_story() -> Story:
    """Store both events' reports, then gather them in one story (the failure)."""
    reports = [QUAKE[0], TARSIS[0], QUAKE[1], TARSIS[1], QUAKE[2], TARSIS[2]]
    articles = [
        publish(source(f"s{n}"), f"g{n}", *report, WHEN + timedelta(minutes=n))
        for n, report in enumerate(reports)
    ]
    story = Story.objects.get(pk=articles[0].story_id)
    Article.objects.filter(pk__in=[a.pk for a in articles]).update(story=story)
    Story.objects.exclude(pk=story.pk).update(status="closed")
    story.article_count = len(articles)
    story.updated_at = now()
    story.save()
    openindex.forget()
    return story


@pytest.mark.django_db
def test_a_mixed_story_splits_into_a_new_story_with_created_and_updated_events():
    story = _mixed_story()
    Event.objects.all().delete()

    new = actions.split_diverged_stories(since=now() - timedelta(minutes=1))

    assert len(new) == 1
    assert set(new[0].articles.values_list("guid", flat=True)) == {"g1", "g3", "g5"}
    assert set(story.articles.values_list("guid", flat=True)) == {"g0", "g2", "g4"}
    assert new[0].split_from_id is None  # the algorithm's split, not an editor's
    assert "Tarsis" in new[0].headline and "Tarsis" in new[0].summary
    story.refresh_from_db()
    assert "Velora" in story.headline and "Velora" in story.summary
    events = [(e.type, e.payload["story_id"]) for e in Event.objects.all()]
    assert events == [("story.created", new[0].pk), ("story.updated", story.pk)]
    later = publish(source("late"), "late", *QUAKE[1], WHEN + timedelta(hours=1))
    assert later.story_id == story.pk


@pytest.mark.django_db
def test_a_story_an_editor_titled_or_merged_into_is_never_split() -> None:
    story = _mixed_story()
    actions.set_editor_headline(story, "Two quakes")
    assert actions.split_diverged_stories(since=now() - timedelta(minutes=1)) == []
    assert not actions._checked_sizes  # left out before any check, not found whole

    actions.set_editor_headline(story, "")
    other = publish(source("x"), "x", "Cup final tickets sell out", "Fans queued.")
    assert other.story is not None
    actions.merge_stories(story, other.story)
    story.refresh_from_db()
    story.article_count = 6
    story.save()
    actions._checked_sizes.clear()

    assert actions.split_diverged_stories(since=now() - timedelta(minutes=1)) == []
    assert set(story.articles.values_list("guid", flat=True)) >= {"g1", "g3", "g5"}
