"""Typed events, one class per kind, named ``<noun>.<past-tense verb>``.

Each class's docstring names its payload fields. ``channels`` says which live
streams receive it: ``front`` (front page), ``story:<id>``, ``source:<id>``…
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class DomainEvent:
    """Base class: a payload dataclass with a type name and channels."""

    type: ClassVar[str] = ""

    def channels(self) -> list[str]:
        raise NotImplementedError

    def payload(self) -> dict[str, Any]:
        return asdict(self)


def _section_channel(section: str) -> list[str]:
    """Return ``["section:<slug>"]`` for a section, none without."""
    return [f"section:{section}"] if section else []


@dataclass(frozen=True)
class ArticleAdded(DomainEvent):
    """A new article was stored.

    Fields: article_id, title, url (its page here), source_name, story_id,
    published_at (ISO 8601 UTC), section (slug, or "").
    """

    type: ClassVar[str] = "article.added"
    article_id: int
    title: str
    url: str
    source_name: str
    story_id: int
    published_at: str
    section: str = ""

    def channels(self) -> list[str]:
        return ["front", f"story:{self.story_id}", *_section_channel(self.section)]


@dataclass(frozen=True)
class StoryCreated(DomainEvent):
    """A story started with its first article.

    Fields: story_id, headline, url, article_count, source_count, updated_at,
    section (slug, or "").
    """

    type: ClassVar[str] = "story.created"
    story_id: int
    headline: str
    url: str
    article_count: int
    source_count: int
    updated_at: str
    section: str = ""

    def channels(self) -> list[str]:
        return ["front", f"story:{self.story_id}", *_section_channel(self.section)]


@dataclass(frozen=True)
class StoryUpdated(DomainEvent):
    """A story gained an article or changed.

    Fields: story_id, headline, url, article_count, source_count, updated_at,
    section (slug, or "").
    """

    type: ClassVar[str] = "story.updated"
    story_id: int
    headline: str
    url: str
    article_count: int
    source_count: int
    updated_at: str
    section: str = ""

    def channels(self) -> list[str]:
        return ["front", f"story:{self.story_id}", *_section_channel(self.section)]


EVENT_TYPES: dict[str, type[DomainEvent]] = {
    cls.type: cls for cls in (ArticleAdded, StoryCreated, StoryUpdated)
}


@dataclass(frozen=True)
class LiveBlogStarted(DomainEvent):
    """A live blog started.

    Fields: liveblog_id, title, url, story_id (or null).
    """

    type: ClassVar[str] = "liveblog.started"
    liveblog_id: int
    title: str
    url: str
    story_id: int | None

    def channels(self) -> list[str]:
        extra = [f"story:{self.story_id}"] if self.story_id else []
        return ["front", f"liveblog:{self.liveblog_id}", *extra]


@dataclass(frozen=True)
class LiveBlogEnded(LiveBlogStarted):
    """A live blog ended. Fields: as ``liveblog.started``."""

    type: ClassVar[str] = "liveblog.ended"


@dataclass(frozen=True)
class LiveEntryPosted(DomainEvent):
    """An entry was posted to a live blog.

    Fields: entry_id, liveblog_id, html (the entry as the page renders it),
    is_key_event, is_pinned, created_at, key_event_title (plain text, for the
    key events box).
    """

    type: ClassVar[str] = "liveentry.posted"
    entry_id: int
    liveblog_id: int
    html: str
    is_key_event: bool
    is_pinned: bool
    created_at: str
    key_event_title: str

    def channels(self) -> list[str]:
        return [f"liveblog:{self.liveblog_id}"]


@dataclass(frozen=True)
class LiveEntryUpdated(LiveEntryPosted):
    """An entry was edited, pinned or unpinned, or marked as a key event.

    Fields: as ``liveentry.posted``.
    """

    type: ClassVar[str] = "liveentry.updated"


@dataclass(frozen=True)
class LiveEntryDeleted(DomainEvent):
    """An entry was deleted. Fields: entry_id, liveblog_id."""

    type: ClassVar[str] = "liveentry.deleted"
    entry_id: int
    liveblog_id: int

    def channels(self) -> list[str]:
        return [f"liveblog:{self.liveblog_id}"]


@dataclass(frozen=True)
class AlertCreated(DomainEvent):
    """A breaking alert went out. Fields: alert_id, headline, url, expires_at."""

    type: ClassVar[str] = "alert.created"
    alert_id: int
    headline: str
    url: str
    expires_at: str

    def channels(self) -> list[str]:
        return ["alerts"]


@dataclass(frozen=True)
class AlertRetracted(DomainEvent):
    """A breaking alert was withdrawn. Fields: alert_id."""

    type: ClassVar[str] = "alert.retracted"
    alert_id: int

    def channels(self) -> list[str]:
        return ["alerts"]


EVENT_TYPES.update(
    {
        cls.type: cls
        for cls in (
            LiveBlogStarted,
            LiveBlogEnded,
            LiveEntryPosted,
            LiveEntryUpdated,
            LiveEntryDeleted,
            AlertCreated,
            AlertRetracted,
        )
    }
)


@dataclass(frozen=True)
class ArticleCorrected(DomainEvent):
    """A published article was corrected, with a public note.

    Fields: article_id, title, url, story_id (or null), note, corrected_at.
    """

    type: ClassVar[str] = "article.corrected"
    article_id: int
    title: str
    url: str
    story_id: int | None
    note: str
    corrected_at: str

    def channels(self) -> list[str]:
        extra = [f"story:{self.story_id}"] if self.story_id else []
        return ["front", f"article:{self.article_id}", *extra]


EVENT_TYPES[ArticleCorrected.type] = ArticleCorrected
