"""Read what the public pages show."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from livenews.articles.models import Article
from livenews.articles.textdiff import word_diff
from livenews.core.timeutil import now
from livenews.live.models import LiveBlog
from livenews.sources.models import Source
from livenews.stories import ranking
from livenews.stories.models import Story, Topic


def list_front_stories(limit: int = 30, pool: int = 300) -> list[Story]:
    """Return open stories in front-page order (stories.ranking): pins, then score."""
    return rank_open_stories(pool=pool)[:limit]


def rank_open_stories(section: str | None = None, pool: int = 300) -> list[Story]:
    """Return open stories (of one section, if given) in front-page order.

    The score is computed on the ``pool`` most recently updated open stories:
    recency decay makes an older one rank below them anyway.
    """
    at = now()
    candidates = Story.objects.filter(
        status__in=["developing", "steady"],
        merged_into__isnull=True,
        article_count__gt=0,
    )
    if section is not None:
        candidates = candidates.filter(section=section)
    recent = candidates.order_by("-pinned", "-updated_at", "-id")[:pool]
    return sorted(
        recent,
        key=lambda s: ranking.front_order_key(
            s.pinned,
            ranking.front_score(s.source_count, s.velocity, s.updated_at, at),
            s.updated_at,
        ),
        reverse=True,
    )


def group_by_section(
    stories: list[Story], sections: list[str], per_section: int = 3
) -> list[tuple[str, list[Story]]]:
    """Return the first ``per_section`` stories of each of ``sections``, in order.

    Sections without stories are left out.
    """
    groups: dict[str, list[Story]] = {slug: [] for slug in sections}
    for story in stories:
        group = groups.get(story.section)
        if group is not None and len(group) < per_section:
            group.append(story)
    return [(slug, groups[slug]) for slug in sections if groups[slug]]


def get_live_blogs_by_story(story_ids: list[int]) -> dict[int, int]:
    """Return {story id: id of its newest live blog still live} for those stories."""
    if not story_ids:
        return {}
    rows = (
        LiveBlog.objects.filter(status="live", story_id__in=story_ids)
        .order_by("created_at", "id")
        .values_list("story_id", "id")
    )
    return {story_id: blog_id for story_id, blog_id in rows if story_id is not None}


def get_story_liveblog(story: Story) -> LiveBlog | None:
    """Return the story's live blog: the newest live one, else the newest ended."""
    return story.liveblogs.order_by("-status", "-created_at", "-id").first()


def list_section_latest(section: str, limit: int = 30) -> list[Article]:
    """Return the newest visible articles of one section with their sources."""
    return list(
        Article.objects.filter(hidden=False, section=section)
        .select_related("source")
        .order_by("-published_at", "-id")[:limit]
    )


def list_source_articles(source: Source, limit: int = 30) -> list[Article]:
    """Return a source's newest visible articles."""
    return list(
        source.articles.filter(hidden=False).order_by("-published_at", "-id")[:limit]
    )


def has_section(section: str) -> bool:
    """Return True when an article or a source names ``section``."""
    return (
        Article.objects.filter(section=section).exists()
        or Source.objects.filter(section=section).exists()
    )


def list_latest_articles(limit: int = 30) -> list[Article]:
    """Return the newest visible articles with their sources."""
    return list(
        Article.objects.filter(hidden=False)
        .select_related("source")
        .order_by("-published_at", "-id")[:limit]
    )


def list_story_articles(story: Story) -> QuerySet[Article]:
    """Return a story's visible original articles, newest first, with their copies.

    Copies (``duplicate_of``) are not listed apart: each original carries them
    in ``copies`` (with their sources) for "also published by".
    """
    return (
        story.articles.filter(hidden=False, duplicate_of__isnull=True)
        .select_related("source")
        .prefetch_related(
            Prefetch(
                "copies",
                queryset=Article.objects.filter(hidden=False).select_related("source"),
            )
        )
        .order_by("-published_at", "-id")
    )


def list_topic_stories(topic: Topic, limit: int = 50) -> list[Story]:
    """Return a topic's stories, most recently updated first."""
    return list(
        topic.stories.filter(merged_into__isnull=True).order_by("-updated_at", "-id")[
            :limit
        ]
    )


def get_source_summary() -> dict[str, int]:
    """Count sources by health for the empty front page."""
    sources = list(
        Source.objects.only(
            "paused", "consecutive_failures", "last_success_at", "stalled"
        )
    )
    summary = dict.fromkeys(("ok", "failing", "stalled", "waiting", "paused"), 0)
    summary["total"] = len(sources)
    for source in sources:
        summary[source.health] += 1
    return summary


def list_corrections(article: Article) -> list[dict[str, object]]:
    """Return the article's corrections, oldest first, each with its note and the
    word-level change it made (from that version to the next)."""
    revisions = list(article.revisions.all())
    texts = [r.title + "\n\n" + r.body_text for r in revisions]
    texts.append(article.title + "\n\n" + article.body_text)
    return [
        {
            "at": revision.replaced_at,
            "note": revision.note,
            "diff": word_diff(texts[n], texts[n + 1]),
        }
        for n, revision in enumerate(revisions)
    ]
