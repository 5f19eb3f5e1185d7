"""An editor's boost moves a story on the front page and is announced."""

from __future__ import annotations

import math

import pytest

from livenews.events.models import Event
from livenews.stories import actions, ranking
from livenews.web.queries import rank_open_stories
from tests.stories.test_actions import LOOK_ALIKE, QUAKE, publish, source


@pytest.mark.django_db
def test_set_boost_reorders_the_front_and_emits_story_updated() -> None:
    quake = publish(source("one"), "q0", *QUAKE[0]).story
    other = publish(source("two"), "l0", *LOOK_ALIKE).story
    assert quake is not None and other is not None and quake.pk != other.pk
    # Same coverage and pace: the more recently updated story leads.
    assert [r.pk for r in rank_open_stories()] == [other.pk, quake.pk]
    Event.objects.all().delete()

    actions.set_boost(quake, 1.0)

    assert [r.pk for r in rank_open_stories()] == [quake.pk, other.pk]
    events = list(Event.objects.values("type", "payload"))
    assert [(e["type"], e["payload"]["story_id"]) for e in events] == [
        ("story.updated", quake.pk)
    ]
    actions.set_boost(quake, -1.0)
    assert [r.pk for r in rank_open_stories()] == [other.pk, quake.pk]


@pytest.mark.django_db
def test_a_boost_is_clamped_and_must_be_a_number() -> None:
    story = publish(source("one"), "q0", *QUAKE[0]).story
    assert story is not None
    assert actions.set_boost(story, 99.0).boost == ranking.BOOST_LIMIT
    with pytest.raises(ValueError):
        actions.set_boost(story, math.nan)
    story.refresh_from_db()
    assert story.boost == ranking.BOOST_LIMIT
