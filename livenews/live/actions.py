"""Write live blogs, their entries and breaking alerts; each change emits its event.

Entry bodies are sanitized here, once, on the way in. The ``liveentry.*``
events carry the entry rendered by the same code as the page, so a page
that applied N pushed events shows exactly what a fresh load shows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse

from livenews.core.html import html_to_text, plain_line, sanitize_html
from livenews.core.timeutil import now
from livenews.core.urlnorm import is_http_url
from livenews.events.outbox import emit
from livenews.events.types import (
    AlertCreated,
    AlertRetracted,
    LiveBlogEnded,
    LiveBlogStarted,
    LiveEntryDeleted,
    LiveEntryPosted,
    LiveEntryUpdated,
)
from livenews.live.entry_markup import entry_html
from livenews.live.models import Alert, LiveBlog, LiveEntry
from livenews.stories.models import Story

MAX_ENTRY_HTML = 100_000


class LiveError(ValueError):
    """The change is refused; the message says why."""


def liveblog_url(liveblog: LiveBlog) -> str:
    return reverse("web:liveblog", args=[liveblog.pk])


def _blog_event(liveblog: LiveBlog) -> dict[str, Any]:
    return {
        "liveblog_id": liveblog.pk,
        "title": liveblog.title,
        "url": liveblog_url(liveblog),
        "story_id": liveblog.story_id,
    }


def start_liveblog(title: str, story: Story | None = None) -> LiveBlog:
    """Open a live blog (on a story, or on its own)."""
    title = plain_line(title)[:500]
    if not title:
        raise LiveError("a live blog needs a title")
    with transaction.atomic():
        liveblog = LiveBlog.objects.create(title=title, story=story)
        emit(LiveBlogStarted(**_blog_event(liveblog)))
    return liveblog


def end_liveblog(liveblog: LiveBlog) -> LiveBlog:
    """Close a live blog; its entries stay readable."""
    with transaction.atomic():
        liveblog.status = "ended"
        liveblog.ended_at = now()
        liveblog.save(update_fields=["status", "ended_at"])
        emit(LiveBlogEnded(**_blog_event(liveblog)))
    return liveblog


def render_entry(entry: LiveEntry) -> str:
    """Return the entry's HTML exactly as the live blog page shows it."""
    return str(entry_html(entry))


def _entry_fields(entry: LiveEntry) -> dict[str, Any]:
    return {
        "entry_id": entry.pk,
        "liveblog_id": entry.liveblog_id,
        "html": render_entry(entry),
        "is_key_event": entry.is_key_event,
        "is_pinned": entry.is_pinned,
        "created_at": entry.created_at.isoformat(),
        "key_event_title": entry.key_event_title,
    }


def _clean_body(body_html: str) -> str:
    body = sanitize_html(body_html[:MAX_ENTRY_HTML]).strip()
    if not html_to_text(body) and "<img" not in body:
        raise LiveError("an entry needs some text")
    return body


def _require_live(liveblog: LiveBlog) -> None:
    if liveblog.status != "live":
        raise LiveError("this live blog has ended")


def post_entry(
    liveblog: LiveBlog,
    body_html: str,
    author: Any = None,
    is_key_event: bool = False,
    created_at: datetime | None = None,
    source: str = "",
) -> LiveEntry:
    """Publish an entry at the top of a live blog (``source``: the Markdown)."""
    _require_live(liveblog)
    body = _clean_body(body_html)
    with transaction.atomic():
        entry = LiveEntry.objects.create(
            liveblog=liveblog,
            body_html=body,
            body_source=source[:MAX_ENTRY_HTML],
            author=author,
            is_key_event=is_key_event,
            created_at=created_at or now(),
        )
        emit(LiveEntryPosted(**_entry_fields(entry)))
    return entry


def edit_entry(
    entry: LiveEntry,
    body_html: str | None = None,
    is_key_event: bool | None = None,
    source: str | None = None,
) -> LiveEntry:
    """Change an entry's text or key-event mark; readers see it replaced in place."""
    if entry.deleted_at:
        raise LiveError("this entry was deleted")
    with transaction.atomic():
        if body_html is not None:
            entry.body_html = _clean_body(body_html)
            entry.edited_at = now()
        if source is not None:
            entry.body_source = source[:MAX_ENTRY_HTML]
        if is_key_event is not None:
            entry.is_key_event = is_key_event
        entry.save()
        emit(LiveEntryUpdated(**_entry_fields(entry)))
    return entry


def pin_entry(entry: LiveEntry, pinned: bool = True) -> LiveEntry:
    """Pin an entry on top of its live blog (one pinned entry per blog), or unpin."""
    if entry.deleted_at:
        raise LiveError("this entry was deleted")
    with transaction.atomic():
        if pinned:
            for other in LiveEntry.objects.filter(
                liveblog_id=entry.liveblog_id, is_pinned=True
            ).exclude(pk=entry.pk):
                other.is_pinned = False
                other.save(update_fields=["is_pinned"])
                emit(LiveEntryUpdated(**_entry_fields(other)))
        entry.is_pinned = pinned
        entry.save(update_fields=["is_pinned"])
        emit(LiveEntryUpdated(**_entry_fields(entry)))
    return entry


def delete_entry(entry: LiveEntry) -> LiveEntry:
    """Withdraw an entry; readers see it disappear."""
    with transaction.atomic():
        entry.deleted_at = now()
        entry.is_pinned = False
        entry.save(update_fields=["deleted_at", "is_pinned"])
        emit(LiveEntryDeleted(entry_id=entry.pk, liveblog_id=entry.liveblog_id))
    return entry


def create_alert(headline: str, url: str, expires_at: datetime) -> Alert:
    """Send a breaking alert to every open page until ``expires_at``."""
    headline = plain_line(headline)[:300]
    if not headline:
        raise LiveError("an alert needs a headline")
    url = url.strip()
    if url and not (
        is_http_url(url) or (url.startswith("/") and not url.startswith("//"))
    ):
        raise LiveError(f"not a web address or site path: {url!r}")
    if expires_at <= now():
        raise LiveError("the expiry is in the past")
    with transaction.atomic():
        alert = Alert.objects.create(headline=headline, url=url, expires_at=expires_at)
        emit(
            AlertCreated(
                alert_id=alert.pk,
                headline=alert.headline,
                url=alert.url,
                expires_at=alert.expires_at.isoformat(),
            )
        )
    return alert


def retract_alert(alert: Alert) -> Alert:
    """Withdraw an alert from every page."""
    with transaction.atomic():
        alert.retracted_at = now()
        alert.save(update_fields=["retracted_at"])
        emit(AlertRetracted(alert_id=alert.pk))
    return alert
