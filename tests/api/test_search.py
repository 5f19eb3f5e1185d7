"""GET /api/v1/search: the site's full-text search as JSON."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_search_finds_articles_with_marked_titles(client, newsroom):
    found = client.get("/api/v1/search", {"q": "port 2"}).json()
    assert found["total"] >= 1
    first = found["items"][0]
    assert first["id"] == newsroom.articles[1].pk
    assert first["page_url"] == f"/article/{first['id']}/"
    assert "<mark>" in first["title_html"]
    assert first["source_name"] == "Outlet Daily"


def test_search_never_returns_hidden_articles_and_filters_apply(client, newsroom):
    hidden = newsroom.hidden_article
    ids = {
        i["id"] for i in client.get("/api/v1/search", {"q": "dockers"}).json()["items"]
    }
    assert ids and hidden.pk not in ids
    other = client.get("/api/v1/search", {"q": "dockers", "section": "sport"}).json()
    assert other["items"] == [] and other["total"] == 0


def test_empty_and_hostile_queries_answer_200(client, newsroom):
    for q in ["", '"', "NEAR(", "AND OR NOT", "*", "<script>alert(1)</script>"]:
        answer = client.get("/api/v1/search", {"q": q})
        assert answer.status_code == 200, q
        # Echoed as JSON data, never as HTML.
        assert answer["Content-Type"].startswith("application/json")
        assert answer.json()["query"] == q
