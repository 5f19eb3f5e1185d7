"""Read plain RSS 2.0 and Atom 1.0 with lxml, several times faster than feedparser.

Pure: bytes in, dataclasses out. feedparser stays the reference parser: it
reads every version and every broken feed. This module reads only the common,
well-formed case and gives up (returns None) on anything else, so the caller
falls back to feedparser and the result is the same either way
(tests/sources/test_fastparse.py compares both on every fixture).

It gives up when the document is not well-formed UTF-8 XML; is not RSS 2.0 or
Atom 1.0; uses ``xml:base``; has an entry HTML with a relative link (feedparser
resolves those against the feed URL); has an Atom text construct of type
``xhtml``; has an RSS ``<author>`` (feedparser splits "mail (Name)" in ways
not worth copying); or has a date neither RFC 822 nor ISO 8601 reads.

Why: feedparser walks every element through Python SAX callbacks (~1.5 ms per
entry); lxml builds the tree in C and this module touches ~10 elements per
entry. Measured in docs/design-notes.md (2026-11-28, ingestion throughput).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from lxml import etree

from livenews.sources.parsers import ParsedEntry, ParsedFeed

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
DC_DATE = "{http://purl.org/dc/elements/1.1/}date"
MEDIA = "{http://search.yahoo.com/mrss/}"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# href/src whose value does not start with a scheme or a fragment: relative.
_RELATIVE = re.compile(
    r"""(?:href|src)\s*=\s*["']?(?![a-zA-Z][a-zA-Z0-9+.-]*:|#|["'])""", re.I
)
_ABSOLUTE = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")
_DECLARED = re.compile(rb"^\s*<\?xml[^>]*encoding=[\"']([\w.-]+)", re.I)


