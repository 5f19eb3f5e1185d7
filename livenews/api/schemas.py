"""What the API answers and accepts (its OpenAPI schema comes from these)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    detail: Any


class TopicOut(Schema):
    id: int
    name: str
    slug: str
    kind: str


class SourceOut(Schema):
    id: int
    name: str
    site_url: str
    section: str
    health: str
    items_per_day: float | None
    last_success_at: datetime | None


class ArticleOut(Schema):
    id: int
    title: str
    url: str  # the outlet's own address
    page_url: str  # its page here
    summary: str
    body_html: str
    authors: list[str]
    language: str
    lead_image_url: str
    published_at: datetime
    updated_at: datetime | None  # moved by corrections
    source_id: int
    source_name: str
    story_id: int | None


class StoryOut(Schema):
    id: int
    headline: str
    summary: str
    page_url: str
    lead_image_url: str
    status: str
    first_seen_at: datetime
    updated_at: datetime
    article_count: int
    source_count: int
    topics: list[TopicOut]


class StoryDetailOut(StoryOut):
    articles: list[ArticleOut]


class LiveEntryOut(Schema):
    id: int
    liveblog_id: int
    body_html: str
    is_key_event: bool
    is_pinned: bool
    author: str
    created_at: datetime
    edited_at: datetime | None


class LiveBlogOut(Schema):
    id: int
    title: str
    status: str
    page_url: str
    story_id: int | None
    created_at: datetime
    ended_at: datetime | None


class LiveBlogDetailOut(LiveBlogOut):
    entries: list[LiveEntryOut]


class AlertOut(Schema):
    id: int
    headline: str
    url: str
    created_at: datetime
    expires_at: datetime
    retracted_at: datetime | None
    active: bool


class EventOut(Schema):
    id: int
    type: str
    channels: list[str]
    data: dict[str, Any]
    created_at: datetime


class EventsOut(Schema):
    events: list[EventOut]
    last_id: int


class StoryPage(Schema):
    items: list[StoryOut]
    next_cursor: str | None


class ArticlePage(Schema):
    items: list[ArticleOut]
    next_cursor: str | None


class SearchHitOut(Schema):
    id: int  # the article (GET /articles/{id} for the whole of it)
    title: str
    title_html: str  # the title, escaped, matches in <mark>
    snippet_html: str  # a passage, escaped, matches in <mark>
    url: str  # the outlet's own address
    page_url: str
    language: str
    published_at: datetime
    source_id: int
    source_name: str
    story_id: int | None


class SearchPage(Schema):
    query: str
    total: int  # matches ranked (at most the ranking's candidate cap)
    capped: bool  # more matched than were ranked
    page: int
    pages: int
    items: list[SearchHitOut]


class TopicPage(Schema):
    items: list[TopicOut]
    next_cursor: str | None


class SourcePage(Schema):
    items: list[SourceOut]
    next_cursor: str | None


class LiveBlogPage(Schema):
    items: list[LiveBlogOut]
    next_cursor: str | None


class LiveEntryPage(Schema):
    items: list[LiveEntryOut]
    next_cursor: str | None


class AlertPage(Schema):
    items: list[AlertOut]
    next_cursor: str | None


class EntryIn(Schema):
    body_html: str
    is_key_event: bool = False


class AlertIn(Schema):
    headline: str
    url: str = ""
    expires_at: datetime


class SourceIn(Schema):
    url: str
    name: str = ""
    section: str = ""
    site_url: str = ""
