"""What each feed carries, as plain data that RSS, Atom and JSON Feed all render.

A ``FeedChannel`` is one feed's title, page and items; a ``FeedItem`` is one
entry. Item ids are ``tag:`` URIs (RFC 4151) built from the site's host, the
day the object was first stored and its kind and primary key, so an id never
changes when a headline is rewritten or an article corrected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse

from livenews.articles.models import Article
from livenews.live.models import LiveBlog, LiveEntry
from livenews.stories.models import Story, Topic

MAX_QUERY = 200


@dataclass(frozen=True)
class FeedItem:
    kind: str  # "story", "article" or "liveentry": the tag URI's kind
    pk: int
    first_stored: datetime
    title: str
    link: str  # a site path ("/story/3/") or an absolute URL
    content_html: str
    summary: str
    published: datetime
    updated: datetime
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    image: str = ""
    external_url: str = ""


@dataclass(frozen=True)
class FeedChannel:
    slug: str  # names the feed in its URLs: "front", "story/3", "topic/x"…
    title: str
    link: str  # the page the feed mirrors, as a site path
    description: str
    items: list[FeedItem]
    cache_keys: tuple[str, ...]
    query: str = ""  # the search feed's ``q``, kept on its feed URLs

    @property
    def updated(self) -> datetime | None:
        return max((item.updated for item in self.items), default=None)


def tag_uri(host: str, item: FeedItem) -> str:
    """Return the item's stable id: ``tag:<host>,<YYYY-MM-DD>:<kind>:<pk>``."""
    day = item.first_stored.date().isoformat()
    return f"tag:{host},{day}:{item.kind}:{item.pk}"


def feed_size() -> int:
    return int(settings.LIVENEWS["FEED_ITEMS"])


def site_name() -> str:
    return str(settings.LIVENEWS["SITE_NAME"])


def _story_item(story: Story) -> FeedItem:
    lead = story.headline_article
    summary = story.summary or (lead.summary if lead else "")
    return FeedItem(
        kind="story",
        pk=story.pk,
        first_stored=story.first_seen_at,
        title=story.display_headline,
        link=story.get_absolute_url(),
        content_html=lead.body_html if lead and lead.body_html else "",
        summary=summary,
        published=story.first_seen_at,
        updated=max(story.updated_at, story.first_seen_at),
        authors=[lead.source.name] if lead and lead.source.name else [],
        categories=[topic.name for topic in story.topics.all()],
        image=story.lead_image_url or (lead.lead_image_url if lead else ""),
    )


def _article_item(article: Article) -> FeedItem:
    authors = [str(a) for a in article.authors or [] if str(a).strip()]
    if not authors and article.source.name:
        authors = [article.source.name]
    section = article.section
    return FeedItem(
        kind="article",
        pk=article.pk,
        first_stored=article.stored_at,
        title=article.title,
        link=article.get_absolute_url(),
        content_html=article.body_html,
        summary=article.summary,
        published=article.published_at,
        # A correction moves it, so feed readers show the article again.
        updated=max(article.updated_at or article.published_at, article.published_at),
        authors=authors,
        categories=[section] if section else [],
        image=article.lead_image_url,
        external_url=article.url,
    )


def _entry_item(entry: LiveEntry) -> FeedItem:
    author = entry.author
    name = (author.get_full_name() or author.username) if author else ""
    return FeedItem(
        kind="liveentry",
        pk=entry.pk,
        first_stored=entry.created_at,
        title=entry.key_event_title or f"Update at {entry.created_at:%H:%M} UTC",
        link=reverse("web:liveblog", args=[entry.liveblog_id]) + f"#entry-{entry.pk}",
        content_html=entry.body_html,
        summary="",
        published=entry.created_at,
        updated=entry.edited_at or entry.created_at,
        authors=[name] if name else [],
        categories=["key event"] if entry.is_key_event else [],
    )


