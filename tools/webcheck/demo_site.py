"""Fill an empty livenews database with the demo samples, as the portal would.

Run it with ``LIVENEWS_DATA_DIR`` (or ``LIVENEWS_DATABASE_URL``) pointing at a
fresh database: ``python -m tools.webcheck.demo_site``. It prints one JSON
object naming a page of each kind (front, story, article, topic, live blog).

Everything goes through the real paths: the demo wire serves the sample feeds
on 127.0.0.1, one ``ingest_once`` fetches, parses, deduplicates and clusters
them into stories; a live blog, a correction and a breaking alert are made by
the same actions the newsroom uses.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from typing import Any
from urllib.parse import quote

# Entries of the live blog, oldest first: (minutes before now, body, key event?).
# A key event's first line is its title in the "key events" box.
LIVE_ENTRIES = [
    (
        95,
        "<p>Good morning. We are following the strike at Saltmere port as it "
        "enters its second day; updates appear here as they come in.</p>",
        False,
    ),
    (
        80,
        "<p>Union says it is ready to talk</p><p>Union secretary Hedda Vantreel "
        "told reporters the union will return to the table if Ostrel withdraws "
        "the weekend rota change.</p>",
        True,
    ),
    (
        62,
        "<p>Ships are queueing outside the harbour: the harbour master counts "
        "fourteen container vessels at anchor.</p>",
        False,
    ),
    (
        41,
        "<p>Ostrel to seek an injunction</p><p>The operator calls the walkout "
        "unlawful and will ask the district court to end it this afternoon.</p>",
        True,
    ),
    (
        20,
        "<blockquote><p>We have made a fair offer and the door is open.</p>"
        "</blockquote><p>Ostrel's chief executive, in a short statement.</p>",
        False,
    ),
    (
        5,
        "<p>Talks to resume at 16:00</p><p>Both sides confirm they will meet at "
        "the labour mediation office this afternoon.</p>",
        True,
    ),
]


def release_every_sample(wire: Any, spacing: float) -> None:
    """Make the wire show all its samples at once, spaced over the past hours.

    The wire releases one sample every ``every`` seconds from its start; moving
    its start back makes every sample already released, with times in the past.
    """
    count = len(wire.samples)
    wire.started = wire.clock() - (count - 1) * wire.every
    wire.started_at = wire.started_at - timedelta(seconds=count * spacing)


def build() -> dict[str, Any]:
    """Ingest the samples, open a live blog, correct an article; name the pages."""
    from django.conf import settings

    from livenews.articles.actions import correct_article
    from livenews.articles.models import Article
    from livenews.core.timeutil import now
    from livenews.demo.wire import DemoWire
    from livenews.live.actions import (
        create_alert,
        liveblog_url,
        pin_entry,
        post_entry,
        start_liveblog,
    )
    from livenews.pipeline import ingest_once
    from livenews.sources.actions import subscribe_demo_wire
    from livenews.stories.models import Story

    settings.LIVENEWS["ALLOW_PRIVATE_SOURCES"] = True
    wire = DemoWire(every=600)
    release_every_sample(wire, spacing=600)
    wire.start()
    try:
        subscribe_demo_wire(wire.feed_urls())
        stored = ingest_once().new_articles
    finally:
        wire.stop()
    if stored == 0:
        raise SystemExit("the demo wire gave no articles: is the pipeline broken?")

    story = Story.objects.filter(merged_into__isnull=True).order_by(
        "-article_count", "id"
    )[0]
    liveblog = start_liveblog(f"Live: {story.display_headline}", story=story)
    entries = [
        post_entry(
            liveblog,
            body,
            is_key_event=key,
            created_at=now() - timedelta(minutes=minutes),
        )
        for minutes, body, key in LIVE_ENTRIES
    ]
    pin_entry(entries[-1])

    article = story.articles.filter(hidden=False).order_by("published_at")[0]
    correct_article(
        article,
        article.title,
        article.body_html.replace("2.5 percent", "2.4 percent", 1),
        "An earlier version gave the proposed pay rise as 2.5 percent; it is 2.4.",
    )
    create_alert(
        "Saltmere port talks to resume at 16:00",
        liveblog_url(liveblog),
        now() + timedelta(hours=6),
    )
    topic = story.topics.order_by("id").first()
    pages = {
        "front": "/",
        "story": story.get_absolute_url(),
        "article": Article.objects.get(pk=article.pk).get_absolute_url(),
        "liveblog": liveblog_url(liveblog),
        "topic": topic.get_absolute_url() if topic else "",
        "section": f"/section/{story.section}/" if story.section else "",
        "source": f"/source/{article.source_id}/",
        "sources": "/sources/",
        "liveblogs": "/liveblog/",
        "search": "/search/?q=" + quote(story.display_headline.split()[0]),
        "about": "/about/",
        "not-found": "/story/999999999/",
    }
    return {
        "articles": Article.objects.count(),
        "stories": Story.objects.count(),
        "pages": {kind: path for kind, path in pages.items() if path},
    }


def main() -> None:
    os.environ.setdefault("LIVENEWS_STARTER_SOURCES", "0")
    from livenews.cli import migrate, setup_django

    setup_django()
    migrate()
    print(json.dumps(build()))


if __name__ == "__main__":
    main()
