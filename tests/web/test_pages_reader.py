"""Reader pages: source, about, 500, story coverage, meta tags, breadcrumbs, times."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from django.test import RequestFactory

from livenews.articles.models import Article
from livenews.core.timeutil import now
from livenews.live import actions as live_actions
from livenews.sources.models import Source
from livenews.stories.models import Story, Topic
from livenews.web import views
from livenews.web.templatetags.pagetime import ago, http_url, relative_text
from tests.support.articles import store_article

pytestmark = pytest.mark.django_db


class HeadReader(HTMLParser):
    """Collect <meta>, <link rel> and JSON-LD blocks of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, list[str]] = {}
        self.json_ld: list[dict] = []
        self._in_ld = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and "content" in a:
            self.meta[a.get("property") or a.get("name") or ""] = a["content"]
        elif tag == "link" and "rel" in a:
            self.links.setdefault(a["rel"], []).append(a.get("href", ""))
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in_ld = True

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld.append(json.loads(data))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False


def read_head(client, path: str) -> HeadReader:
    answer = client.get(path)
    assert answer.status_code == 200, path
    reader = HeadReader()
    reader.feed(answer.content.decode())
    return reader


@pytest.fixture
def story_with_coverage():
    alpha = Source.objects.create(
        url="https://a.example.org/feed", name="Alpha", section="world"
    )
    beta = Source.objects.create(url="https://b.example.org/feed", name="Beta")
    first = store_article(alpha, "one", "Levee breaks at Brennick as river Ossel rises")
    copy = store_article(beta, "copy", "Levee breaks at Brennick as river Ossel rises")
    Article.objects.filter(pk=first.pk).update(
        lead_image_url="https://img.example.org/levee.jpg", language="en"
    )
    Story.objects.filter(pk=first.story_id).update(
        lead_image_url="https://img.example.org/levee.jpg"
    )
    story = Story.objects.get(pk=first.story_id)
    topic, _ = Topic.objects.get_or_create(
        slug="brennick", defaults={"name": "Brennick", "kind": "place"}
    )
    story.topics.add(topic)
    return story, first, copy


def test_story_page_is_full_coverage(client, story_with_coverage):
    story, first, copy = story_with_coverage
    blog = live_actions.start_liveblog("Brennick flood: live", story=story)
    copy.refresh_from_db()
    text = client.get(f"/story/{story.pk}/").content.decode()

    assert 'class="lead-image" src="https://img.example.org/levee.jpg"' in text
    assert f'href="/liveblog/{blog.pk}/"' in text
    assert 'href="/topic/brennick/"' in text
    assert 'href="/source/' in text and ">Alpha</a>" in text
    assert copy.duplicate_of_id == first.pk  # the copy folds under its original
    assert "also published by" in text and ">Beta</a>" in text
    assert text.count('class="river-item"') == 1


def test_front_page_cards_show_image_live_badge_and_counts(client, story_with_coverage):
    story, _first, _copy = story_with_coverage
    blog = live_actions.start_liveblog("Brennick flood: live", story=story)
    text = client.get("/").content.decode()
    card = text[text.index(f'id="story-{story.pk}"') :]
    card = card[: card.index("</li>")]
    assert 'src="https://img.example.org/levee.jpg"' in card
    assert 'width="640" height="360"' in card  # no layout shift
    assert f'class="live-badge" href="/liveblog/{blog.pk}/"' in card
    assert "source" in card and "article" in card
    assert "<time datetime=" in card

    live_actions.end_liveblog(blog)
    text = client.get("/").content.decode()
    assert 'class="live-badge"' not in text


