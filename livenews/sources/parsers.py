"""Parse feed bytes into plain entries (RSS, Atom, JSON Feed via feedparser).

Plain RSS 2.0 and Atom 1.0 take a faster lxml path (``fastparse``) that gives
the same articles; Google News sitemaps are read by ``newssitemap``;
feedparser reads everything else.

Pure: bytes in, dataclasses out; no network, no database.
"""

from __future__ import annotations

import calendar
import html
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import feedparser


class NotAFeed(ValueError):
    """The body is not a feed; the message says why, in words for people."""


class PageNotFeed(NotAFeed):
    """The body is a web page: its feed may be found from it (discovery)."""


# XML declares entities only in a DTD, with this exact (case-sensitive) keyword.
# Real feeds do not declare any; attacks do (XXE, "billion laughs"): expat stops
# the expansion, but feedparser then retries with its slow loose parser.
_ENTITY_DECLARATIONS = tuple(
    "<!ENTITY".encode(codec) for codec in ("ascii", "utf-16-le", "utf-16-be")
)
# The start of an item (RSS) or entry (Atom), with an optional namespace prefix.
_ENTRY_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s>/]")
_ENTRY_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>")


@dataclass(frozen=True)
class ParsedEntry:
    guid: str
    url: str
    title: str
    summary_html: str = ""
    content_html: str = ""
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    updated: datetime | None = None
    image_url: str = ""
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    site_url: str
    entries: list[ParsedEntry] = field(default_factory=list)
    hub_url: str = ""  # a WebSub hub announced by the feed
    self_url: str = ""  # the feed's own URL, the WebSub topic
    language: str = ""  # as the feed declares it ("en-us"), or ""


def _when(struct: Any) -> datetime | None:
    if not struct:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(struct), UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _image(entry: Any) -> str:
    for media in entry.get("media_content", []) + entry.get("media_thumbnail", []):
        # media:content may be a video or audio file: without a medium, its MIME
        # type decides (a missing type, as on media:thumbnail, means an image).
        kind = media.get("medium") or str(media.get("type") or "image/").split("/")[0]
        if media.get("url") and kind == "image":
            return str(media["url"])
    for link in entry.get("links", []):
        if link.get("rel") == "enclosure" and str(link.get("type", "")).startswith(
            "image/"
        ):
            return str(link.get("href", ""))
    image = entry.get("image")
    if isinstance(image, dict) and image.get("href"):
        return str(image["href"])
    return ""


def _entry(raw: Any) -> ParsedEntry:
    url = str(raw.get("link", ""))
    content = raw.get("content") or []
    authors = tuple(
        str(a.get("name", "")).strip()
        for a in raw.get("authors", [])
        if str(a.get("name", "")).strip()
    )
    return ParsedEntry(
        guid=str(raw.get("id") or url or raw.get("title", "")),
        url=url,
        title=str(raw.get("title", "")),
        summary_html=str(raw.get("summary", "")),
        content_html=str(content[0].get("value", "")) if content else "",
        authors=authors,
        published=_when(raw.get("published_parsed")),
        # dict.get: only a real update date, not FeedParserDict's deprecated
        # (warning) fallback from updated to published.
        updated=_when(dict.get(raw, "updated_parsed")),
        image_url=_image(raw),
        categories=tuple(
            str(t.get("term", "")) for t in raw.get("tags", []) if t.get("term")
        ),
    )


