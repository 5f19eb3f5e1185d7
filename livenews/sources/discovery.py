"""Find the feed of a web page: its ``<link rel="alternate">`` tags, else the
paths where sites usually put one.

Pure: HTML in, candidate URLs out. The pipeline fetches the candidates (with
the same limits and politeness as any feed) when a source turns out to be a
page, and moves the source to the first candidate that parses as a feed.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from livenews.core.urlnorm import is_http_url

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
)
# The paths of the common blog and CMS engines (WordPress, Ghost, Hugo, Jekyll…),
# most likely first. Only tried when the page names no feed.
COMMON_PATHS = ("/feed", "/rss", "/feed.xml", "/rss.xml", "/atom.xml", "/index.xml")
MAX_CANDIDATES = 6
MAX_HTML = 512 * 1024  # feed links live in <head>


class _LinkFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.base = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): (value or "") for name, value in attrs}
        if tag == "base" and not self.base:
            self.base = values.get("href", "")
        if tag != "link":
            return
        rels = values.get("rel", "").lower().split()
        kind = values.get("type", "").lower().split(";")[0].strip()
        if "alternate" in rels and kind in FEED_TYPES and values.get("href"):
            self.links.append((values["href"].strip(), kind))


def feed_links(html: str, page_url: str) -> list[str]:
    """Return the absolute http(s) feed URLs a page announces, in page order."""
    finder = _LinkFinder()
    finder.feed(html[:MAX_HTML])
    base = urljoin(page_url, finder.base) if finder.base else page_url
    found: list[str] = []
    for href, _ in finder.links:
        url = urljoin(base, href)
        if is_http_url(url) and url not in found:
            found.append(url)
    return found[:MAX_CANDIDATES]


def common_feed_urls(page_url: str) -> list[str]:
    """Return the usual feed locations on the page's site."""
    parts = urlsplit(page_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    return [origin + path for path in COMMON_PATHS if origin + path != page_url]


def feed_candidates(html: str, page_url: str) -> list[str]:
    """Return where to look for the feed of ``page_url``, best first."""
    return feed_links(html, page_url) or common_feed_urls(page_url)
