"""The search page through Django's test client, and the header's search form."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import pytest

from livenews.core.cachekeys import HEADER
from livenews.core.timeutil import now
from livenews.search.queries import search_articles
from tests.search.builders import add_article, add_story

pytestmark = pytest.mark.django_db


class Collect(HTMLParser):
    """Collect the tags (with attributes) of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html: str, name: str) -> list[dict[str, str | None]]:
    parser = Collect()
    parser.feed(html)
    return [attrs for tag, attrs in parser.tags if tag == name]


def test_an_empty_query_shows_the_form_and_is_not_cached_by_the_edge(client):
    page = client.get("/search/")
    html = page.content.decode()
    assert page.status_code == 200
    assert any(form.get("role") == "search" for form in tags(html, "form"))
    assert any(label.get("for") == "search-q" for label in tags(html, "label"))
    assert "search-results" not in html
    assert HEADER not in page.headers
    assert "private" in page["Cache-Control"] and "no-cache" in page["Cache-Control"]


def test_results_show_headline_outlet_time_snippet_and_link_to_the_story(
    client, source
):
    article = add_article(
        source,
        "Harbour cranes stop at Mirel",
        "Dock workers walked out at dawn; the harbour is closed.",
        published_at=now() - timedelta(hours=2),
    )
    story = add_story(article, sources=3)

    html = client.get("/search/", {"q": "harbour"}).content.decode()

    assert "<mark>Harbour</mark> cranes stop at Mirel" in html
    assert "the <mark>harbour</mark> is closed" in html
    assert "Alpha Post" in html
    assert f'href="/story/{story.pk}/"' in html
    assert "1 result for" in html
    times = [t["datetime"] for t in tags(html, "time")]
    assert article.published_at.strftime("%Y-%m-%dT%H:%M") in times[0]


def test_a_query_without_results_says_so(client, source):
    add_article(source, "Harbour cranes stop")
    html = client.get("/search/", {"q": "volcano"}).content.decode()
    assert "No articles match “volcano”" in html


@pytest.mark.parametrize(
    "q", ['"', "AND OR NOT", "*", "NEAR(", "x" * 5000, "-", "<script>alert(1)</script>"]
)
def test_malformed_or_hostile_queries_get_a_page(client, source, q):
    add_article(source, "Harbour cranes stop")
    page = client.get(
        "/search/", {"q": q, "page": "-3", "source": "x", "from": "2026-99"}
    )
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.content.decode()


def test_a_hostile_title_is_shown_as_text(client, source):
    add_article(
        source, '<script>window.pwned=1</script><img src=x onerror="x()"> Flood'
    )
    html = client.get("/search/", {"q": "flood"}).content.decode()
    assert "<script>window.pwned" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html


def test_pages_link_to_each_other_and_keep_the_filters(client, source):
    for n in range(25):
        add_article(source, f"Rail strike day {n}", section="business")
    html = client.get("/search/", {"q": "rail", "section": "business"}).content.decode()
    nexts = [a["href"] for a in tags(html, "a") if a.get("rel") == "next"]
    assert nexts == ["?q=rail&section=business&page=2"]
    second = client.get("/search/?q=rail&section=business&page=2").content.decode()
    assert "Page 2 of 2" in second
    assert second.count('class="search-result"') == 5


def test_a_search_costs_three_queries(source, django_assert_num_queries):
    for n in range(30):
        add_story(add_article(source, f"Wildfire report {n}"), sources=2)
    # the pending-queue check, the candidates, the page's articles
    with django_assert_num_queries(3):
        results = search_articles("wildfire")
        assert [h.article.source.name for h in results.hits] == ["Alpha Post"] * 20
        assert all(h.article.story.source_count == 2 for h in results.hits)


def test_the_header_carries_a_labelled_search_form(client):
    html = client.get("/").content.decode()
    forms = [f for f in tags(html, "form") if f.get("role") == "search"]
    assert forms and forms[0]["action"] == "/search/"
    inputs = {i.get("id"): i for i in tags(html, "input")}
    assert inputs["masthead-q"]["name"] == "q"
    assert any(label.get("for") == "masthead-q" for label in tags(html, "label"))
