"""Read a Google News sitemap as a feed: one entry per ``<url>``.

Pure: bytes in, dataclasses out. A news sitemap is a ``<urlset>`` of the
sitemaps.org namespace whose ``<url>`` elements carry a ``news:news`` child
(namespace ``http://www.google.com/schemas/sitemap-news/0.9``) with
``news:publication/news:name``, ``news:publication/news:language``,
``news:publication_date`` and ``news:title``. Publishers list their articles
of the last two days there, often before (or instead of) a feed.

Mapping: ``loc`` is the entry's guid and link; ``news:title`` its title;
``news:publication_date`` (W3C date-time, or a bare date read as midnight
UTC) its publication time; ``news:keywords`` its categories; an
``image:image/image:loc`` its lead image. The first publication name and
language become the feed's title and language. There is no text: sources
marked "fetch full text" get the page's body (pipeline.with_full_text).

Defused: entity declarations are refused before this runs (parsers.py), and
lxml is told not to resolve entities, load a DTD or touch the network.
"""

from __future__ import annotations

from datetime import UTC, datetime

from lxml import etree

from livenews.sources.parsers import NotAFeed, ParsedEntry, ParsedFeed

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
NEWS = "{" + NEWS_NS + "}"
IMAGE = "{http://www.google.com/schemas/sitemap-image/1.1}"


def is_news_sitemap(body: bytes) -> bool:
    """Return True when ``body`` looks like a news sitemap (cheap byte test)."""
    head = body[:4096]
    return b"<urlset" in head and NEWS_NS.encode() in head


def _text(parent: etree._Element, path: str) -> str:
    found = parent.find(path)
    return (found.text or "").strip() if found is not None else ""


def _date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def parse_news_sitemap(body: bytes, max_entries: int | None = None) -> ParsedFeed:
    """Return the news sitemap in ``body``; raise NotAFeed when it is unreadable."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(body, parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        problem = f"not a feed: a news sitemap that is not valid XML ({exc})"
        raise NotAFeed(problem) from exc
    if root.tag != SITEMAP + "urlset":
        raise NotAFeed("not a feed: a sitemap without <urlset>")
    entries: list[ParsedEntry] = []
    publication, language = "", ""
    for url in root.iterfind(SITEMAP + "url"):
        news = url.find(NEWS + "news")
        loc = _text(url, SITEMAP + "loc")
        if news is None or not loc:
            continue  # a plain sitemap URL: no news to read
        publication = publication or _text(news, f"{NEWS}publication/{NEWS}name")
        language = language or _text(news, f"{NEWS}publication/{NEWS}language")
        keywords = _text(news, NEWS + "keywords")
        entries.append(
            ParsedEntry(
                guid=loc,
                url=loc,
                title=_text(news, NEWS + "title"),
                published=_date(_text(news, NEWS + "publication_date")),
                image_url=_text(url, f"{IMAGE}image/{IMAGE}loc"),
                categories=tuple(k.strip() for k in keywords.split(",") if k.strip()),
            )
        )
        if max_entries is not None and len(entries) >= max_entries:
            break
    return ParsedFeed(
        title=publication, site_url="", entries=entries, language=language
    )
