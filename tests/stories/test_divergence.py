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


# Two navy actions of one kind, in one gulf, against one kind of pirates: the
# reports share so many words that the two groups' centroids are more than
# SPLIT_THRESHOLD alike, yet every report sits clearly with its own event.
PATROL = (
    " The Indian navy has kept an anti-piracy patrol in the Gulf of Aden since October."
)
MYSORE = [
    (
        "Indian navy captures 23 pirates in Gulf of Aden",
        "The Indian navy said INS Mysore captured 23 Somali pirates on "
        "Saturday after they attacked the Ethiopian ship MV Gibe in the "
        "Gulf of Aden.",
    ),
    (
        "INS Mysore foils hijack of MV Gibe, 23 pirates held",
        "Commandos from INS Mysore stopped 23 pirates boarding the "
        "Ethiopian vessel MV Gibe in the Gulf of Aden on Saturday, the "
        "Indian navy said.",
    ),
    (
        "Navy rescues Ethiopian ship Gibe from Somali pirates",
        "Responding to a distress call from MV Gibe, the destroyer INS "
        "Mysore launched a helicopter and arrested 23 Somali and Yemeni "
        "pirates on Saturday.",
    ),
    (
        "23 pirates arrested by Indian warship Mysore",
        "The Indian warship Mysore arrested 23 pirates who fired on the "
        "Ethiopian-flagged Gibe in the Gulf of Aden on Saturday, a navy "
        "spokesman said.",
    ),
    (
        "Indian navy thwarts attack on Gibe in Gulf of Aden",
        "INS Mysore answered the Gibe's distress call on Saturday; marine "
        "commandos seized 23 pirates and their rifles in the Gulf of Aden.",
    ),
    (
        "Mysore's helicopter drives pirates off Ethiopian ship",
        "A helicopter from INS Mysore fired warning shots on Saturday and "
        "23 Somali pirates surrendered near the Ethiopian ship Gibe, the "
        "Indian navy said.",
    ),
]
SUKANYA = [
    (
        "Indian navy foils pirate attack in Gulf of Aden, 26 held",
        "The Indian navy said INS Sukanya captured 26 Somali pirates on "
        "Thursday who attacked five merchant vessels it was escorting in "
        "the Gulf of Aden.",
    ),
    (
        "INS Sukanya intercepts three pirate boats, 26 pirates held",
        "Commandos from INS Sukanya intercepted three pirate boats closing "
        "on a convoy of five merchant vessels in the Gulf of Aden on "
        "Thursday.",
    ),
    (
        "Navy escort ship Sukanya thwarts multi-boat attack",
        "Escorting five merchant vessels through the transit corridor, the "
        "patrol vessel INS Sukanya seized 26 Somali pirates and their "
        "weapons on Thursday.",
    ),
    (
        "26 Somali pirates arrested by Indian ship Sukanya",
        "The Indian ship Sukanya arrested 26 pirates who approached its "
        "convoy of merchant vessels in the Gulf of Aden on Thursday, a navy"
        " spokesman said.",
    ),
    (
        "Indian navy stops attack on convoy in Gulf of Aden",
        "INS Sukanya detected five suspicious boats on Thursday; marine "
        "commandos seized 26 pirates, rifles and ladders in the Gulf of "
        "Aden.",
    ),
    (
        "Sukanya's sailors board pirate mother ship",
        "Sailors from INS Sukanya boarded a pirate mother ship on Thursday "
        "and 26 Somali pirates surrendered near the convoy, the Indian navy"
        " said.",
    ),
]
ELSEWHERE = [
    (
        "Central bank holds interest rates",
        "The Norvasse central bank kept rates on Thursday, its governor said.",
    ),
    (
        "Cup final tickets sell out",
        "Fans of Marrowby Rovers bought every ticket for Saturday's final.",
    ),
    (
        "Storm closes ports",
        "A storm closed three ports and grounded ships, coast guard officials said.",
    ),
    (
        "Navy day parade",
        "The navy held its annual parade with ships and helicopters on Thursday.",
    ),
]


def _patrol_reports(
    patrol: str = PATROL,
) -> tuple[clustering.StoryIndex, list[clustering.Features]]:
    """Return an index that saw the stream and the two events' reports, interleaved."""
    reports = [r for pair in zip(MYSORE, SUKANYA, strict=True) for r in pair]
    features = _features([(t, text + patrol) for t, text in reports])
    index = _index(_features(ELSEWHERE) + features)
    return index, features


def test_two_look_alike_events_split_when_each_report_sits_with_its_own() -> None:
    index, mixed = _patrol_reports()
    mysore, sukanya = mixed[0::2], mixed[1::2]
    alike = index.group_similarity(mysore, sukanya)
    assert divergence.SPLIT_THRESHOLD <= alike < divergence.MARGIN_CEILING

    split = divergence.find_split(index, list(enumerate(mixed)))

    assert split is not None
    assert (sorted(split.keep), sorted(split.move)) == (
        list(range(0, 12, 2)),
        list(range(1, 12, 2)),
    )


def test_groups_alike_enough_to_merge_back_are_not_split_by_the_margin_test() -> None:
    index, mixed = _patrol_reports(
        PATROL + " Its ships escort merchant vessels past Somali pirate skiffs."
    )
    mysore, sukanya = mixed[0::2], mixed[1::2]
    assert index.group_similarity(mysore, sukanya) >= divergence.MARGIN_CEILING
    margins = index.placement_margins(mixed, [0, 1] * 6)
    assert sum(margins) / len(margins) >= divergence.SPLIT_MARGIN
    assert divergence.find_split(index, list(enumerate(mixed))) is None


def test_the_margin_test_waits_for_a_story_of_ten_articles() -> None:
    index, mixed = _patrol_reports()
    few = mixed[: divergence.MIN_STORY_FOR_MARGIN - 2]
    assert divergence.find_split(index, list(enumerate(few))) is None


def test_one_event_reported_many_times_is_not_split_by_the_margin_test() -> None:
    index, mixed = _patrol_reports()
    mysore = mixed[0::2]
    assert divergence.find_split(index, list(enumerate(mysore + mysore))) is None


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
