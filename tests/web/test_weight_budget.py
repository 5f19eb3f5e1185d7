"""The front page's weight budget: HTML + CSS + JS at most 60 KB on the wire.

The front page is filled as a busy day would fill it (40 stories from eight
sections' sources, a live blog, a breaking alert), fetched through the real
edge with ``Accept-Encoding: br, gzip`` together with every stylesheet and
script it loads; the bytes on the wire (compressed where the server
compresses) are summed. The page must also load nothing that blocks rendering
from another origin: scripts deferred, styles and scripts from its own origin,
no web fonts.
"""

from __future__ import annotations

import random
import re
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from livenews.core.timeutil import now
from livenews.live.actions import create_alert, post_entry, start_liveblog
from livenews.sources.actions import add_source
from livenews.stories.models import Story
from tests.support.articles import store_article

pytestmark = pytest.mark.django_db(transaction=True)

BUDGET_BYTES = 60 * 1024
STORIES = 40
SECTIONS = ["world", "politics", "business", "technology", "science", "sport",
            "culture", "health"]  # fmt: skip
SYLLABLES = ["ka", "ren", "mo", "vel", "tar", "sin", "lu", "dor", "bra", "en",
             "ost", "ha", "mir", "qua", "zel", "pe", "ri", "gan"]  # fmt: skip
COMMON = ["the", "after", "as", "talks", "council", "report", "says", "new",
          "over", "plan", "vote", "rise", "of", "in", "on", "for", "by"]  # fmt: skip


def made_up_words(rng: random.Random, count: int) -> list[str]:
    """Return words no other story shares, so each title makes its own story."""
    return [
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
        for _ in range(count)
    ]


def sentence(rng: random.Random, own: list[str], length: int) -> str:
    words = [rng.choice(own if rng.random() < 0.5 else COMMON) for _ in range(length)]
    return " ".join(words).capitalize()


def fill_front_page() -> None:
    """Store a busy day's articles through the real actions (see module)."""
    rng = random.Random(8)
    sources = [
        add_source(
            f"https://{section}.example.org/feed.xml",
            name=f"{section.title()} Daily",
            section=section,
        )
        for section in SECTIONS
    ]
    for n in range(STORIES):
        own = made_up_words(rng, 8)
        title = sentence(rng, own, 11)
        summary = sentence(rng, own, 38) + "."
        for copy in range(2):
            store_article(
                sources[(n + copy * 3) % len(sources)],
                f"story-{n}-{copy}",
                f"{title}{' as ' + own[copy] if copy else ''}",
                f"<p>{summary}</p>",
            )
    story = Story.objects.order_by("id").first()
    assert story is not None
    liveblog = start_liveblog("Live: " + story.display_headline, story=story)
    post_entry(liveblog, "<p>First update from the scene.</p>")
    create_alert("Harbour closed after storm", "/", now() + timedelta(hours=1))


@dataclass
class Subresources(HTMLParser):
    """The stylesheets and scripts a page loads, with their attributes."""

    stylesheets: list[str] = field(default_factory=list)
    scripts: list[dict[str, str | None]] = field(default_factory=list)
    story_cards: int = 0
    river_items: int = 0

    def __post_init__(self) -> None:
        super().__init__()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "link" and "stylesheet" in (attributes.get("rel") or "").split():
            self.stylesheets.append(attributes.get("href") or "")
        elif tag == "script" and attributes.get("src"):
            self.scripts.append(attributes)
        elif tag == "li" and "story-card" in classes:
            self.story_cards += 1
        elif tag == "li" and "river-item" in classes:
            self.river_items += 1


def fetch_on_the_wire(url: str) -> tuple[bytes, str]:
    """Return the body as sent (urllib does not decompress) and its encoding."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "br, gzip"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read(), response.headers.get("Content-Encoding", "identity")


def test_front_page_html_css_and_js_weigh_at_most_60_kb(edge_server):
    fill_front_page()
    front_url = edge_server.url("/")
    html, encoding = fetch_on_the_wire(front_url)
    assert encoding in {"br", "gzip"}, "the front page is sent compressed"
    page = Subresources()
    page.feed(urllib.request.urlopen(front_url, timeout=30).read().decode())
    # A realistic page, or the budget proves nothing.
    assert page.story_cards >= 30
    assert page.river_items >= 25
    assert page.stylesheets and page.scripts

    weights = {"/": len(html)}
    for href in page.stylesheets + [str(s["src"]) for s in page.scripts]:
        body, _ = fetch_on_the_wire(urljoin(front_url, href))
        weights[href] = len(body)
    total = sum(weights.values())
    assert total <= BUDGET_BYTES, f"{total} bytes on the wire: {weights}"


def test_front_page_loads_nothing_render_blocking_from_elsewhere(edge_server):
    fill_front_page()
    front_url = edge_server.url("/")
    page = Subresources()
    page.feed(urllib.request.urlopen(front_url, timeout=30).read().decode())
    origin = urlsplit(front_url).netloc
    for href in page.stylesheets + [str(s["src"]) for s in page.scripts]:
        assert urlsplit(urljoin(front_url, href)).netloc == origin, href
    for script in page.scripts:
        assert "defer" in script or "async" in script or script.get("type") == "module"
    for href in page.stylesheets:
        css = urllib.request.urlopen(urljoin(front_url, href), timeout=30).read()
        assert not re.search(rb"@import|@font-face|url\(\s*['\"]?https?:", css), href
