"""GET endpoints: stories, articles, topics, sources, live blogs, alerts, events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Max, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import http_date
from ninja import Query, Schema
from ninja.errors import HttpError

from livenews.api import out, schemas
from livenews.api.pagination import page
from livenews.api.routes import router
from livenews.articles.models import Article
from livenews.core.timeutil import as_utc
from livenews.events.models import Event
from livenews.live.models import Alert, LiveBlog, LiveEntry
from livenews.sources.models import Source
from livenews.stories.models import Story, Topic

# Every operation may answer 422 (parameters that fail validation) and 429.
COMMON: dict[int, Any] = {422: schemas.ErrorOut, 429: schemas.ErrorOut}
NOT_FOUND: dict[int, Any] = {404: schemas.ErrorOut, **COMMON}
BAD: dict[int, Any] = {400: schemas.ErrorOut, **COMMON}


def page_size() -> int:
    from django.conf import settings

    return int(settings.LIVENEWS["API_PAGE_SIZE"])


class PageParams(Schema):
    cursor: str | None = None
    limit: int | None = None


class ListFilters(PageParams):
    language: str | None = None
    topic: str | None = None  # a topic slug
    source: int | None = None
    section: str | None = None  # a section slug ("world"…)
    since: datetime | None = None
    until: datetime | None = None


def modified(response: HttpResponse, *moments: datetime | None) -> None:
    """Send the newest of ``moments`` as Last-Modified."""
    known = [m for m in moments if m is not None]
    if known:
        response["Last-Modified"] = http_date(max(known).timestamp())


def _visible_articles() -> QuerySet[Article]:
    return Article.objects.filter(hidden=False, duplicate_of__isnull=True)


def window(filters: ListFilters) -> tuple[datetime | None, datetime | None]:
    """Return ``since`` and ``until`` in UTC (PostgreSQL refuses odd offsets)."""
    try:
        return (
            as_utc(filters.since) if filters.since else None,
            as_utc(filters.until) if filters.until else None,
        )
    except OverflowError as exc:  # e.g. 0001-01-01T00:00+05:00
        raise HttpError(400, "time out of range") from exc


def _stories(filters: ListFilters) -> QuerySet[Story]:
    stories = Story.objects.filter(merged_into__isnull=True, article_count__gt=0)
    if filters.topic:
        stories = stories.filter(topics__slug=filters.topic)
    if filters.source is not None:
        stories = stories.filter(articles__source_id=filters.source)
    if filters.section:
        stories = stories.filter(section=filters.section.lower())
    if filters.language:
        stories = stories.filter(articles__language__iexact=filters.language)
    since, until = window(filters)
    if since:
        stories = stories.filter(updated_at__gte=since)
    if until:
        stories = stories.filter(updated_at__lt=until)
    return stories.distinct().prefetch_related("topics")


@router.get("/stories", response={200: schemas.StoryPage, **BAD})
def list_stories(
    request: HttpRequest, response: HttpResponse, filters: Query[ListFilters]
) -> Any:
    """Stories, most recently updated first."""
    rows, cursor = page(
        _stories(filters), "updated_at", filters.cursor, filters.limit or page_size()
    )
    modified(response, *(s.updated_at for s in rows))
    return {"items": [out.story_out(s) for s in rows], "next_cursor": cursor}


@router.get("/stories/{story_id}", response={200: schemas.StoryDetailOut, **NOT_FOUND})
def get_story(request: HttpRequest, response: HttpResponse, story_id: int) -> Any:
    """One story with its articles (originals, newest first, up to 200)."""
    story = get_object_or_404(
        Story.objects.filter(merged_into__isnull=True), pk=story_id
    )
    articles = list(
        _visible_articles()
        .filter(story=story)
        .select_related("source")
        .order_by("-published_at", "-id")[:200]
    )
    modified(response, story.updated_at)
    return {**out.story_out(story), "articles": [out.article_out(a) for a in articles]}


class ArticleFilters(ListFilters):
    story: int | None = None
    q: str | None = None  # title contains (GET /search for full-text search)


@router.get("/articles", response={200: schemas.ArticlePage, **BAD})
def list_articles(
    request: HttpRequest, response: HttpResponse, filters: Query[ArticleFilters]
) -> Any:
    """Articles, newest first; ``q`` matches titles (``/search`` searches text)."""
    articles = _visible_articles().select_related("source")
    if filters.topic:
        articles = articles.filter(story__topics__slug=filters.topic)
    if filters.source is not None:
        articles = articles.filter(source_id=filters.source)
    if filters.story is not None:
        articles = articles.filter(story_id=filters.story)
    if filters.section:
        articles = articles.filter(section=filters.section.lower())
    if filters.language:
        articles = articles.filter(language__iexact=filters.language)
    since, until = window(filters)
    if since:
        articles = articles.filter(published_at__gte=since)
    if until:
        articles = articles.filter(published_at__lt=until)
    if filters.q:
        articles = articles.filter(title__icontains=filters.q[:200])
    rows, cursor = page(
        articles.distinct(),
        "published_at",
        filters.cursor,
        filters.limit or page_size(),
    )
    modified(response, *(a.published_at for a in rows))
    return {"items": [out.article_out(a) for a in rows], "next_cursor": cursor}


@router.get("/articles/{article_id}", response={200: schemas.ArticleOut, **NOT_FOUND})
def get_article(request: HttpRequest, response: HttpResponse, article_id: int) -> Any:
    article = get_object_or_404(
        Article.objects.select_related("source"), pk=article_id, hidden=False
    )
    modified(response, article.published_at)
    return out.article_out(article)


@router.get("/topics", response={200: schemas.TopicPage, **BAD})
def list_topics(request: HttpRequest, params: Query[PageParams]) -> Any:
    """Topics in the order they were found."""
    rows, cursor = page(
        Topic.objects.all(), "id", params.cursor, params.limit or page_size(), False
    )
    return {"items": [out.topic_out(t) for t in rows], "next_cursor": cursor}


@router.get("/sources", response={200: schemas.SourcePage, **BAD})
def list_sources(request: HttpRequest, params: Query[PageParams]) -> Any:
    """The sources the portal follows, with their health (public fields only)."""
    sources = Source.objects.filter(is_sample=False)
    rows, cursor = page(
        sources, "id", params.cursor, params.limit or page_size(), False
    )
    return {"items": [out.source_out(s) for s in rows], "next_cursor": cursor}


@router.get("/liveblogs", response={200: schemas.LiveBlogPage, **BAD})
def list_liveblogs(
    request: HttpRequest, response: HttpResponse, params: Query[PageParams]
) -> Any:
    """Live blogs, newest first."""
    rows, cursor = page(
        LiveBlog.objects.all(), "created_at", params.cursor, params.limit or page_size()
    )
    modified(response, *(b.ended_at or b.created_at for b in rows))
    return {"items": [out.liveblog_out(b) for b in rows], "next_cursor": cursor}


def _entries(liveblog_id: int) -> QuerySet[LiveEntry]:
    return LiveEntry.objects.filter(
        liveblog_id=liveblog_id, deleted_at__isnull=True
    ).select_related("author")


@router.get(
    "/liveblogs/{liveblog_id}", response={200: schemas.LiveBlogDetailOut, **NOT_FOUND}
)
def get_liveblog(request: HttpRequest, response: HttpResponse, liveblog_id: int) -> Any:
    """One live blog with its newest 100 entries (page through the rest)."""
    liveblog = get_object_or_404(LiveBlog, pk=liveblog_id)
    entries = list(_entries(liveblog.pk).order_by("-created_at", "-id")[:100])
    newest = _entries(liveblog.pk).aggregate(
        created=Max("created_at"), edited=Max("edited_at")
    )
    modified(response, liveblog.created_at, newest["created"], newest["edited"])
    return {
        **out.liveblog_out(liveblog),
        "entries": [out.entry_out(e) for e in entries],
    }


@router.get(
    "/liveblogs/{liveblog_id}/entries",
    response={200: schemas.LiveEntryPage, **BAD, **NOT_FOUND},
)
def list_entries(
    request: HttpRequest, liveblog_id: int, params: Query[PageParams]
) -> Any:
    """A live blog's entries, newest first."""
    liveblog = get_object_or_404(LiveBlog, pk=liveblog_id)
    rows, cursor = page(
        _entries(liveblog.pk), "created_at", params.cursor, params.limit or page_size()
    )
    return {"items": [out.entry_out(e) for e in rows], "next_cursor": cursor}


