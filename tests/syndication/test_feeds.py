"""Feeds out: every kind parses cleanly, with stable ids, dates and links."""

from __future__ import annotations

import json
from email.utils import parsedate_to_datetime

import feedparser
import pytest

from livenews.stories.models import Story

pytestmark = pytest.mark.django_db

HOST = "testserver"


def feed_urls(newsroom) -> dict[str, str]:
    return {
        "front": "/feeds/front",
        "story": f"/feeds/story/{newsroom.story.pk}",
        "liveblog": f"/feeds/liveblog/{newsroom.liveblog.pk}",
        "topic": "/feeds/topic/mirel-harbour",
        "search": "/feeds/search",
    }


def expected_ids(newsroom, kind: str) -> list[str]:
    def tag(kind: str, obj, moment) -> str:
        return f"tag:{HOST},{moment.date().isoformat()}:{kind}:{obj.pk}"

    stories = [
        tag("story", s, s.first_seen_at) for s in (newsroom.story, newsroom.other_story)
    ]
    articles = [tag("article", a, a.stored_at) for a in newsroom.articles]
    entries = [tag("liveentry", e, e.created_at) for e in reversed(newsroom.entries)]
    return {
        "front": stories,
        "topic": stories[:1],
        "story": articles,
        "search": articles,
        "liveblog": entries,
    }[kind]


def fetch(client, url: str):
    query = {"q": "strike"} if "search" in url else {}
    return client.get(url, query)


