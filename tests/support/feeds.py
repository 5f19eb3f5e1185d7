"""Build feed documents for tests (RSS 2.0, Atom, JSON Feed)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape


@dataclass
class Item:
    guid: str
    title: str
    link: str
    published: datetime | None = None
    summary: str = ""
    content: str = ""
    author: str = ""


def rss(items: list[Item], title: str = "Test feed") -> str:
    parts = []
    for item in items:
        date = (
            f"<pubDate>{format_datetime(item.published)}</pubDate>"
            if item.published
            else ""
        )
        author = (
            f"<dc:creator>{escape(item.author)}</dc:creator>" if item.author else ""
        )
        content = (
            f"<content:encoded>{escape(item.content)}</content:encoded>"
            if item.content
            else ""
        )
        parts.append(
            f"<item><title>{escape(item.title)}</title><link>{escape(item.link)}</link>"
            f'<guid isPermaLink="false">{escape(item.guid)}</guid>{date}{author}'
            f"<description>{escape(item.summary)}</description>{content}</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{escape(title)}</title><link>https://example.org/</link>"
        "<description>test</description>" + "".join(parts) + "</channel></rss>"
    )


def atom(items: list[Item], title: str = "Test Atom feed") -> str:
    parts = []
    for item in items:
        when = item.published.isoformat() if item.published else "2026-01-01T00:00:00Z"
        parts.append(
            f"<entry><id>{escape(item.guid)}</id><title>{escape(item.title)}</title>"
            f'<link href="{escape(item.link)}"/><updated>{when}</updated>'
            f"<author><name>{escape(item.author or 'Staff')}</name></author>"
            f'<summary type="html">{escape(item.summary)}</summary>'
            f'<content type="html">{escape(item.content or item.summary)}</content>'
            "</entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:test</id><updated>2026-01-01T00:00:00Z</updated>"
        + "".join(parts)
        + "</feed>"
    )


def json_feed(items: list[Item], title: str = "Test JSON feed") -> str:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": title,
            "home_page_url": "https://example.org/",
            "items": [
                {
                    "id": item.guid,
                    "url": item.link,
                    "title": item.title,
                    "content_html": item.content or item.summary,
                    "summary": item.summary,
                    "date_published": item.published.isoformat()
                    if item.published
                    else None,
                    "authors": [{"name": item.author}] if item.author else [],
                }
                for item in items
            ],
        }
    )
