"""Converging stories merge; editors' splits and headlines are never undone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from livenews.core.timeutil import now
from livenews.events.models import Event
from livenews.stories import actions, clustering, convergence, openindex
from livenews.stories.models import Story
from tests.stories.test_actions import LOOK_ALIKE, QUAKE, WHEN, publish, source


def _index(*stories: list[tuple[str, str]]) -> clustering.StoryIndex:
    index = clustering.StoryIndex()
    for story_id, reports in enumerate(stories, 1):
        for title, text in reports:
            features = clustering.extract_features(title, text)
            index.observe(features)
            index.add(story_id, features, WHEN)
    return index


def test_two_halves_of_one_event_converge_and_the_older_is_kept() -> None:
    index = _index(QUAKE[:2], QUAKE[1:], [LOOK_ALIKE])

    merges = convergence.find_merges(index, [2, 3])

    assert [(m.keep, m.gone) for m in merges] == [(1, 2)]
    assert merges[0].score >= convergence.MERGE_THRESHOLD


def test_a_look_alike_event_does_not_converge() -> None:
    index = _index(QUAKE, [LOOK_ALIKE, LOOK_ALIKE])

    assert index.story_similarity(1, 2) < convergence.MERGE_THRESHOLD
    assert convergence.find_merges(index, [1, 2]) == []


def test_a_vetoed_pair_is_not_merged() -> None:
    index = _index(QUAKE[:2], QUAKE[1:])

    assert convergence.find_merges(index, [2], lambda a, b: False) == []


def _place_unseen(story: Story, guid: str, report: tuple[str, str]) -> Story:
    """Place a report as a worker that has not seen ``story`` yet would."""
    with openindex.open_index() as memory:
        memory.index.remove(story.pk)
        memory.seen[story.pk] = story.updated_at  # no re-read on the next sync
    article = publish(source(guid), guid, *report, WHEN + timedelta(minutes=5))
    assert article.story is not None
    openindex.forget()  # the next use sees both stories, as every worker soon does
    return article.story


@pytest.mark.django_db
def test_a_story_started_twice_merges_into_the_first_with_one_update_event() -> None:
    first = publish(source("one"), "q0", *QUAKE[0]).story
    assert first is not None
    second = _place_unseen(first, "q1", QUAKE[1])
    assert second.pk != first.pk
    Event.objects.all().delete()

    kept = actions.merge_converging_stories(since=now() - timedelta(minutes=1))

    assert [s.pk for s in kept] == [first.pk]
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.merged_into_id == first.pk and second.status == "closed"
    assert (first.article_count, first.source_count) == (2, 2)
    events = list(Event.objects.values("type", "payload"))
    assert [(e["type"], e["payload"]["story_id"]) for e in events] == [
        ("story.updated", first.pk)
    ]
    later = publish(source("three"), "q2", *QUAKE[2], WHEN + timedelta(minutes=9))
    assert later.story_id == first.pk


@pytest.mark.django_db
def test_the_story_an_editor_titled_is_the_one_kept() -> None:
    first = publish(source("one"), "q0", *QUAKE[0]).story
    assert first is not None
    second = _place_unseen(first, "q1", QUAKE[1])
    actions.set_editor_headline(second, "Velora quake")

    actions.merge_converging_stories(since=now() - timedelta(minutes=1))

    first.refresh_from_db()
    assert first.merged_into_id == second.pk
    assert Story.objects.get(pk=second.pk).display_headline == "Velora quake"


@pytest.mark.django_db
def test_a_story_an_editor_split_off_is_never_merged_back() -> None:
    src = source("feed")
    story = publish(src, "q0", *QUAKE[0]).story
    assert story is not None
    second = publish(src, "q1", *QUAKE[1])
    third = publish(src, "q2", *QUAKE[2])
    assert second.story_id == third.story_id == story.pk
    new = actions.split_story(story, [second.pk])
    with openindex.open_index() as memory:  # the two halves still look alike
        unvetoed = convergence.find_merges(memory.index, [story.pk, new.pk])
    assert [(m.keep, m.gone) for m in unvetoed] == [(story.pk, new.pk)]

    kept = actions.merge_converging_stories(since=now() - timedelta(minutes=1))

    assert kept == []
    assert not Story.objects.filter(merged_into__isnull=False).exists()
