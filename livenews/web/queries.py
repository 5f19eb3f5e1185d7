"""Read what the public pages show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from livenews.articles.models import Article
from livenews.articles.textdiff import word_diff
from livenews.core.timeutil import now
from livenews.live.models import LiveBlog
from livenews.sources.models import Source
from livenews.stories import ranking
from livenews.stories.models import Story, Topic
from livenews.web.paths import path_maker

# What lists of stories and rivers of articles leave out: the clusterer's state
# (a JSON document per story) and article bodies are the bulk of their rows.
HEAVY_STORY_FIELDS = ("cluster_state", "terms")
RIVER_FIELDS = (
    "id",
    "title",
    "language",
    "published_at",
    "source_id",
    "source__name",
    "source__url",
)


@dataclass(frozen=True)
class RankedStory:
    """A story's place in a ranking: its id and section, no more."""

    pk: int
    section: str


def list_front_stories(limit: int = 30, pool: int = 300) -> list[Story]:
    """Return open stories in front-page order (stories.ranking): pins, then score."""
    return get_stories([r.pk for r in rank_open_stories(pool=pool)[:limit]])


def rank_open_stories(section: str | None = None, pool: int = 300) -> list[RankedStory]:
    """Return open stories (of one section, if given) in front-page order.

    The score is computed on the ``pool`` most recently updated open stories:
    recency decay makes an older one rank below them anyway. Only the columns
    the score needs are read; ``get_stories`` then loads the few shown.
    """
    at = now()
    candidates = Story.objects.filter(
        status__in=["developing", "steady"],
        merged_into__isnull=True,
        article_count__gt=0,
    )
    if section is not None:
        candidates = candidates.filter(section=section)
    rows = candidates.order_by("-pinned", "-updated_at", "-id").values_list(
        "pk", "pinned", "source_count", "velocity", "updated_at", "section", "boost"
    )[:pool]
    ranked = sorted(
        rows,
        key=lambda r: ranking.front_order_key(
            r[1], ranking.front_score(r[2], r[3], r[4], at, r[6]), r[4]
        ),
        reverse=True,
    )
    return [RankedStory(pk=row[0], section=row[5]) for row in ranked]


def get_stories(ids: list[int]) -> list[Story]:
    """Return the stories of ``ids`` in that order (one query)."""
    found = Story.objects.defer(*HEAVY_STORY_FIELDS).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


# What a story card (web/_story_card.html) and the page's meta read of a story.
CARD_FIELDS = (
    "id",
    "headline",
    "editor_headline",
    "summary",
    "lead_image_url",
    "updated_at",
    "article_count",
    "source_count",
)


def get_story_cards(ids: list[int]) -> list[Story]:
    """Return the stories of ``ids`` in that order with their card fields only
    (one query): the lists of story cards read nothing else."""
    found = Story.objects.only(*CARD_FIELDS).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def group_by_section(
    ranked: list[RankedStory], sections: list[str], per_section: int = 3
) -> list[tuple[str, list[int]]]:
    """Return the ids of the first ``per_section`` stories of each of
    ``sections``, in order; sections without stories are left out."""
    groups: dict[str, list[int]] = {slug: [] for slug in sections}
    for story in ranked:
        group = groups.get(story.section)
        if group is not None and len(group) < per_section:
            group.append(story.pk)
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
        .only(*RIVER_FIELDS)
        .order_by("-published_at", "-id")[:limit]
    )


def list_source_articles(source: Source, limit: int = 30) -> list[Article]:
    """Return a source's newest visible articles."""
    return list(
        source.articles.filter(hidden=False)
        .only("id", "title", "language", "published_at", "source_id")
        .order_by("-published_at", "-id")[:limit]
    )


def has_section(section: str) -> bool:
    """Return True when an article or a source names ``section``."""
    return (
        Article.objects.filter(section=section).exists()
        or Source.objects.filter(section=section).exists()
    )


def list_latest_articles(limit: int = 30) -> list[Article]:
    """Return the newest visible articles with their sources (river fields only)."""
    return list(
        Article.objects.filter(hidden=False)
        .select_related("source")
        .only(*RIVER_FIELDS)
        .order_by("-published_at", "-id")[:limit]
    )


@dataclass(frozen=True)
class TimelineRow:
    """One original article of a story's timeline, with the copies folded in it."""

    pk: int
    url: str
    title: str
    language: str
    published_at: datetime
    source_path: str
    source_name: str
    copies: list[tuple[str, str]]  # (page path, outlet name), oldest first


def _outlet(name: str, url: str) -> str:
    return name or url


def list_story_timeline(story: Story) -> list[TimelineRow]:
    """Return a story's visible original articles, newest first, each carrying
    its visible copies for "also published by".

    Two queries of plain values whatever the story's size: a 200-article story
    page builds no model instances for its timeline.
    """
    article_path = path_maker("web:article")
    source_path = path_maker("web:source")
    copies: dict[int, list[tuple[str, str]]] = {}
    copy_rows = (
        Article.objects.filter(duplicate_of__story=story, hidden=False)
        .order_by("published_at", "id")
        .values_list("pk", "duplicate_of_id", "source__name", "source__url")
    )
    for pk, original, name, url in copy_rows:
        copies.setdefault(original, []).append((article_path(pk), _outlet(name, url)))
    rows = (
        story.articles.filter(hidden=False, duplicate_of__isnull=True)
        .order_by("-published_at", "-id")
        .values_list(
            "pk",
            "title",
            "language",
            "published_at",
            "source_id",
            "source__name",
            "source__url",
        )
    )
    return [
        TimelineRow(
            pk=pk,
            url=article_path(pk),
            title=title,
            language=language,
            published_at=published_at,
            source_path=source_path(source_id),
            source_name=_outlet(name, url),
            copies=copies.get(pk, []),
        )
        for pk, title, language, published_at, source_id, name, url in rows
    ]


def list_topic_stories(topic: Topic, limit: int = 50) -> list[Story]:
    """Return a topic's stories, most recently updated first."""
    return list(
        topic.stories.filter(merged_into__isnull=True)
        .defer(*HEAVY_STORY_FIELDS)
        .order_by("-updated_at", "-id")[:limit]
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