class GiveUp(Exception):
    """This document is not the plain case: let feedparser read it."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )


def parse_plain_feed(body: bytes, content_type: str = "") -> ParsedFeed | None:
    """Return the feed when ``body`` is plain RSS 2.0 or Atom 1.0, else None."""
    charset = re.search(r"charset=([\w.-]+)", content_type, re.I)
    declared = _DECLARED.match(body)
    names = (
        charset.group(1) if charset else "",
        declared.group(1).decode("ascii") if declared else "",
    )
    if any(n and n.lower() not in ("utf-8", "utf8") for n in names):
        return None
    if b"xml:base" in body:
        return None
    try:
        root = etree.fromstring(body, _parser())
    except (etree.XMLSyntaxError, ValueError):
        return None
    try:
        if root.tag == "rss" and root.get("version") == "2.0":
            return _rss(root)
        if root.tag == ATOM + "feed":
            return _atom(root)
    except GiveUp:
        return None
    return None


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    if element.get(XML_BASE) is not None:
        raise GiveUp
    return (element.text or "").strip()


def _html(element: etree._Element | None) -> str:
    value = _text(element)
    if _RELATIVE.search(value):
        raise GiveUp
    return value


def _date(value: str, read: Callable[[str], datetime]) -> datetime | None:
    if not value:
        return None
    try:
        when = read(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        raise GiveUp from None
    if when.tzinfo is None:
        raise GiveUp  # feedparser has its own idea of a zoneless date
    return when.astimezone(UTC)


def _iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))


def _links(parent: etree._Element) -> dict[str, str]:
    """Return the first href of each rel among atom:link children."""
    found: dict[str, str] = {}
    for link in parent.iterfind(ATOM + "link"):
        if link.get(XML_BASE) is not None:
            raise GiveUp
        rel = link.get("rel") or "alternate"
        href = (link.get("href") or "").strip()
        if not _ABSOLUTE.match(href):
            raise GiveUp  # feedparser resolves it against the feed URL
        found.setdefault(rel, href)
    return found


def _permalink(guid: str) -> str:
    """Return a permalink guid (or Atom id) as feedparser has it: absolute only."""
    if guid and not _ABSOLUTE.match(guid):
        raise GiveUp  # feedparser resolves it against the feed URL
    return guid


def _media_image(item: etree._Element) -> str:
    for tag in ("content", "thumbnail"):
        for media in item.iterfind(MEDIA + tag):
            kind = media.get("medium") or (media.get("type") or "image/").split("/")[0]
            if media.get("url") and kind == "image":
                return str(media.get("url"))
    return ""


def _rss(root: etree._Element) -> ParsedFeed:
    channel = root.find("channel")
    if channel is None:
        raise GiveUp
    entries = [_rss_item(item) for item in channel.iterfind("item")]
    links = _links(channel)
    return ParsedFeed(
        title=_text(channel.find("title")),
        site_url=_text(channel.find("link")),
        entries=entries,
        hub_url=links.get("hub", ""),
        self_url=links.get("self", ""),
        language=_text(channel.find("language")),
    )


def _rss_item(item: etree._Element) -> ParsedEntry:
    if item.find("author") is not None or item.get(XML_BASE) is not None:
        raise GiveUp
    guid_element = item.find("guid")
    guid = _text(guid_element)
    url = _text(item.find("link"))
    if guid_element is not None and guid_element.get("isPermaLink") != "false":
        guid = _permalink(guid)
        if item.find("link") is None:
            url = guid
    title = _text(item.find("title"))
    published = _date(_text(item.find("pubDate")), parsedate_to_datetime)
    image = _media_image(item)
    for enclosure in item.iterfind("enclosure"):
        if not image and (enclosure.get("type") or "").startswith("image/"):
            image = (enclosure.get("url") or "").strip()
    creators = (_text(c) for c in item.iterfind(DC_CREATOR))
    return ParsedEntry(
        guid=guid or url or title,
        url=url,
        title=title,
        summary_html=_html(item.find("description")),
        content_html=_html(item.find(CONTENT)),
        authors=tuple(c for c in creators if c),
        published=published,
        updated=_date(_text(item.find(DC_DATE)), _iso),  # feedparser: dc:date
        image_url=image,
        categories=tuple(c for c in map(_text, item.iterfind("category")) if c),
    )


def _atom_text(element: etree._Element | None) -> str:
    if element is not None and element.get("type") == "xhtml":
        raise GiveUp
    return _html(element)


def _atom(root: etree._Element) -> ParsedFeed:
    if root.get(XML_BASE) is not None:
        raise GiveUp
    links = _links(root)
    site_url = links.get("alternate") or _permalink(_text(root.find(ATOM + "id")))
    return ParsedFeed(
        title=_atom_text(root.find(ATOM + "title")),
        site_url=site_url,
        entries=[_atom_entry(entry) for entry in root.iterfind(ATOM + "entry")],
        hub_url=links.get("hub", ""),
        self_url=links.get("self", ""),
        language=(root.get(XML_LANG) or "").strip(),
    )


def _atom_entry(entry: etree._Element) -> ParsedEntry:
    if entry.get(XML_BASE) is not None:
        raise GiveUp
    links = _links(entry)
    guid = _permalink(_text(entry.find(ATOM + "id")))
    url = links.get("alternate") or guid
    title = _atom_text(entry.find(ATOM + "title"))
    enclosures = [
        (link.get("href") or "").strip()
        for link in entry.iterfind(ATOM + "link")
        if link.get("rel") == "enclosure"
        and (link.get("type") or "").startswith("image/")
    ]
    names = (_text(a.find(ATOM + "name")) for a in entry.iterfind(ATOM + "author"))
    return ParsedEntry(
        guid=guid or url or title,
        url=url,
        title=title,
        summary_html=_atom_text(entry.find(ATOM + "summary")),
        content_html=_atom_text(entry.find(ATOM + "content")),
        authors=tuple(n for n in names if n),
        published=_date(_text(entry.find(ATOM + "published")), _iso),
        updated=_date(_text(entry.find(ATOM + "updated")), _iso),
        image_url=_media_image(entry) or next(iter(enclosures), ""),
        categories=tuple(
            t for t in (c.get("term") for c in entry.iterfind(ATOM + "category")) if t
        ),
    )