@router.get("/alerts", response={200: schemas.AlertPage, **BAD})
def list_alerts(
    request: HttpRequest, response: HttpResponse, params: Query[PageParams]
) -> Any:
    """Breaking alerts, newest first; ``active`` says which still show."""
    rows, cursor = page(
        Alert.objects.all(), "created_at", params.cursor, params.limit or page_size()
    )
    modified(response, *(a.retracted_at or a.created_at for a in rows))
    return {"items": [out.alert_out(a) for a in rows], "next_cursor": cursor}


class EventParams(Schema):
    after: int = 0
    limit: int = 100


@router.get("/events", response={200: schemas.EventsOut, **COMMON})
def list_events(
    request: HttpRequest, response: HttpResponse, params: Query[EventParams]
) -> Any:
    """Committed events with an id above ``after``, oldest first (see docs/events.md).

    Ask again with ``after`` set to ``last_id``. An id may show up late when two
    writers commit out of order on PostgreSQL; re-reading from a slightly
    older id and skipping the ids already seen is safe.
    """
    limit = max(1, min(params.limit, 500))
    rows = list(Event.objects.filter(id__gt=params.after).order_by("id")[:limit])
    modified(response, *(e.created_at for e in rows))
    last_id = rows[-1].pk if rows else max(params.after, 0)
    return {"events": [out.event_out(e) for e in rows], "last_id": last_id}
