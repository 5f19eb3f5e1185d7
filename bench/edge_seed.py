"""Seed one page of every type for the edge scenarios, through the project's actions.

``python -m bench.edge_seed --articles 200`` (run with the bench's livenews
environment, after ``livenews ingest --once`` stored the farm's stories) adds
one developing story of ``--articles`` reports from the first source (stored
and placed as the pipeline does: ``create_article`` + ``place_article`` in one
transaction each), and a live blog on it with 50 entries. It prints one
``READY {json}`` line naming a URL per page type: front, story (the biggest),
article, topic and live blog, with the story's article count.
"""

from __future__ import annotations

import argparse
import json
from datetime import timedelta


def seed(articles: int, entries: int) -> dict[str, object]:
    from livenews.cli import setup_django

    setup_django()
    from django.db import transaction
    from django.db.models import Count

    from livenews.articles.actions import create_article
    from livenews.articles.normalize import normalize_entry
    from livenews.core.timeutil import now
    from livenews.live import actions as live
    from livenews.sources.models import Source
    from livenews.sources.parsers import ParsedEntry
    from livenews.stories.actions import place_article
    from livenews.stories.models import Story

    source = Source.objects.order_by("pk").first()
    if source is None:
        raise SystemExit("no source: run `livenews ingest --once` first")
    start = now() - timedelta(hours=6)
    for n in range(articles):
        text = (
            "Protests over unpaid wages spread to the state factories of Brennick "
            f"as workers walk out; police and ministers respond, report {n}"
        )
        entry = ParsedEntry(
            guid=f"bench-story-{n}",
            url=f"https://bench.example/brennick/{n}",
            title=f"Brennick factory protests spread, report {n}",
            summary_html=f"<p>{text}.</p><p>Workers at plant {n % 17} joined.</p>",
            published=start + timedelta(minutes=n),
        )
        with transaction.atomic():
            article = create_article(source, normalize_entry(entry, now()), now())
            place_article(article)
    story = Story.objects.annotate(n=Count("articles")).order_by("-n", "-pk").first()
    assert story is not None
    blog = live.start_liveblog("Brennick protests, live", story)
    for n in range(entries):
        live.post_entry(blog, f"<p>Update {n}: more workers join at plant {n}.</p>")
    article = story.articles.order_by("pk").first()
    topic = story.topics.order_by("pk").first() or (
        Story.topics.rel.model.objects.order_by("pk").first()
    )
    urls = {
        "front": "/",
        "story": f"/story/{story.pk}/",
        "liveblog": f"/liveblog/{blog.pk}/",
    }
    if article is not None:
        urls["article"] = f"/article/{article.pk}/"
    if topic is not None:
        urls["topic"] = f"/topic/{topic.slug}/"
    return {
        "urls": urls,
        "story_id": story.pk,
        "story_articles": story.articles.count(),
        "liveblog_entries": entries,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--entries", type=int, default=50)
    args = parser.parse_args()
    print("READY " + json.dumps(seed(args.articles, args.entries)), flush=True)


if __name__ == "__main__":
    main()
