"""API reads: shapes, filters, cursor pages, ETag/304."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_stories_list_pages_with_a_cursor_and_filters(client, newsroom):
    first = client.get("/api/v1/stories", {"limit": 1}).json()
    assert [s["id"] for s in first["items"]] == [newsroom.story.pk]
    assert first["items"][0]["topics"][0]["slug"] == "mirel-harbour"
    second = client.get(
        "/api/v1/stories", {"limit": 1, "cursor": first["next_cursor"]}
    ).json()
    assert [s["id"] for s in second["items"]] == [newsroom.other_story.pk]
    assert second["next_cursor"] is None

    by_topic = client.get("/api/v1/stories", {"topic": "mirel-harbour"}).json()
    assert [s["id"] for s in by_topic["items"]] == [newsroom.story.pk]
    by_language = client.get("/api/v1/stories", {"language": "de-at"}).json()
    assert [s["id"] for s in by_language["items"]] == [newsroom.story.pk]
    recent = client.get(
        "/api/v1/stories",
        {"since": newsroom.story.updated_at.isoformat().replace("+00:00", "Z")},
    ).json()
    assert [s["id"] for s in recent["items"]] == [newsroom.story.pk]


def test_story_detail_has_its_visible_articles(client, newsroom):
    story = client.get(f"/api/v1/stories/{newsroom.story.pk}").json()
    assert [a["id"] for a in story["articles"]] == [a.pk for a in newsroom.articles]
    assert story["articles"][0]["source_name"] == "Outlet Daily"
    assert client.get("/api/v1/stories/999999").status_code == 404


def test_articles_filter_by_source_story_time_and_title(client, newsroom):
    everything = client.get("/api/v1/articles", {"limit": 2}).json()
    rest = client.get(
        "/api/v1/articles", {"limit": 2, "cursor": everything["next_cursor"]}
    ).json()
    ids = [a["id"] for a in everything["items"] + rest["items"]]
    assert ids == [a.pk for a in [*newsroom.articles, newsroom.old_article]]
    found = client.get("/api/v1/articles", {"q": "BUDGET"}).json()
    assert [a["id"] for a in found["items"]] == [newsroom.old_article.pk]
    in_story = client.get("/api/v1/articles", {"story": newsroom.other_story.pk})
    assert [a["id"] for a in in_story.json()["items"]] == [newsroom.old_article.pk]
    before = client.get(
        "/api/v1/articles", {"until": newsroom.articles[2].published_at.isoformat()}
    ).json()
    assert [a["id"] for a in before["items"]] == [newsroom.old_article.pk]
    assert (
        client.get(f"/api/v1/articles/{newsroom.hidden_article.pk}").status_code == 404
    )


def test_bad_cursor_is_a_400(client, db):
    assert client.get("/api/v1/stories", {"cursor": "nonsense!"}).status_code == 400


def test_liveblog_topics_sources_alerts_and_events(client, newsroom):
    blog = client.get(f"/api/v1/liveblogs/{newsroom.liveblog.pk}").json()
    assert [e["id"] for e in blog["entries"]] == [
        e.pk for e in reversed(newsroom.entries)
    ]
    assert blog["entries"][1]["author"] == "Eda Tor"
    assert client.get("/api/v1/topics").json()["items"][0]["name"] == "Mirel Harbour"
    source = client.get("/api/v1/sources").json()["items"][0]
    assert set(source) == {
        "id",
        "name",
        "site_url",
        "section",
        "health",
        "items_per_day",
        "last_success_at",
    }
    events = client.get("/api/v1/events", {"after": 0}).json()
    types = [e["type"] for e in events["events"]]
    assert types == ["liveblog.started", "liveentry.posted", "liveentry.posted"]
    later = client.get("/api/v1/events", {"after": events["last_id"]}).json()
    assert later == {"events": [], "last_id": events["last_id"]}


@pytest.mark.parametrize(
    "path", ["/api/v1/stories", "/api/v1/events?after=0", "/api/v1/openapi.json"]
)
def test_every_get_answers_if_none_match_with_304(client, newsroom, path):
    first = client.get(path)
    assert first["ETag"] and first["Cache-Control"].startswith("public")
    assert client.get(path, headers={"If-None-Match": first["ETag"]}).status_code == 304


def test_lists_send_last_modified_of_their_newest_row(client, newsroom):
    from django.utils.http import http_date

    response = client.get("/api/v1/stories")
    assert response["Last-Modified"] == http_date(newsroom.story.updated_at.timestamp())
    again = client.get(
        "/api/v1/stories", headers={"If-Modified-Since": response["Last-Modified"]}
    )
    assert again.status_code == 304


def test_docs_page_loads_nothing_from_other_hosts(client, db):
    page = client.get("/api/v1/docs").content.decode()
    assert "//" not in page.replace("http://www.w3.org", "")
    for asset in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"):
        assert f"/api/v1/docs/assets/{asset}" in page
        assert client.get(f"/api/v1/docs/assets/{asset}").status_code == 200
    assert client.get("/api/v1/docs/assets/../../settings.py").status_code == 404


def test_times_at_the_edge_of_the_calendar_are_a_400_not_a_crash(client, db):
    odd = client.get("/api/v1/articles", {"since": "0001-01-01T00:00:00+05:00"})
    assert odd.status_code == 400
    offset = client.get("/api/v1/stories", {"until": "0797-04-15T06:02:43+18:19"})
    assert offset.status_code == 200


def test_section_filter_and_corrections_in_articles(client, newsroom):
    from livenews.articles.actions import correct_article

    assert client.get("/api/v1/articles", {"section": "sport"}).json()["items"] == []
    world = client.get("/api/v1/stories", {"section": "World"}).json()["items"]
    assert {s["id"] for s in world} == {newsroom.story.pk, newsroom.other_story.pk}
    article = newsroom.articles[0]
    assert client.get(f"/api/v1/articles/{article.pk}").json()["updated_at"] is None
    correct_article(article, "New title", "<p>x</p>", "Title fixed")
    assert client.get(f"/api/v1/articles/{article.pk}").json()["updated_at"]