@pytest.mark.parametrize("fmt", ["rss", "atom"])
@pytest.mark.parametrize("kind", ["front", "story", "liveblog", "topic", "search"])
def test_xml_feeds_parse_cleanly_with_stable_ids_dates_and_links(
    client, newsroom, kind, fmt
):
    response = fetch(client, f"{feed_urls(newsroom)[kind]}.{fmt}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith(f"application/{fmt}+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == ("atom10" if fmt == "atom" else "rss20")
    assert [e.id for e in parsed.entries] == expected_ids(newsroom, kind)
    for entry in parsed.entries:
        assert entry.link.startswith(f"http://{HOST}/")
        assert entry.published_parsed is not None
        assert entry.updated_parsed is not None
        assert entry.title
    again = feedparser.parse(
        fetch(client, f"{feed_urls(newsroom)[kind]}.{fmt}").content
    )
    assert [e.id for e in again.entries] == [e.id for e in parsed.entries]


def test_story_feed_carries_body_authors_categories_and_lead_image(client, newsroom):
    parsed = feedparser.parse(
        client.get(f"/feeds/story/{newsroom.story.pk}.rss").content
    )
    first = parsed.entries[0]
    article = newsroom.articles[0]

    assert first.link == f"http://{HOST}/article/{article.pk}/"
    assert "Body of report 1 &amp; more." in first.content[0].value
    assert first.summary == "Summary 1."
    assert first.author == "Ana Reporter"
    assert [t.term for t in first.tags] == ["world"]
    assert first.enclosures[0].href == "https://img.example.org/cranes.png"
    assert first.enclosures[0].type == "image/png"
    published = parsedate_to_datetime(first.published)
    assert published == article.published_at.replace(microsecond=0)


def test_hidden_articles_and_copies_stay_out_of_feeds(client, newsroom):
    parsed = feedparser.parse(
        client.get(f"/feeds/story/{newsroom.story.pk}.atom").content
    )
    ids = " ".join(e.id for e in parsed.entries)
    assert f"article:{newsroom.hidden_article.pk}" not in ids


def test_atom_updated_follows_an_edited_live_entry(client, newsroom):
    from livenews.live.actions import edit_entry

    url = f"/feeds/liveblog/{newsroom.liveblog.pk}.atom"
    entry = newsroom.entries[0]
    before = {
        e.id: e.updated_parsed
        for e in feedparser.parse(client.get(url).content).entries
    }

    edited = edit_entry(entry, body_html="<p>Gates closed at dawn, reopened.</p>")

    after = feedparser.parse(client.get(url).content)
    row = next(e for e in after.entries if e.id.endswith(f":liveentry:{entry.pk}"))
    assert row.id in before
    assert row.updated_parsed != before[row.id]
    assert row.updated_parsed[:6] == edited.edited_at.timetuple()[:6]
    assert row.published_parsed[:6] == entry.created_at.timetuple()[:6]


def test_liveblog_entries_name_their_author_and_key_events(client, newsroom):
    parsed = feedparser.parse(
        client.get(f"/feeds/liveblog/{newsroom.liveblog.pk}.atom").content
    )
    by_id = {e.id.rsplit(":", 1)[1]: e for e in parsed.entries}
    first, key = newsroom.entries
    assert by_id[str(first.pk)].author == "Eda Tor"
    assert [t.term for t in by_id[str(key.pk)].tags] == ["key event"]
    assert by_id[str(key.pk)].title == "Police arrive."
    assert by_id[str(key.pk)].link.endswith(
        f"/liveblog/{newsroom.liveblog.pk}/#entry-{key.pk}"
    )


@pytest.mark.parametrize(
    ("title", "feed_title", "description"),
    [
        ("Harbour strike", "Harbour strike — live — ", "Live: Harbour strike"),
        ("Live: Harbour strike", "Live: Harbour strike — ", "Live: Harbour strike"),
        ("LIVE \u2013 strike", "LIVE \u2013 strike — ", "LIVE \u2013 strike"),
        ("Liverpool docks", "Liverpool docks — live — ", "Live: Liverpool docks"),
    ],
)
def test_liveblog_feed_says_live_once(client, newsroom, title, feed_title, description):
    newsroom.liveblog.title = title
    newsroom.liveblog.save(update_fields=["title"])
    parsed = feedparser.parse(
        client.get(f"/feeds/liveblog/{newsroom.liveblog.pk}.rss").content
    )
    assert parsed.feed.title.startswith(feed_title)
    assert parsed.feed.title.count("—") == feed_title.count("—")
    assert parsed.feed.description == description


JSON_FEED_REQUIRED = {"version", "title", "items"}


@pytest.mark.parametrize("kind", ["front", "story", "liveblog", "topic", "search"])
def test_json_feed_has_the_fields_json_feed_1_1_requires(client, newsroom, kind):
    response = fetch(client, f"{feed_urls(newsroom)[kind]}.json")

    assert response["Content-Type"].startswith("application/feed+json")
    feed = json.loads(response.content)
    assert feed.keys() >= JSON_FEED_REQUIRED
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"].startswith(f"http://{HOST}/feeds/")
    assert all(isinstance(a["name"], str) for a in feed["authors"])
    assert [item["id"] for item in feed["items"]] == expected_ids(newsroom, kind)
    for item in feed["items"]:
        assert isinstance(item["id"], str)
        assert item.get("content_html") or item.get("content_text")
        assert item["url"].startswith(f"http://{HOST}/")
        for field in ("date_published", "date_modified"):
            assert item[field][10] == "T" and item[field].endswith("+00:00")
        for name in ("tags",):
            assert isinstance(item.get(name, []), list)


def test_search_feed_filters_titles_and_keeps_the_query_in_its_url(client, newsroom):
    feed = client.get("/feeds/search.json", {"q": "budget"}).json()
    assert [i["id"].rsplit(":", 1)[1] for i in feed["items"]] == [
        str(newsroom.old_article.pk)
    ]
    assert feed["feed_url"].endswith("/feeds/search.json?q=budget")
    assert client.get("/feeds/search.json").json()["items"] == []


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("/feeds/front.rss", "front"),
        ("/feeds/search.atom?q=x", "front"),
        ("/sitemap.xml", "front"),
        ("/sitemaps/news.xml", "front"),
    ],
)
def test_feeds_are_marked_for_the_edge_cache(client, newsroom, url, key):
    assert client.get(url)["X-Livenews-Cache-Keys"] == key