def _json_date(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (
        parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    )


def _json_text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _json_authors(item: dict[str, Any], feed: dict[str, Any]) -> tuple[str, ...]:
    raw = item.get("authors") or ([item["author"]] if item.get("author") else [])
    raw = raw or feed.get("authors") or ([feed["author"]] if feed.get("author") else [])
    names = (a.get("name") for a in raw if isinstance(a, dict))
    return tuple(n.strip() for n in names if isinstance(n, str) and n.strip())


def parse_json_feed(body: bytes, max_entries: int | None = None) -> ParsedFeed:
    """Return a JSON Feed 1.0/1.1 document; raise NotAFeed when it is not one."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise NotAFeed(f"not a feed: invalid JSON ({exc})") from exc
    if not isinstance(data, dict) or "jsonfeed.org/version" not in str(
        data.get("version", "")
    ):
        raise NotAFeed("not a feed: JSON without a JSON Feed version")
    items = data.get("items")
    if not isinstance(items, list):
        raise NotAFeed("not a feed: JSON Feed without an items list")
    entries = []
    for item in items[:max_entries]:
        if not isinstance(item, dict):
            continue
        url = _json_text(item.get("url")) or _json_text(item.get("external_url"))
        raw_tags = item.get("tags")
        tags: list[Any] = raw_tags if isinstance(raw_tags, list) else []
        entries.append(
            ParsedEntry(
                guid=str(item.get("id") or url),
                url=url,
                title=_json_text(item.get("title")),
                summary_html=_json_text(item.get("summary")),
                content_html=_json_text(item.get("content_html"))
                or html.escape(_json_text(item.get("content_text")), quote=False),
                authors=_json_authors(item, data),
                published=_json_date(item.get("date_published")),
                updated=_json_date(item.get("date_modified")),
                image_url=_json_text(item.get("image"))
                or _json_text(item.get("banner_image")),
                categories=tuple(str(t) for t in tags),
            )
        )
    return ParsedFeed(
        title=_json_text(data.get("title")),
        site_url=_json_text(data.get("home_page_url")),
        entries=entries,
        language=_json_text(data.get("language")),
    )


def keep_first_entries(body: bytes, max_entries: int) -> bytes:
    """Cut the XML entries after the first ``max_entries``, keeping the rest.

    feedparser reads every entry (~2,000 a second), so a feed of 100,000 would
    hold a worker for a minute before any cap applied. Feeds list newest first:
    the entries kept are the newest. The cut runs from the start of the first
    entry too many to the end of the last one, so the document stays well formed.
    Encodings that are not ASCII-compatible (UTF-16) are left whole.
    """
    starts = _ENTRY_START.finditer(body)
    for _ in range(max_entries):
        if next(starts, None) is None:
            return body
    first_extra = next(starts, None)
    if first_extra is None:
        return body
    ends = [m.end() for m in _ENTRY_END.finditer(body, first_extra.start())]
    if not ends:
        return body[: first_extra.start()]
    return body[: first_extra.start()] + body[ends[-1] :]


def parse_feed(
    body: bytes,
    content_type: str = "",
    url: str = "",
    max_entries: int | None = None,
) -> ParsedFeed:
    """Return the feed in ``body``; raise NotAFeed with a reason when it is none.

    With ``max_entries``, only the first (newest) entries are read.
    """
    if not body.strip():
        raise NotAFeed("empty response: the server sent no content")
    # A UTF-8 byte order mark may precede the JSON (json.loads accepts it).
    start = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start == b"{" or "json" in content_type.lower():
        return parse_json_feed(body, max_entries)
    if any(keyword in body for keyword in _ENTITY_DECLARATIONS):
        raise NotAFeed(
            "refused: the feed declares XML entities "
            "(a known attack: external files or entity expansion)"
        )
    # Imported here: these modules build this module's dataclasses.
    from livenews.sources.fastparse import parse_plain_feed
    from livenews.sources.newssitemap import is_news_sitemap, parse_news_sitemap

    if is_news_sitemap(body):
        return parse_news_sitemap(body, max_entries)
    if max_entries is not None:
        body = keep_first_entries(body, max_entries)

    plain = parse_plain_feed(body, content_type)
    if plain is not None:
        return plain
    headers = {"content-type": content_type} if content_type else {}
    if url:
        headers["content-location"] = url  # the base for relative links
    parsed = feedparser.parse(
        body, response_headers=headers, sanitize_html=False, resolve_relative_uris=True
    )
    if not parsed.get("version") and not parsed.entries:
        if "html" in content_type.lower() or body.lstrip()[:15].lower().startswith(
            (b"<!doctype html", b"<html")
        ):
            raise PageNotFeed(
                f"not a feed: got an HTML page ({content_type or 'html'})"
            )
        problem = parsed.get("bozo_exception")
        detail = f": {problem}" if problem else ""
        raise NotAFeed(
            f"not a feed: the content could not be read as RSS or Atom{detail}"
        )
    feed = parsed.get("feed", {})
    links = {
        str(link.get("rel", "")): str(link.get("href", ""))
        for link in feed.get("links", [])
        if link.get("rel") in ("hub", "self")
    }
    return ParsedFeed(
        title=str(feed.get("title", "")),
        site_url=str(feed.get("link", "")),
        entries=[_entry(raw) for raw in parsed.entries],
        hub_url=links.get("hub", ""),
        self_url=links.get("self", ""),
        language=str(feed.get("language", "")),
    )
