"""The ingest pipeline against feeds served on 127.0.0.1."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from livenews.articles.models import Article
from livenews.events.models import Event
from livenews.pipeline import ingest_once
from livenews.sources.actions import add_source
from livenews.sources.models import Source
from livenews.stories.models import Story
from tests.support.feeds import Item, atom, json_feed, rss

pytestmark = pytest.mark.django_db(transaction=True)

# Recent, so the sources' rhythm (one item a minute) does not look stalled.
WHEN = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)


def sample_items(prefix: str = "a", count: int = 3) -> list[Item]:
    return [
        Item(
            guid=f"{prefix}-{n}",
            title=f"Harbour cranes halted in Port Mirel as dockers strike, day {n}",
            link=f"https://news.example.org/{prefix}/{n}?utm_source=rss",
            published=WHEN + timedelta(minutes=n),
            summary=f"<p>Dockers at Port Mirel stopped the cranes, report {n}.</p>",
            author="Ana Ruiz",
        )
        for n in range(count)
    ]


def make_due(source: Source) -> None:
    Source.objects.filter(pk=source.pk).update(next_poll_at=None)


def test_new_items_are_stored_once_with_their_events(feed_server):
    url = feed_server.serve("/feed.xml", rss(sample_items()))
    source = add_source(url)

    report = ingest_once()

    assert report.new_articles == 3
    assert Article.objects.filter(source=source).count() == 3
    types = list(Event.objects.values_list("type", flat=True))
    assert types.count("article.added") == 3
    # Placed in one transaction: one event for the story, with the final counts.
    assert types.count("story.created") == 1
    assert types.count("story.updated") == 0
    created = Event.objects.get(type="story.created")
    assert created.payload["article_count"] == 3
    assert types.index("story.created") < types.index("article.added")
    article = Article.objects.get(guid="a-1")
    assert article.canonical_url == "https://news.example.org/a/1"
    assert article.authors == ["Ana Ruiz"]
    assert article.published_at == WHEN + timedelta(minutes=1)


def test_304_leaves_articles_untouched(feed_server):
    url = feed_server.serve("/feed.xml", rss(sample_items()))
    source = add_source(url)
    ingest_once()
    events_before = Event.objects.count()
    make_due(source)

    report = ingest_once()

    assert report.new_articles == 0
    assert Article.objects.count() == 3
    assert Event.objects.count() == events_before
    source.refresh_from_db()
    assert source.last_status == 304
    assert source.health == "ok"


def test_a_new_item_in_a_known_feed_adds_only_that_item(feed_server):
    items = sample_items()
    url = feed_server.serve("/feed.xml", rss(items))
    source = add_source(url)
    ingest_once()
    feed_server.serve("/feed.xml", rss([*items, *sample_items("b", 1)]))
    make_due(source)

    report = ingest_once()

    assert report.new_articles == 1
    assert Article.objects.count() == 4


@pytest.mark.parametrize(
    "render", [rss, atom, json_feed], ids=["rss", "atom", "jsonfeed"]
)
def test_each_feed_format_is_ingested(feed_server, render):
    url = feed_server.serve("/feed", render(sample_items(count=2)))
    add_source(url)

    assert ingest_once().new_articles == 2
    titles = set(Article.objects.values_list("title", flat=True))
    assert "Harbour cranes halted in Port Mirel as dockers strike, day 1" in titles


def test_a_broken_source_is_marked_and_the_others_still_ingest(feed_server):
    good = add_source(feed_server.serve("/good.xml", rss(sample_items())))
    html = add_source(
        feed_server.serve(
            "/page",
            "<!doctype html><html><body>hi</body></html>",
            content_type="text/html",
        )
    )
    missing = add_source(feed_server.url("/nothing-here.xml"))
    refused = add_source("http://127.0.0.1:9/feed.xml")

    report = ingest_once()

    assert report.new_articles == 3
    good.refresh_from_db()
    html.refresh_from_db()
    missing.refresh_from_db()
    refused.refresh_from_db()
    assert good.health == "ok"
    assert html.health == "failing"
    assert html.last_error.startswith(
        "not a feed: got an HTML page (text/html), and no feed"
    )
    assert missing.last_error == "HTTP 404 Not Found"
    assert refused.last_error.startswith("could not connect")
    assert refused.next_poll_at > refused.last_fetched_at


def test_scripts_in_feed_html_are_removed(feed_server):
    item = Item(
        guid="x1",
        title="<script>alert(1)</script>Cranes <b>stop</b>",
        link="javascript:alert(1)",
        published=WHEN,
        content='<p onclick="alert(1)">Body<script>alert(2)</script>'
        '<a href="javascript:alert(3)">x</a><iframe src="https://evil"></iframe></p>',
    )
    add_source(feed_server.serve("/feed.xml", rss([item])))

    ingest_once()

    article = Article.objects.get()
    assert "<" not in article.title and "script" not in article.title.lower()
    assert article.url == ""
    for bad in ("script", "onclick", "javascript:", "iframe"):
        assert bad not in article.body_html
    assert "Body" in article.body_html


def test_similar_reports_join_one_story_and_others_start_their_own(feed_server):
    first = add_source(feed_server.serve("/one.xml", rss(sample_items("one", 1))))
    assert first
    other = Item(
        guid="flood-1",
        title="River Aldor floods the lower town of Vesk after record rainfall",
        link="https://news.example.org/flood",
        published=WHEN,
    )
    add_source(feed_server.serve("/two.xml", rss([*sample_items("two", 1), other])))

    ingest_once()

    strike = Story.objects.get(articles__guid="one-0")
    assert set(strike.articles.values_list("guid", flat=True)) == {"one-0", "two-0"}
    assert strike.source_count == 2
    assert Story.objects.get(articles__guid="flood-1") != strike


def test_a_pass_stores_then_places_every_article_and_none_waits(feed_server):
    url = feed_server.serve("/feed.xml", rss(sample_items(count=5)))
    add_source(url)

    report = ingest_once()

    assert (report.new_articles, report.placed) == (5, 5)
    assert not Article.objects.filter(awaits_story=True).exists()
    assert not Article.objects.filter(story__isnull=True).exists()
    added = Event.objects.filter(type="article.added")
    assert sorted(e.payload["article_id"] for e in added) == sorted(
        Article.objects.values_list("id", flat=True)
    )


def test_articles_left_waiting_by_a_dead_worker_are_placed_by_the_next_pass(
    feed_server,
):
    url = feed_server.serve("/feed.xml", rss(sample_items(count=4)))
    source = add_source(url)
    ingest_once()
    # As if a worker died after storing: two articles wait, unannounced.
    waiting = list(Article.objects.order_by("id")[:2])
    Article.objects.filter(pk__in=[a.pk for a in waiting]).update(
        awaits_story=True, story=None
    )
    Event.objects.filter(type="article.added").filter(
        payload__article_id__in=[a.pk for a in waiting]
    ).delete()

    report = ingest_once()  # nothing is due: only the waiting ones are placed

    assert (report.sources, report.placed) == (0, 2)
    assert Article.objects.filter(source=source, story__isnull=True).count() == 0
    announced = [
        e.payload["article_id"] for e in Event.objects.filter(type="article.added")
    ]
    assert sorted(announced) == sorted(Article.objects.values_list("id", flat=True))


def test_an_article_already_claimed_is_not_placed_or_announced_again(feed_server):
    from livenews.stories.actions import place_waiting_articles

    url = feed_server.serve("/feed.xml", rss(sample_items(count=1)))
    add_source(url)
    ingest_once()
    article = Article.objects.get()
    article.awaits_story = True  # a stale copy: another worker placed it since

    assert place_waiting_articles([article]) == 0
    assert Event.objects.filter(type="article.added").count() == 1


def test_a_new_storys_figures_equal_a_full_recount(feed_server):
    from livenews.stories.actions import _refresh

    items = sample_items(count=1)
    url = feed_server.serve("/feed.xml", rss(items))
    source = add_source(url)
    Source.objects.filter(pk=source.pk).update(section="world")
    ingest_once()
    story = Story.objects.get()
    quick = (
        story.article_count,
        story.source_count,
        story.velocity,
        story.section,
        story.status,
    )

    _refresh(story)

    assert quick == (
        story.article_count,
        story.source_count,
        story.velocity,
        story.section,
        story.status,
    )
    assert quick[:2] == (1, 1)
    assert quick[3] == "world"


def test_articles_get_the_declared_or_detected_language(feed_server):
    english = feed_server.serve("/en.xml", rss(sample_items("en", 5)))
    declared = feed_server.serve(
        "/fr.xml",
        rss(sample_items("fr", 1)).replace(
            "<description>test</description>",
            "<description>test</description><language>fr-FR</language>",
        ),
    )
    add_source(english)
    add_source(declared)

    ingest_once()

    english_ones = Article.objects.filter(guid__startswith="en-")
    assert [a.language for a in english_ones] == ["en"] * 5
    assert Article.objects.get(guid="fr-0").language == "fr"  # as the feed says


def test_a_google_news_sitemap_is_a_source(feed_server):
    from pathlib import Path

    body = (Path(__file__).parent / "data" / "sitemaps" / "news.xml").read_bytes()
    url = feed_server.serve("/news-sitemap.xml", body)
    source = add_source(url)

    report = ingest_once()

    assert (report.new_articles, report.placed) == (2, 2)
    article = Article.objects.get(url__endswith="dockers-strike")
    assert article.title == "Dockers stop the cranes & the strike spreads"
    assert article.language == "en"
    assert article.published_at == datetime(2026, 11, 28, 8, 15, tzinfo=UTC)
    assert article.lead_image_url == "https://mirel-herald.example/img/cranes.jpg"
    source.refresh_from_db()
    assert (source.name, source.health) == ("The Mirel Herald", "ok")


def test_stages_and_freshness_are_measured(feed_server):
    from prometheus_client import REGISTRY

    def count(name: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(f"livenews_{name}_count", labels) or 0.0

    names = [("parse_seconds", {}), ("store_seconds", {}), ("place_seconds", {})]
    steps = ["published_to_fetched", "fetched_to_stored", "stored_to_announced"]
    names += [("article_freshness_seconds", {"step": step}) for step in steps]
    before = [count(name, **labels) for name, labels in names]
    add_source(feed_server.serve("/feed.xml", rss(sample_items(count=3))))

    ingest_once()

    after = [count(name, **labels) for name, labels in names]
    grown = [b - a for a, b in zip(before, after, strict=True)]
    assert grown == [1, 1, 1, 3, 3, 3]


def test_bulk_stored_articles_are_searchable_with_their_story(feed_server):
    from livenews.search.models import PendingArticle, SearchDocument

    add_source(feed_server.serve("/feed.xml", rss(sample_items(count=3))))

    ingest_once()

    assert not PendingArticle.objects.exists()
    documents = dict(SearchDocument.objects.values_list("article_id", "story_id"))
    assert documents == dict(Article.objects.values_list("id", "story_id"))
    assert None not in documents.values()
