"""The lxml fast path reads plain feeds into the same articles as feedparser.

Raw HTML may differ in serialization (feedparser rewrites it, sorting
attributes), so entries are compared after ``normalize_entry`` with HTML
compared as trees; everything else must be equal.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import feedparser
import lxml.html
import pytest

from livenews.articles.normalize import normalize_entry
from livenews.sources import parsers
from livenews.sources.fastparse import parse_plain_feed
from livenews.sources.parsers import ParsedFeed, parse_feed
from tests.support.feeds import Item, atom, rss

FEEDS = Path(__file__).resolve().parent.parent / "data" / "feeds"
FETCHED = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
HTML_BITS = [
    "<p>Plain <b>bold</b> &amp; <i>italic</i></p>",
    '<p><img src="https://img.example.org/a.jpg" alt="x" width="3"> cap</p>',
    "<script>alert(1)</script><p onclick='x()'>clicked</p>",
    "<![CDATA[not really]]> tail &lt;b&gt;escaped&lt;/b&gt;",
    '<a href="https://example.org/a?b=1&amp;c=2" title="t">link</a> — “quotes” ünï',
    "",
]


def reference(body: bytes) -> ParsedFeed:
    """Parse with feedparser only (the fast path switched off)."""
    parsed = feedparser.parse(
        body,
        response_headers={"content-location": "https://feeds.example.com/f.xml"},
        sanitize_html=False,
        resolve_relative_uris=True,
    )
    feed = parsed.feed
    return ParsedFeed(
        title=str(feed.get("title", "")),
        site_url=str(feed.get("link", "")),
        entries=[parsers._entry(raw) for raw in parsed.entries],
    )


def tree(html: str) -> Any:
    if not html.strip():
        return None
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return [
        (e.tag, dict(sorted(e.attrib.items())), e.text, e.tail) for e in root.iter()
    ]


def articles(feed: ParsedFeed) -> list[dict[str, Any]]:
    out = []
    for entry in feed.entries:
        item = normalize_entry(entry, FETCHED)
        data = asdict(item) if item else {}
        if item:
            data["body_html"] = tree(item.body_html)
        out.append({"entry_categories": entry.categories, **data})
    return out


def assert_same_articles(body: bytes) -> None:
    fast = parse_plain_feed(body)
    assert fast is not None, "the fast path gave up on a plain feed"
    slow = reference(body)
    assert (fast.title, fast.site_url) == (slow.title, slow.site_url)
    assert articles(fast) == articles(slow)


@pytest.mark.parametrize(
    "name", ["rss20", "atom10", "media_content", "enclosure_image"]
)
def test_plain_fixtures_read_the_same_as_feedparser(name):
    assert_same_articles((FEEDS / f"{name}.xml").read_bytes())


def generated_items(linkless: int = 5) -> list[Item]:
    """Return varied items; item ``linkless`` has no link, only a permalink guid."""
    start = datetime(2026, 11, 1, 8, 30, tzinfo=UTC)
    return [
        Item(
            guid=f"urn:g:{n}" if n != linkless else f"https://example.org/perma/{n}",
            title=f"Title {n} &amp; <b>more</b> “quoted”",
            link=f"https://example.org/news/{n}?utm_source=x" if n != linkless else "",
            published=start + timedelta(hours=n) if n % 3 else None,
            summary=HTML_BITS[n % len(HTML_BITS)],
            content=HTML_BITS[(n + 2) % len(HTML_BITS)] if n % 2 else "",
            author=f"Writer {n}" if n % 4 else "",
        )
        for n in range(12)
    ]


def test_generated_rss_reads_the_same_as_feedparser():
    assert_same_articles(rss(generated_items()).encode())


def test_generated_atom_reads_the_same_as_feedparser():
    # (The Atom builder writes an empty href for a missing link: relative.)
    assert_same_articles(atom(generated_items(linkless=-1)).encode())


def test_parse_feed_takes_the_fast_path_for_plain_rss():
    body = (FEEDS / "rss20.xml").read_bytes()
    assert parse_plain_feed(body) is not None
    assert parse_feed(body) == parse_plain_feed(body)


@pytest.mark.parametrize(
    "name", ["rss091", "rss10", "atom03", "iso8859", "relative_link", "missing_date"]
)
def test_odd_fixtures_go_to_feedparser(name):
    assert parse_plain_feed((FEEDS / f"{name}.xml").read_bytes()) is None


@pytest.mark.parametrize(
    "body",
    [
        b"<rss version='2.0'><channel><item><title>x</title></item>",  # broken
        b"<rss version='2.0' xml:base='https://a.example/'><channel/></rss>",
        b"<rss version='2.0'><channel><item><author>a@b.c (A)</author></item>"
        b"</channel></rss>",
        b"<rss version='2.0'><channel><item><description>&lt;a href='/rel'&gt;"
        b"x&lt;/a&gt;</description></item></channel></rss>",
        b"<rss version='2.0'><channel><item><pubDate>last week</pubDate></item>"
        b"</channel></rss>",
        b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><title type='xhtml'>"
        b"<div xmlns='http://www.w3.org/1999/xhtml'>x</div></title></entry></feed>",
        b"<html><body>not a feed</body></html>",
        b"<rss version='2.0'><channel><item><guid>rel/1</guid></item></channel></rss>",
        b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><id>rel-1</id></entry></feed>",
    ],
)
def test_anything_unusual_goes_to_feedparser(body):
    assert parse_plain_feed(body) is None


def test_declared_or_served_charset_other_than_utf8_goes_to_feedparser():
    body = rss(generated_items()[:1]).encode()
    assert parse_plain_feed(body, "application/rss+xml; charset=utf-8") is not None
    assert parse_plain_feed(body, "application/rss+xml; charset=iso-8859-1") is None
    latin = body.replace(b'encoding="utf-8"', b'encoding="iso-8859-1"')
    assert parse_plain_feed(latin) is None
