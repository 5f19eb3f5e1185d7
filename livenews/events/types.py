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


@dataclass(frozen=True)
class ArticleAdded(DomainEvent):
    """A new article was stored.

    Fields: article_id, title, url (its page here), source_name, story_id,
    published_at (ISO 8601 UTC).
    """

    type: ClassVar[str] = "article.added"
    article_id: int
    title: str
    url: str
    source_name: str
    story_id: int
    published_at: str

    def channels(self) -> list[str]:
        return ["front", f"story:{self.story_id}"]


@dataclass(frozen=True)
class StoryCreated(DomainEvent):
    """A story started with its first article.

    Fields: story_id, headline, url, article_count, source_count, updated_at.
    """

    type: ClassVar[str] = "story.created"
    story_id: int
    headline: str
    url: str
    article_count: int
    source_count: int
    updated_at: str

    def channels(self) -> list[str]:
        return ["front", f"story:{self.story_id}"]


@dataclass(frozen=True)
class StoryUpdated(DomainEvent):
    """A story gained an article or changed.

    Fields: story_id, headline, url, article_count, source_count, updated_at.
    """

    type: ClassVar[str] = "story.updated"
    story_id: int
    headline: str
    url: str
    article_count: int
    source_count: int
    updated_at: str

    def channels(self) -> list[str]:
        return ["front", f"story:{self.story_id}"]


EVENT_TYPES: dict[str, type[DomainEvent]] = {
    cls.type: cls for cls in (ArticleAdded, StoryCreated, StoryUpdated)
}
