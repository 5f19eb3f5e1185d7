"""Feed parsing: golden files in tests/data/feeds and the NotAFeed reasons.

Each ``x.xml`` or ``x.json`` fixture there has an ``x.expected.json`` holding
the feed and entries that parse_feed must return, written by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from livenews.sources.parsers import NotAFeed, ParsedFeed, parse_feed

FEEDS = Path(__file__).resolve().parent.parent / "data" / "feeds"
# Every fixture is parsed as if fetched from here, so relative links resolve.
FEED_URL = "https://feeds.example.com/news/feed.xml"
FIXTURES = sorted(
    path
    for path in [*FEEDS.glob("*.xml"), *FEEDS.glob("*.json")]
    if not path.name.endswith(".expected.json")
)


def as_plain(feed: ParsedFeed) -> dict[str, Any]:
    """Return ``feed`` as the JSON shape of the expected files."""
    return {
        "title": feed.title,
        "site_url": feed.site_url,
        "entries": [
            {
                "guid": entry.guid,
                "url": entry.url,
                "title": entry.title,
                "authors": list(entry.authors),
                "published": entry.published.isoformat() if entry.published else None,
                "updated": entry.updated.isoformat() if entry.updated else None,
                "image_url": entry.image_url,
                "categories": list(entry.categories),
                "summary_html": entry.summary_html,
                "content_html": entry.content_html,
            }
            for entry in feed.entries
        ],
    }


def expected_for(path: Path) -> dict[str, Any]:
    expected = path.with_name(path.stem + ".expected.json")
    return json.loads(expected.read_text(encoding="utf-8"))


def test_every_fixture_has_an_expected_file() -> None:
    assert len(FIXTURES) >= 12
    missing = [
        p.name for p in FIXTURES if not p.with_name(p.stem + ".expected.json").exists()
    ]
    assert missing == []


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture_parses_to_expected_entries(path: Path) -> None:
    feed = parse_feed(path.read_bytes(), "", FEED_URL)
    assert as_plain(feed) == expected_for(path)


def test_published_dates_are_aware_utc() -> None:
    feed = parse_feed((FEEDS / "rss20.xml").read_bytes(), "", FEED_URL)
    published = feed.entries[0].published
    assert published is not None
    assert published.utcoffset() is not None
    assert published.utcoffset().total_seconds() == 0


def test_declared_charset_in_content_type_is_used() -> None:
    body = (FEEDS / "iso8859.xml").read_bytes()
    feed = parse_feed(body, "application/rss+xml; charset=ISO-8859-1", FEED_URL)
    assert feed.entries[0].title == "Crème brûlée à 5 £ chez Müller"


def test_json_feed_is_recognised_by_content_type_despite_leading_space() -> None:
    body = b"\n  " + (FEEDS / "jsonfeed11.json").read_bytes()
    feed = parse_feed(body, "application/feed+json", FEED_URL)
    assert [e.guid for e in feed.entries] == [
        "https://valley.example.com/a",
        "valley-b",
        "https://valley.example.com/c",
    ]


def test_json_feed_content_text_is_escaped_not_read_as_html() -> None:
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "items": [{"id": "1", "content_text": "Use <script> & <b> with care"}],
        }
    ).encode()
    entry = parse_feed(body).entries[0]
    assert entry.content_html == "Use &lt;script&gt; &amp; &lt;b&gt; with care"


def test_json_feed_skips_items_that_are_not_objects() -> None:
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1",
            "items": ["junk", 3, {"id": "kept", "title": "Kept"}],
        }
    ).encode()
    assert [e.guid for e in parse_feed(body).entries] == ["kept"]


def test_json_feed_bad_date_gives_none() -> None:
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "items": [{"id": "1", "date_published": "yesterday", "date_modified": 5}],
        }
    ).encode()
    entry = parse_feed(body).entries[0]
    assert (entry.published, entry.updated) == (None, None)


def test_rss_feed_without_items_is_a_feed_with_no_entries() -> None:
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title>'
        b"<link>https://quiet.example.com/</link><description>d</description>"
        b"</channel></rss>"
    )
    feed = parse_feed(body, "application/rss+xml", FEED_URL)
    assert (feed.title, feed.entries) == ("Quiet", [])


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (
            b"<!DOCTYPE html><html><head><title>Home</title></head><body/></html>",
            "",
        ),
        (b"  <html><body><p>Welcome</p></body></html>", ""),
        (b"<p>Welcome to our site</p>", "text/html; charset=utf-8"),
    ],
    ids=["doctype", "html-tag", "html-content-type"],
)
def test_html_page_is_not_a_feed(body: bytes, content_type: str) -> None:
    with pytest.raises(NotAFeed, match="got an HTML page"):
        parse_feed(body, content_type, FEED_URL)


@pytest.mark.parametrize("body", [b"", b"   \n\t  "], ids=["empty", "whitespace"])
def test_empty_body_is_not_a_feed(body: bytes) -> None:
    with pytest.raises(NotAFeed, match="empty response"):
        parse_feed(body, "application/rss+xml", FEED_URL)


@pytest.mark.parametrize(
    "body",
    [b"\x00\x01\x02garbage\xff\xfe", b"<<<not xml at all", b"just some words"],
    ids=["binary", "broken-markup", "text"],
)
def test_garbage_is_not_a_feed(body: bytes) -> None:
    with pytest.raises(NotAFeed, match="could not be read as RSS or Atom"):
        parse_feed(body, "", FEED_URL)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"title": "x", "items": []}', "without a JSON Feed version"),
        (b"[1, 2, 3]", "without a JSON Feed version"),
        (b'{"version": "1.0", "items": []}', "without a JSON Feed version"),
        (b'{"version": "https://jsonfeed.org/version/1.1"}', "without an items list"),
        (
            b'{"version": "https://jsonfeed.org/version/1", "items": {}}',
            "without an items list",
        ),
        (b'{"version": "https://jsonfeed.org/version/1", ', "invalid JSON"),
    ],
    ids=["no-version", "array", "other-version", "no-items", "items-object", "broken"],
)
def test_json_that_is_not_a_json_feed_is_refused(body: bytes, reason: str) -> None:
    with pytest.raises(NotAFeed, match=reason):
        parse_feed(body, "application/json", FEED_URL)


def test_not_a_feed_message_starts_with_a_plain_reason() -> None:
    with pytest.raises(NotAFeed) as caught:
        parse_feed(b"<html><body>hi</body></html>", "text/html", FEED_URL)
    assert str(caught.value).startswith("not a feed: got an HTML page")


def test_json_feed_with_byte_order_mark_is_recognised_without_content_type() -> None:
    body = b"\xef\xbb\xbf" + (FEEDS / "jsonfeed10.json").read_bytes()
    assert [e.guid for e in parse_feed(body, "", FEED_URL).entries] == [
        "river-1",
        "river-2",
    ]


def test_relative_links_stay_relative_without_a_feed_url() -> None:
    feed = parse_feed((FEEDS / "relative_link.xml").read_bytes())
    assert feed.entries[0].url == "/2024/04/root-relative"


def test_rss_entry_has_no_updated_date_of_its_own() -> None:
    entry = parse_feed((FEEDS / "rss20.xml").read_bytes(), "", FEED_URL).entries[0]
    assert entry.published is not None
    assert entry.updated is None
