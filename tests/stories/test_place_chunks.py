"""Placing waiting articles a chunk per transaction gives what one at a time gives."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from livenews.articles.actions import store_new_articles
from livenews.articles.models import Article
from livenews.articles.normalize import normalize_entry
from livenews.events.models import Event
from livenews.sources.models import Source
from livenews.sources.parsers import ParsedEntry
from livenews.stories import actions, openindex
from livenews.stories.models import ArticleFingerprint, FingerprintBand, Story
from tests.stories.test_actions import LOOK_ALIKE, OTHER_NEWS, QUAKE, WIRE_TEXT

FETCHED = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def entries() -> list[tuple[str, str, str, int]]:
    """(source, link, title/text…, minutes before the fetch) of a mixed batch."""
    rows = []
    for n, (title, text) in enumerate([*QUAKE, LOOK_ALIKE, *OTHER_NEWS]):
        rows.append((f"s{n % 3}", f"https://news.example.org/{n}", title, text, 90 - n))
    wire = "Saltmere dockworkers strike over pay"
    # The wire story, a word-for-word copy published later, a near copy
    # published EARLIER (it becomes the original), and an exact URL twin.
    rows.append(("s0", "https://wire.example.org/1", wire, WIRE_TEXT, 40))
    rows.append(("s1", "https://copy.example.org/1", wire, WIRE_TEXT, 30))
    near = WIRE_TEXT.replace("on Monday", "on Monday morning")
    rows.append(("s2", "https://early.example.org/1", wire, near, 50))
    rows.append(("s1", "https://wire.example.org/1", wire + " (update)", "", 20))
    return [(s, link, title, text, ago) for s, link, title, text, ago in rows]


def store_all() -> list[Article]:
    sources = {
        name: Source.objects.create(url=f"https://{name}.example.org/feed", name=name)
        for name in ("s0", "s1", "s2")
    }
    for n, (name, link, title, text, ago) in enumerate(entries()):
        entry = ParsedEntry(
            guid=f"g{n}",
            url=link,
            title=title,
            summary_html=text if text.startswith("<p>") else f"<p>{text or title}</p>",
            published=FETCHED - timedelta(minutes=ago),
        )
        store_new_articles(
            sources[name], [(normalize_entry(entry, FETCHED), "")], FETCHED
        )
    return list(Article.objects.select_related("source").order_by("id"))


def outcome() -> tuple[set[frozenset[int]], dict[int, int | None]]:
    groups: dict[int, set[int]] = {}
    for pk, story_id in Article.objects.values_list("id", "story_id"):
        groups.setdefault(story_id, set()).add(pk)
    copies = dict(Article.objects.values_list("id", "duplicate_of_id"))
    return {frozenset(g) for g in groups.values()}, copies


def start_again() -> list[Article]:
    Event.objects.all().delete()
    FingerprintBand.objects.all().delete()
    ArticleFingerprint.objects.all().delete()
    Article.objects.update(awaits_story=True, story=None, duplicate_of=None)
    Story.objects.all().delete()
    openindex.forget()
    return list(Article.objects.select_related("source").order_by("id"))


@pytest.mark.django_db
def test_a_chunk_places_as_one_article_at_a_time_does():
    one_by_one = store_all()
    assert actions.place_waiting_articles(one_by_one, chunk=1) == len(one_by_one)
    expected = outcome()
    assert len(expected[0]) < len(one_by_one)  # some articles share a story
    assert any(v is not None for v in expected[1].values())  # copies were found

    chunked = start_again()
    assert actions.place_waiting_articles(chunked, chunk=100) == len(chunked)

    assert outcome() == expected


@pytest.mark.django_db
def test_a_chunk_announces_each_article_once_and_each_story_once():
    articles = store_all()
    placed = actions.place_waiting_articles(articles, chunk=100)

    events = list(Event.objects.order_by("id"))
    added = [e.payload["article_id"] for e in events if e.type == "article.added"]
    assert (
        sorted(added)
        == [a.pk for a in articles]
        == list(range(articles[0].pk, articles[0].pk + placed))
    )
    story_events = [e for e in events if e.type.startswith("story.")]
    assert Counter(e.payload["story_id"] for e in story_events) == Counter(
        set(Story.objects.values_list("id", flat=True))
    )
    assert {e.type for e in story_events} == {"story.created"}
    for event in story_events:  # the counts once the whole chunk is in
        story = Story.objects.get(pk=event.payload["story_id"])
        assert event.payload["article_count"] == story.article_count
        assert (
            story.article_count
            == Article.objects.filter(story=story, duplicate_of__isnull=True).count()
        )
    # Each story is announced before its articles.
    first_added = min(e.id for e in events if e.type == "article.added")
    assert max(e.id for e in story_events) < first_added


@pytest.mark.django_db
def test_articles_claimed_elsewhere_are_skipped_within_a_chunk():
    articles = store_all()
    taken = articles[::2]
    Article.objects.filter(pk__in=[a.pk for a in taken]).update(awaits_story=False)

    assert actions.place_waiting_articles(articles, chunk=100) == len(articles) - len(
        taken
    )
    added = {
        e.payload["article_id"] for e in Event.objects.filter(type="article.added")
    }
    assert added == {a.pk for a in articles[1::2]}
    assert not Article.objects.filter(
        pk__in=[a.pk for a in taken], story__isnull=False
    ).exists()


def what_readers_see() -> dict[frozenset[int], tuple]:
    """Each story (by its articles): figures, headline, section and topics."""
    seen = {}
    for story in Story.objects.prefetch_related("topics"):
        members = frozenset(
            Article.objects.filter(story=story).values_list("id", flat=True)
        )
        seen[members] = (
            story.article_count,
            story.source_count,
            story.velocity,
            story.section,
            story.status,
            story.headline,
            story.headline_article_id,
            story.summary,
            story.terms,
            sorted(t.slug for t in story.topics.all()),
        )
    return seen


@pytest.mark.django_db
def test_chunks_of_any_size_give_the_same_stories_figures_and_topics():
    articles = store_all()
    Article.objects.filter(pk__in=[a.pk for a in articles[::3]]).update(section="world")
    Article.objects.filter(pk__in=[a.pk for a in articles[1::3]]).update(
        section="science"
    )
    results = []
    for size in (1, 4, 100):
        placing = start_again()
        assert actions.place_waiting_articles(placing, chunk=size) == len(placing)
        results.append((outcome(), what_readers_see()))
    assert results[0] == results[1] == results[2]
    assert any(topics for *_, topics in results[0][1].values())


@pytest.mark.django_db
def test_stories_grown_by_a_later_chunk_hold_the_figures_of_a_full_recount():
    articles = store_all()
    Article.objects.filter(pk__in=[a.pk for a in articles[::2]]).update(section="world")
    placing = list(Article.objects.select_related("source").order_by("id"))
    assert actions.place_waiting_articles(placing, chunk=3) == len(placing)

    stories = list(Story.objects.all())
    assert any(
        Article.objects.filter(story=s).count() > 3 for s in stories
    )  # some story took articles from several chunks
    for story in stories:
        placed = (story.article_count, story.source_count, story.section)
        actions._refresh(story)
        assert placed == (story.article_count, story.source_count, story.section)


@pytest.mark.django_db
def test_a_new_story_never_takes_the_id_of_a_deleted_one():
    articles = store_all()
    gone = Story.objects.create(headline="Deleted by an editor")
    Story.objects.filter(pk=gone.pk).delete()

    assert actions.place_waiting_articles(articles, chunk=100) == len(articles)

    ids = sorted(Story.objects.values_list("id", flat=True))
    assert ids[0] > gone.pk
    assert not Article.objects.filter(story__isnull=True).exists()
    events = Event.objects.filter(type="story.created")
    assert sorted(e.payload["story_id"] for e in events) == ids
