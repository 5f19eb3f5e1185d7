"""``{% feed_links %}``: the autodiscovery ``<link rel="alternate">`` of a page.

A page names what it shows in its ``channels`` context (``story:12``,
``liveblog:3``, ``section:world``…) and a topic page has ``topic``: each gets
its own feeds, and every page also offers the front-page feeds.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()

FORMATS = (
    ("rss", "application/rss+xml", "RSS"),
    ("atom", "application/atom+xml", "Atom"),
    ("json", "application/feed+json", "JSON Feed"),
)


def page_feeds(context: Any) -> list[tuple[str, str]]:
    """Return (feed slug, title) for what the page shows, most specific first."""
    feeds: list[tuple[str, str]] = []
    for channel in str(context.get("channels") or "").split(","):
        kind, _, ident = channel.strip().partition(":")
        if kind in ("story", "liveblog") and ident.isdigit():
            label = "this story" if kind == "story" else "this live blog"
            feeds.append((f"{kind}/{ident}", label.capitalize()))
        elif kind == "section" and ident:
            name = context.get("section_name") or ident
            feeds.append((f"section/{ident}", str(name)))
    topic = context.get("topic")
    slug = getattr(topic, "slug", "")
    if slug:
        feeds.append((f"topic/{slug}", str(topic)))
    feeds.append(("front", "Top stories"))
    return feeds


@register.simple_tag(takes_context=True)
def feed_links(context: Any) -> str:
    """Render one ``<link rel="alternate">`` per feed format of the page's feeds."""
    rows = [
        (mime, f"{title} ({label})", f"/feeds/{slug}.{ext}")
        for slug, title in page_feeds(context)
        for ext, mime, label in FORMATS
    ]
    return format_html_join(
        "\n",
        '<link rel="alternate" type="{}" title="{}" href="{}">',
        rows,
    ) or format_html("")
