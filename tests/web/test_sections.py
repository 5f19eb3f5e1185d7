"""Sections: articles and stories get one, section pages list them and stay fresh."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from livenews.articles.models import Article
from livenews.events.models import Event
from livenews.events.queries import get_latest_event_id
from livenews.pipeline import store_entry
from livenews.sources.models import Source
from livenews.sources.parsers import ParsedEntry
from livenews.stories.models import Story
from tests.support.hubwait import wait_for_hub

FETCHED = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def entry(guid: str, title: str, categories: tuple[str, ...] = ()) -> ParsedEntry:
    return ParsedEntry(
        guid=guid,
        url=f"https://example.org/{guid}",
        title=title,
        summary_html=f"<p>{title}.</p>",
        published=datetime(2026, 5, 1, 8, 0, tzinfo=UTC),
        categories=categories,
    )


@pytest.mark.django_db
def test_the_pipeline_sets_the_section_from_categories_then_the_source():
    source = Source.objects.create(url="https://a.example.org/feed", section="World")
    store_entry(source, entry("a", "Mirel harbour cup final", ("Football",)), FETCHED)
    store_entry(source, entry("b", "Varn pass closes in snowstorm", ("News",)), FETCHED)

    sections = dict(Article.objects.values_list("guid", "section"))
    assert sections == {"a": "sport", "b": "world"}


@pytest.mark.django_db
def test_a_story_takes_the_section_most_of_its_articles_have():
    sport = Source.objects.create(url="https://s.example.org/feed", section="sport")
    news = [
        Source.objects.create(url=f"https://n{n}.example.org/feed", section="business")
        for n in range(2)
    ]
    title = "Harbour cranes at Mirel stop as dockers strike over pay"
    store_entry(sport, entry("s", title), FETCHED)
    story = Story.objects.get()
    assert story.section == "sport"

    for n, source in enumerate(news):
        store_entry(source, entry(f"n{n}", title + f" for day {n + 2}"), FETCHED)
    assert Story.objects.count() == 1
    story.refresh_from_db()
    assert story.section == "business"
    # The events name the section, so its pages hear about it.
    last = Event.objects.filter(type="story.updated").latest("id")
    assert "section:business" in last.channels.split()


@pytest.mark.django_db
def test_section_page_lists_its_stories_and_latest_only(client):
    tech = Source.objects.create(url="https://t.example.org/feed", name="Tech Daily")
    store_entry(tech, entry("t", "Chip plant opens in Ossel", ("Technology",)), FETCHED)
    store_entry(tech, entry("p", "Senate passes Varn budget", ("Politics",)), FETCHED)

    page = client.get("/section/technology/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Chip plant opens in Ossel" in text
    assert "Senate passes Varn budget" not in text
    assert 'data-channels="section:technology"' in text
    assert '<h1 id="top-heading">Technology</h1>' in text
    story = Story.objects.get(section="technology")
    keys = set(page.headers["X-Livenews-Cache-Keys"].split())
    assert {"section:technology", f"story:{story.pk}", "alerts"} <= keys
    # Every page lists the sections in its navigation.
    assert 'href="/section/politics/"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_standard_sections_answer_even_empty_and_unknown_ones_404(client):
    empty = client.get("/section/science/")
    assert empty.status_code == 200
    assert "No open Science stories right now" in empty.content.decode()
    assert client.get("/section/no-such-thing/").status_code == 404


@pytest.mark.django_db
def test_an_operators_own_section_gets_a_page(client):
    local = Source.objects.create(
        url="https://l.example.org/feed", section="Local news"
    )
    store_entry(local, entry("l", "Ossel library reopens after flood"), FETCHED)
    page = client.get("/section/local-news/")
    assert page.status_code == 200
    assert "Ossel library reopens after flood" in page.content.decode()


@pytest.mark.django_db
def test_front_page_shows_sections_beyond_the_top_stories(client):
    source = Source.objects.create(url="https://c.example.org/feed", name="Culture")
    words = (
        "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima "
        "mike november oscar papa quebec romeo sierra tango uniform victor"
    ).split()
    for n, word in enumerate(words):
        title = f"{word.title()} {word}ville opera {n} premieres with {word}son"
        store_entry(source, entry(f"c{n}", title, ("Arts",)), FETCHED)
    assert Story.objects.filter(section="culture").count() == len(words)

    text = client.get("/").content.decode()
    # The top 20 lead the page; the culture block shows the next ones.
    section = text[text.index('id="section-culture"') :]
    assert section.count('class="story-card') == 2


def test_an_article_event_makes_the_cached_section_page_fresh(edge_server):
    source = Source.objects.create(url="https://w.example.org/feed", section="world")
    store_entry(
        source, entry("w1", "Ferry strike spreads along the Ossel coast"), FETCHED
    )
    other = "/section/sport/"
    path = "/section/world/"
    for url in (path, other):
        httpx.get(edge_server.url(url))
        assert httpx.get(edge_server.url(url)).headers["x-cache"] == "HIT"

    store_entry(source, entry("w2", "Border talks resume in Varn capital"), FETCHED)
    wait_for_hub(edge_server, get_latest_event_id())

    fresh = httpx.get(edge_server.url(path))
    assert fresh.headers["x-cache"] == "MISS"
    assert "Border talks resume in Varn capital" in fresh.text
    assert httpx.get(edge_server.url(other)).headers["x-cache"] == "HIT"


def test_a_story_leaving_a_section_leaves_its_cached_page(edge_server):
    sport = Source.objects.create(url="https://s.example.org/feed", section="sport")
    title = "Harbour cranes at Mirel stop as dockers strike over pay"
    store_entry(sport, entry("s", title), FETCHED)
    path = "/section/sport/"
    story = Story.objects.get()
    card = f'id="story-{story.pk}"'
    httpx.get(edge_server.url(path))
    assert card in httpx.get(edge_server.url(path)).text

    for n in range(2):
        business = Source.objects.create(
            url=f"https://b{n}.example.org/feed", section="business"
        )
        store_entry(business, entry(f"b{n}", title + f" for day {n + 2}"), FETCHED)
    wait_for_hub(edge_server, get_latest_event_id())

    assert Story.objects.get().section == "business"
    # The sport article stays in the sport river; its story card leaves.
    assert card not in httpx.get(edge_server.url(path)).text
