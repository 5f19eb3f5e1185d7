"""Stories in the database: assignment, copies, editors' decisions, events, pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction

from livenews.articles.actions import create_article
from livenews.articles.models import Article
from livenews.articles.normalize import normalize_entry
from livenews.events.models import Event
from livenews.pipeline import ingest_once
from livenews.sources.actions import add_source
from livenews.sources.models import Source
from livenews.sources.parsers import ParsedEntry
from livenews.stories import actions, lifecycle
from livenews.stories.models import Story, Topic
from tests.support.feeds import Item, rss

WHEN = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)

QUAKE = [
    (
        "Magnitude 6.1 earthquake strikes Velora province, killing 12",
        "A magnitude 6.1 earthquake struck Velora province on Tuesday, killing 12 "
        "people and flattening homes in the town of Ostrand, officials said. "
        "Rescue teams from Ostrand searched the rubble overnight.",
    ),
    (
        "Velora earthquake death toll rises to 12 as Ostrand digs out",
        "Rescuers in Ostrand pulled survivors from collapsed homes after the "
        "magnitude 6.1 quake in Velora province. Governor Anika Brell said 12 "
        "people died.",
    ),
    (
        "Governor Brell declares emergency in Velora after 6.1 quake",
        "Anika Brell, governor of Velora province, declared a state of emergency "
        "in Ostrand, where the earthquake killed 12 people. Brell asked for tents.",
    ),
]
LOOK_ALIKE = (
    "Magnitude 5.4 earthquake hits Tarsis coast, 3 injured",
    "A magnitude 5.4 earthquake shook the Tarsis coast on Friday, injuring 3 "
    "people in the port of Mello, the Tarsis civil protection agency said.",
)
OTHER_NEWS = [
    ("Central bank holds interest rates", "The Norvasse central bank kept rates."),
    ("Cup final tickets sell out", "Fans of Marrowby Rovers bought every ticket."),
    ("Parliament passes budget bill", "Lawmakers in Dellin approved the budget."),
]
WIRE_TEXT = (
    "<p>Dockworkers at the port of Saltmere walked off the job at the start of the "
    "early shift on Monday, their union said, after talks with terminal operator "
    "Ostrel broke down over a proposed pay rise of 2.5 percent.</p><p>Union "
    "secretary Hedda Vantrell told reporters at the gates that members wanted a "
    "fair share. Ostrel said its offer remained on the table and that it regretted "
    "the walkout, which left container cranes idle and ships waiting offshore.</p>"
)


def source(name: str) -> Source:
    return Source.objects.create(url=f"https://{name}.example.org/feed", name=name)


def publish(
    src: Source, guid: str, title: str, html: str, when: datetime = WHEN
) -> Article:
    entry = ParsedEntry(
        guid=guid,
        url=f"{src.url.removesuffix('feed')}{guid}",
        title=title,
        content_html=html,
        published=when,
    )
    with transaction.atomic():
        fetched = WHEN + timedelta(days=1)
        article = create_article(src, normalize_entry(entry, fetched), fetched)
        actions.place_article(article)
    article.refresh_from_db()
    return article


def items(prefix: str, reports: list[tuple[str, str]]) -> list[Item]:
    return [
        Item(
            guid=f"{prefix}-{n}",
            title=title,
            link=f"https://{prefix}.example.org/{n}",
            published=WHEN + timedelta(minutes=n),
            content=f"<p>{text}</p>",
        )
        for n, (title, text) in enumerate(reports)
    ]


@pytest.mark.django_db(transaction=True)
def test_a_story_forms_from_several_feeds_and_stays_apart_from_a_look_alike_event(
    feed_server,
):
    add_source(feed_server.serve("/a.xml", rss(items("a", [*OTHER_NEWS, QUAKE[0]]))))
    add_source(feed_server.serve("/b.xml", rss(items("b", [QUAKE[1], LOOK_ALIKE]))))
    add_source(feed_server.serve("/c.xml", rss(items("c", [QUAKE[2]]))))

    ingest_once()

    quake = Story.objects.get(articles__guid="a-3")
    assert set(quake.articles.values_list("guid", flat=True)) == {"a-3", "b-0", "c-0"}
    assert quake.source_count == 3
    assert Story.objects.get(articles__guid="b-1") != quake
    assert Story.objects.count() == len(OTHER_NEWS) + 2


@pytest.mark.django_db
def test_a_wire_copy_by_three_outlets_shows_as_one_article_also_published_by_2(
    client,
):
    first = publish(source("wire"), "w1", "Saltmere dockworkers strike", WIRE_TEXT)
    second = publish(
        source("courier"),
        "c1",
        "Port strike halts cranes",
        "<p>Published under licence.</p>" + WIRE_TEXT,
        WHEN + timedelta(minutes=5),
    )
    third = publish(
        source("herald"),
        "h1",
        "Saltmere walkout",
        WIRE_TEXT[: len(WIRE_TEXT) * 3 // 4] + "</p>",
        WHEN + timedelta(minutes=9),
    )

    assert (second.duplicate_of_id, third.duplicate_of_id) == (first.pk, first.pk)
    assert first.duplicate_of_id is None
    story = Story.objects.get()
    assert (story.article_count, story.source_count) == (1, 3)
    # Its pace counts the same articles as its count: the copies are folded.
    assert story.velocity == lifecycle.velocity(1)
    page = client.get(story.get_absolute_url()).content.decode()
    assert page.count('class="river-item"') == 1
    # The page names the two other outlets after "also published by".
    also = page.split('class="also-published"', 1)[1].split("</span>", 1)[0]
    assert "also published by" in also
    assert also.count("<a ") == 2
    assert "courier" in also and "herald" in also


@pytest.mark.django_db
def test_a_copy_published_earlier_becomes_the_original():
    later = publish(
        source("late"), "l1", "Strike", WIRE_TEXT, WHEN + timedelta(hours=1)
    )
    earlier = publish(source("early"), "e1", "Port strike", WIRE_TEXT, WHEN)

    later.refresh_from_db()
    assert earlier.duplicate_of_id is None
    assert later.duplicate_of_id == earlier.pk
    assert earlier.story_id == later.story_id


@pytest.mark.django_db
def test_an_editors_merge_and_headline_survive_new_arrivals():
    src = source("feed")
    for n, (title, text) in enumerate(OTHER_NEWS):
        publish(src, f"o{n}", title, f"<p>{text}</p>")
    velora = publish(src, "q0", *QUAKE[0]).story
    relief = publish(
        src,
        "r0",
        "Aid convoy sets out for Harrow Field camps",
        "<p>Trucks carrying tents and water left Dellin for the camps of Harrow "
        "Field, where relief workers expect to shelter 4,000 families.</p>",
    ).story
    assert velora != relief
    actions.merge_stories(velora, relief)
    actions.set_editor_headline(velora, "Velora earthquake: full coverage")

    newer = [
        publish(src, "q1", *QUAKE[1]),
        publish(
            src,
            "r1",
            "Second aid convoy reaches Harrow Field camps",
            "<p>A second convoy of trucks with tents and water reached the camps "
            "of Harrow Field, where relief workers shelter 4,000 families.</p>",
        ),
    ]

    assert {a.story_id for a in newer} == {velora.pk}
    velora.refresh_from_db()
    relief.refresh_from_db()
    assert velora.display_headline == "Velora earthquake: full coverage"
    assert relief.merged_into_id == velora.pk and relief.status == "closed"
    assert Article.objects.filter(story=relief).count() == 0


@pytest.mark.django_db
def test_merged_story_page_redirects_to_the_story_it_joined(client):
    src = source("feed")
    keep = publish(src, "a", *QUAKE[0]).story
    gone = publish(src, "b", *OTHER_NEWS[0]).story
    actions.merge_stories(keep, gone)

    page = client.get(f"/story/{gone.pk}/")

    assert page.status_code == 302 and page["Location"] == f"/story/{keep.pk}/"


@pytest.mark.django_db
def test_split_moves_articles_to_a_new_story_that_keeps_growing():
    src = source("feed")
    story = publish(src, "q0", *QUAKE[0]).story
    second = publish(src, "q1", *QUAKE[1])
    assert second.story_id == story.pk

    new = actions.split_story(story, [second.pk])

    story.refresh_from_db()
    assert set(new.articles.values_list("guid", flat=True)) == {"q1"}
    assert (story.article_count, new.article_count) == (1, 1)


@pytest.mark.django_db
def test_placing_emits_story_and_article_events_and_a_copy_updates_the_story():
    wire = publish(source("wire"), "w1", "Saltmere dockworkers strike", WIRE_TEXT)
    assert list(Event.objects.values_list("type", flat=True)) == [
        "story.created",
        "article.added",
    ]
    Event.objects.all().delete()

    publish(source("other"), "o1", "Port strike", WIRE_TEXT)

    events = list(Event.objects.values("type", "payload"))
    assert [e["type"] for e in events] == ["story.updated", "article.added"]
    assert events[0]["payload"]["story_id"] == wire.story_id
    assert events[0]["payload"]["source_count"] == 2


@pytest.mark.django_db
def test_a_story_lists_its_people_and_places_and_the_topic_page_lists_it(client):
    src = source("feed")
    for n, (title, text) in enumerate(QUAKE):
        story = publish(src, f"q{n}", title, f"<p>{text}</p>").story

    names = set(story.topics.values_list("name", flat=True))
    assert {"Anika Brell", "Ostrand", "Velora"} <= names
    assert not Topic.objects.filter(name="Brell").exists()
    assert Topic.objects.get(name="Anika Brell").kind == "person"
    page = client.get(story.get_absolute_url()).content.decode()
    assert 'href="/topic/anika-brell/"' in page
    topic_page = client.get("/topic/anika-brell/").content.decode()
    assert story.display_headline in topic_page


@pytest.mark.django_db
def test_a_surname_topic_is_completed_when_the_full_name_appears():
    src = source("feed")
    publish(
        src,
        "p0",
        "Talks rejected by Lukashenko",
        "<p>Leaders said Lukashenko left.</p>",
    )
    assert Topic.objects.filter(name="Lukashenko").exists()

    publish(
        src,
        "p1",
        "Factories strike against Lukashenko",
        "<p>Workers booed President Aleksandr Lukashenko in Minsk.</p>",
    )

    assert not Topic.objects.filter(name="Lukashenko").exists()
    assert Topic.objects.get(name="Aleksandr Lukashenko").stories.count() >= 1
