"""normalize_entry: plain titles, safe bodies, http links, plausible UTC dates."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from livenews.articles.normalize import (
    EARLIEST,
    FUTURE_SLACK,
    MAX_TITLE,
    NormalizedArticle,
    digest,
    normalize_entry,
)
from livenews.sources.parsers import ParsedEntry

FETCHED = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
PUBLISHED = datetime(2024, 6, 1, 9, 30, tzinfo=UTC)

ENTRY = ParsedEntry(
    guid="guid-1",
    url="https://news.example.com/story?id=1&utm_source=rss#top",
    title="Port <b>reopens</b> &amp; ships return",
    summary_html="<p>Ships are back.</p><script>steal()</script>",
    content_html='<p>Ships are <a href="javascript:x()">back</a>.</p>'
    '<img src="https://news.example.com/p.jpg" onerror="x()">',
    authors=("<i>Ana Lima</i>", "  ", "Ben &amp; Co"),
    published=PUBLISHED,
    image_url="https://news.example.com/lead.jpg",
)


def normalize(**changes: object) -> NormalizedArticle:
    article = normalize_entry(replace(ENTRY, **changes), FETCHED)  # type: ignore[arg-type]
    assert article is not None
    return article


def test_title_is_plain_text() -> None:
    assert normalize().title == "Port reopens & ships return"


def test_title_is_capped() -> None:
    assert len(normalize(title="word " * 1000).title) == MAX_TITLE


def test_body_html_is_sanitized() -> None:
    body = normalize().body_html
    assert "javascript:" not in body
    assert "onerror" not in body
    assert '<img src="https://news.example.com/p.jpg">' in body
    assert body.startswith("<p>Ships are <a rel=")


def test_body_text_is_the_visible_text() -> None:
    assert normalize().body_text == "Ships are back."


def test_summary_is_sanitized_plain_text() -> None:
    assert normalize().summary == "Ships are back."


def test_summary_is_capped_at_1000_characters() -> None:
    assert len(normalize(summary_html="<p>" + "a" * 5000 + "</p>").summary) == 1000


def test_body_falls_back_to_summary_without_content() -> None:
    article = normalize(content_html="", summary_html="<p>Only a summary</p>")
    assert (article.body_html, article.body_text) == (
        "<p>Only a summary</p>",
        "Only a summary",
    )


def test_body_text_keeps_words_of_blocks_the_sanitizer_unwraps() -> None:
    # h1 is not an allowed tag: its words must still not run into the next ones.
    article = normalize(content_html="<h1>Breaking</h1><p>Port</p><p>opens</p>")
    assert article.body_html == "Breaking<p>Port</p><p>opens</p>"
    assert article.body_text == "Breaking\nPort\nopens"


def test_div_blocks_are_kept_so_their_words_stay_apart() -> None:
    article = normalize(content_html='<div class="a">Port</div><div>opens</div>')
    assert article.body_html == "<div>Port</div><div>opens</div>"
    assert article.body_text == "Port\nopens"


def test_authors_are_plain_text_and_blank_ones_dropped() -> None:
    assert normalize().authors == ("Ana Lima", "Ben & Co")


def test_url_is_kept_and_canonical_url_is_cleaned() -> None:
    article = normalize()
    assert article.url == ENTRY.url
    assert article.canonical_url == "https://news.example.com/story?id=1"


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "/relative/story", "ftp://news.example.com/x", ""]
)
def test_non_http_url_becomes_empty(url: str) -> None:
    article = normalize(url=url)
    assert (article.url, article.canonical_url) == ("", "")


def test_non_http_image_is_dropped() -> None:
    assert normalize(image_url="data:image/png;base64,AAAA").lead_image_url == ""
    assert normalize().lead_image_url == "https://news.example.com/lead.jpg"


def test_published_date_is_kept_without_note() -> None:
    article = normalize()
    assert (article.published_at, article.date_note) == (PUBLISHED, "")


def test_updated_date_is_used_when_published_is_missing() -> None:
    article = normalize(published=None, updated=PUBLISHED)
    assert (article.published_at, article.date_note) == (PUBLISHED, "")


def test_missing_date_takes_fetch_time_with_a_note() -> None:
    article = normalize(published=None, updated=None)
    assert article.published_at == FETCHED
    assert article.date_note == "no date in the feed: fetch time used"


def test_future_date_is_clamped_to_fetch_time() -> None:
    future = FETCHED + timedelta(days=2)
    article = normalize(published=future)
    assert article.published_at == FETCHED
    assert article.date_note.startswith("date in the future")
    assert future.isoformat() in article.date_note


def test_date_slightly_ahead_within_slack_is_kept() -> None:
    ahead = FETCHED + FUTURE_SLACK - timedelta(seconds=1)
    article = normalize(published=ahead)
    assert (article.published_at, article.date_note) == (ahead, "")


def test_date_before_1995_takes_fetch_time_with_a_note() -> None:
    article = normalize(published=datetime(1970, 1, 1, tzinfo=UTC))
    assert article.published_at == FETCHED
    assert article.date_note.startswith("implausible date (1970-01-01")


def test_earliest_plausible_date_is_kept() -> None:
    assert normalize(published=EARLIEST).published_at == EARLIEST


def test_content_hash_is_stable() -> None:
    assert normalize().content_hash == normalize().content_hash
    assert normalize().content_hash == digest(
        "Port reopens & ships return\nShips are back."
    )


def test_content_hash_changes_with_body_and_title() -> None:
    base = normalize().content_hash
    assert normalize(content_html="<p>Ships are gone.</p>").content_hash != base
    assert normalize(title="Port closes").content_hash != base


def test_content_hash_ignores_url_and_guid() -> None:
    other = normalize(guid="other", url="https://mirror.example.org/copy")
    assert other.content_hash == normalize().content_hash


def test_guid_hash_is_the_digest_of_the_guid() -> None:
    article = normalize()
    assert article.guid_hash == digest("guid-1")
    assert len(article.guid_hash) == 64


def test_missing_guid_falls_back_to_url_then_title() -> None:
    assert normalize(guid="").guid == ENTRY.url
    assert normalize(guid="", url="").guid == "Port reopens & ships return"


def test_entry_without_title_gets_one_line_title_from_body() -> None:
    article = normalize(title="", content_html="<p>First line</p><p>Second line</p>")
    assert article.title == "First line Second line"


def test_title_from_long_body_is_cut_at_120_characters() -> None:
    article = normalize(title="<b> </b>", content_html="<p>" + "x" * 500 + "</p>")
    assert article.title == "x" * 120


@pytest.mark.parametrize(
    ("title", "summary_html", "content_html"),
    [
        ("", "", ""),
        ("  ", "<p> </p>", ""),
        ("<img src=x>", "", "<script>only()</script>"),
    ],
)
def test_entry_with_neither_title_nor_text_is_dropped(
    title: str, summary_html: str, content_html: str
) -> None:
    entry = replace(
        ENTRY, title=title, summary_html=summary_html, content_html=content_html
    )
    assert normalize_entry(entry, FETCHED) is None