def test_story_and_liveblog_feeds_are_marked_with_their_objects(client, newsroom):
    story = client.get(f"/feeds/story/{newsroom.story.pk}.json")
    liveblog = client.get(f"/feeds/liveblog/{newsroom.liveblog.pk}.rss")
    assert story["X-Livenews-Cache-Keys"] == f"story:{newsroom.story.pk}"
    assert liveblog["X-Livenews-Cache-Keys"] == f"liveblog:{newsroom.liveblog.pk}"


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_conditional_requests_get_304_until_the_feed_changes(client, newsroom, fmt):
    url = f"/feeds/story/{newsroom.story.pk}.{fmt}"
    first = client.get(url)
    assert first["ETag"] and first["Last-Modified"]
    assert "max-age=" in first["Cache-Control"]

    by_etag = client.get(url, headers={"If-None-Match": first["ETag"]})
    by_date = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert by_etag.status_code == 304 and by_etag.content == b""
    assert by_etag["ETag"] == first["ETag"]
    assert by_date.status_code == 304

    Story.objects.filter(pk=newsroom.story.pk).update(headline="Strike ends")
    newsroom.articles[0].title = "Strike ends at the port"
    newsroom.articles[0].save()
    changed = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def test_empty_feed_keeps_its_etag(client, db):
    first = client.get("/feeds/front.atom")
    second = client.get("/feeds/front.atom")
    assert not feedparser.parse(first.content).bozo
    assert first["ETag"] == second["ETag"]


def test_merged_story_feed_redirects_to_the_surviving_story(client, newsroom):
    Story.objects.filter(pk=newsroom.other_story.pk).update(merged_into=newsroom.story)
    response = client.get(f"/feeds/story/{newsroom.other_story.pk}.atom")
    assert response.status_code == 301
    assert response["Location"] == f"/feeds/story/{newsroom.story.pk}.atom"


def test_unknown_objects_are_404(client, db):
    assert client.get("/feeds/story/999.rss").status_code == 404
    assert client.get("/feeds/topic/nobody.json").status_code == 404
    assert client.get("/feeds/front.xml").status_code == 404


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_a_correction_moves_the_articles_updated_date(client, newsroom, fmt):
    from livenews.articles.actions import correct_article

    article = newsroom.articles[1]
    url = f"/feeds/story/{newsroom.story.pk}.{fmt}"
    before = client.get(url)

    corrected = correct_article(
        article, "Dockers strike spreads to port 2 (corrected)", "<p>Fixed.</p>", "Port"
    )

    after = client.get(url, headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200
    if fmt == "json":
        item = next(
            i for i in after.json()["items"] if i["id"].endswith(f":{article.pk}")
        )
        assert item["date_modified"] == corrected.updated_at.isoformat()
        assert item["date_published"] == article.published_at.isoformat()
        return
    entry = next(
        e
        for e in feedparser.parse(after.content).entries
        if e.id.endswith(f"article:{article.pk}")
    )
    assert entry.title.endswith("(corrected)")
    if fmt == "atom":  # RSS 2.0 has no per-item updated date
        assert entry.updated_parsed[:6] == corrected.updated_at.timetuple()[:6]
        assert entry.published_parsed[:6] == article.published_at.timetuple()[:6]


def test_section_feed_lists_that_sections_articles(client, newsroom):
    feed = client.get("/feeds/section/world.json").json()
    assert [i["id"].rsplit(":", 1)[1] for i in feed["items"]] == [
        str(a.pk) for a in [*newsroom.articles, newsroom.old_article]
    ]
    # A standard section with nothing yet is an empty feed; an unknown one is 404.
    assert client.get("/feeds/section/sport.json").json()["items"] == []
    assert client.get("/feeds/section/no-such-place.rss").status_code == 404