def test_pages_carry_canonical_opengraph_twitter_and_breadcrumbs(
    client, story_with_coverage
):
    story, first, _copy = story_with_coverage
    head = read_head(client, f"/article/{first.pk}/")
    canonical = f"http://testserver/article/{first.pk}/"
    assert head.links["canonical"] == [canonical]
    assert head.meta["og:url"] == canonical
    assert head.meta["og:type"] == "article"
    assert head.meta["og:title"].startswith("Levee breaks at Brennick")
    assert head.meta["og:image"] == "https://img.example.org/levee.jpg"
    assert head.meta["twitter:card"] == "summary_large_image"
    assert "article:published_time" in head.meta
    assert "/feeds/front.rss" in head.links["alternate"]
    types = {block["@type"] for block in head.json_ld}
    assert types == {"NewsArticle", "BreadcrumbList"}
    crumbs = next(b for b in head.json_ld if b["@type"] == "BreadcrumbList")
    names = [item["name"] for item in crumbs["itemListElement"]]
    assert names[0] == "Top stories"
    assert names[1] == "World"  # the story's section
    assert names[-1] == first.title
    assert crumbs["itemListElement"][-1]["item"] == canonical

    for path in ("/", "/section/world/", f"/story/{story.pk}/", "/topic/brennick/"):
        head = read_head(client, path)
        assert head.links["canonical"] == [f"http://testserver{path}"], path
        assert head.meta["og:site_name"], path
        if path != "/":
            assert "BreadcrumbList" in {b["@type"] for b in head.json_ld}, path
    story_feeds = read_head(client, f"/story/{story.pk}/").links["alternate"]
    assert f"/feeds/story/{story.pk}.atom" in story_feeds


def test_the_site_url_setting_makes_canonical_links(client, settings):
    settings.LIVENEWS = {**settings.LIVENEWS, "SITE_URL": "https://news.example.org/"}
    head = read_head(client, "/about/")
    assert head.links["canonical"] == ["https://news.example.org/about/"]


def test_article_page_has_the_articles_language_and_correction_notes(
    client, story_with_coverage
):
    from livenews.articles.actions import correct_article

    _story, first, _copy = story_with_coverage
    first.refresh_from_db()
    correct_article(
        first, first.title, "<p>Fixed figures.</p>", "Casualty figure fixed"
    )
    text = client.get(f"/article/{first.pk}/").content.decode()
    assert '<article class="article" lang="en">' in text
    assert "Casualty figure fixed" in text
    assert 'class="correction-note"' in text
    assert "Fixed figures." in text
    assert 'href="https://example.org/one"' in text


def test_source_page_says_its_health_in_words_and_lists_its_articles(client):
    source = Source.objects.create(
        url="https://a.example.org/feed",
        name="Alpha",
        site_url="https://a.example.org/",
        consecutive_failures=3,
        last_error="HTTP 503 Service Unavailable",
    )
    store_article(source, "one", "Harbour cranes stop at Mirel")
    text = client.get(f"/source/{source.pk}/").content.decode()
    assert "<h1>Alpha</h1>" in text
    assert (
        "Failing: the last 3 attempts went wrong (HTTP 503 Service Unavailable)" in text
    )
    assert "Harbour cranes stop at Mirel" in text
    assert 'href="https://a.example.org/"' in text
    assert client.get("/source/999999/").status_code == 404
    # The sources table links here.
    assert f'href="/source/{source.pk}/"' in client.get("/sources/").content.decode()


def test_about_page_is_cacheable(client):
    answer = client.get("/about/")
    assert answer.status_code == 200
    assert "How the front page is ordered" in answer.content.decode()
    assert set(answer.headers["X-Livenews-Cache-Keys"].split()) == {"about", "alerts"}


def test_the_500_page_renders_without_database_or_context(django_assert_num_queries):
    from livenews import urls

    assert urls.handler500 == "livenews.web.views.server_error"
    request = RequestFactory().get("/story/1/")
    with django_assert_num_queries(0):
        answer = views.server_error(request)
    assert answer.status_code == 500
    text = answer.content.decode()
    assert "Something went wrong on our side" in text
    assert 'href="/"' in text


def test_relative_times_with_the_exact_time_in_datetime():
    at = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    assert relative_text(at - timedelta(seconds=20), at) == "just now"
    assert relative_text(at - timedelta(minutes=5, seconds=10), at) == "5 min ago"
    assert relative_text(at - timedelta(hours=3, minutes=59), at) == "3 h ago"
    assert relative_text(at - timedelta(days=2), at) == "29 Apr 2026, 12:00 UTC"

    recent = now() - timedelta(minutes=5)
    html = str(ago(recent))
    assert re.fullmatch(
        r'<time datetime="[^"]+" title="[^"]+ UTC">5 min ago</time>', html
    ), html
    assert f'datetime="{recent.isoformat(timespec="seconds")}"' in html
    old = str(ago(now() - timedelta(days=3)))
    assert "data-local" in old and "ago" not in old


def test_only_http_links_pass():
    assert http_url("https://example.org/a.jpg") == "https://example.org/a.jpg"
    for bad in ("javascript:alert(1)", " JAVASCRIPT:x", "data:image/png;base64,x", ""):
        assert http_url(bad) == ""