def _stories() -> QuerySet[Story]:
    return (
        Story.objects.filter(merged_into__isnull=True, article_count__gt=0)
        .select_related("headline_article__source")
        .prefetch_related("topics")
        .order_by("-updated_at", "-id")
    )


def _articles() -> QuerySet[Article]:
    return (
        Article.objects.filter(hidden=False, duplicate_of__isnull=True)
        .select_related("source")
        .order_by("-published_at", "-id")
    )


def front_channel() -> FeedChannel:
    """The newest-updated stories: what the front page shows, in time order."""
    stories = _stories().filter(status__in=["developing", "steady"])[: feed_size()]
    return FeedChannel(
        slug="front",
        title=f"{site_name()}: top stories",
        link=reverse("web:front"),
        description="Stories as they develop, gathered from many sources.",
        items=[_story_item(story) for story in stories],
        cache_keys=("front",),
    )


def story_channel(story: Story) -> FeedChannel:
    """Every outlet's article in one story, newest first."""
    articles = _articles().filter(story=story)[: feed_size()]
    return FeedChannel(
        slug=f"story/{story.pk}",
        title=f"{story.display_headline} — {site_name()}",
        link=story.get_absolute_url(),
        description=f"All coverage of: {story.display_headline}",
        items=[_article_item(article) for article in articles],
        cache_keys=(f"story:{story.pk}",),
    )


# Editors often title a blog "Live: ..." or "LIVE - ..."; the feed says it once.
_LIVE_AT_START = re.compile(r"\s*live\b", re.IGNORECASE)


def liveblog_channel(liveblog: LiveBlog) -> FeedChannel:
    """A live blog's entries, newest first (deleted ones left out)."""
    entries = (
        liveblog.entries.filter(deleted_at__isnull=True)
        .select_related("author")
        .order_by("-created_at", "-id")[: feed_size()]
    )
    says_live = _LIVE_AT_START.match(liveblog.title) is not None
    return FeedChannel(
        slug=f"liveblog/{liveblog.pk}",
        title=f"{liveblog.title}{'' if says_live else ' — live'} — {site_name()}",
        link=reverse("web:liveblog", args=[liveblog.pk]),
        description=liveblog.title if says_live else f"Live: {liveblog.title}",
        items=[_entry_item(entry) for entry in entries],
        cache_keys=(f"liveblog:{liveblog.pk}",),
    )


def topic_channel(topic: Topic) -> FeedChannel:
    """The newest-updated stories tagged with a topic.

    Cached under ``front``: no event names a topic, but every story change
    goes to ``front``, which is enough to drop the topic feed in time.
    """
    stories = _stories().filter(topics=topic)[: feed_size()]
    return FeedChannel(
        slug=f"topic/{topic.slug}",
        title=f"{topic.name} — {site_name()}",
        link=topic.get_absolute_url(),
        description=f"Stories about {topic.name}",
        items=[_story_item(story) for story in stories],
        cache_keys=("front",),
    )


def section_channel(section: str) -> FeedChannel:
    """Articles of one section (``Article.section``), newest first."""
    articles = _articles().filter(section=section)[: feed_size()]
    return FeedChannel(
        slug=f"section/{section}",
        title=f"{site_name()}: {section}",
        link=reverse("web:section", args=[section]),
        description=f"The latest in {section}",
        items=[_article_item(article) for article in articles],
        cache_keys=("front", f"section:{section}"),
    )


def search_channel(query: str) -> FeedChannel:
    """Articles whose title contains ``query`` (until full-text search exists)."""
    query = " ".join(query.split())[:MAX_QUERY]
    articles = (
        _articles().filter(title__icontains=query)[: feed_size()] if query else []
    )
    return FeedChannel(
        slug="search",
        title=f"{site_name()}: search for “{query}”",
        link=reverse("web:front"),
        description=f"Articles matching “{query}”",
        items=[_article_item(article) for article in articles],
        cache_keys=("front",),
        query=query,
    )
