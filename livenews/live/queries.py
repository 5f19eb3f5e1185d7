"""Read live blogs and alerts."""

from __future__ import annotations

from livenews.core.timeutil import now
from livenews.live.models import Alert, LiveBlog, LiveEntry


def get_active_alert() -> Alert | None:
    """Return the newest alert that is neither expired nor retracted."""
    return (
        Alert.objects.filter(retracted_at__isnull=True, expires_at__gt=now())
        .order_by("-created_at", "-id")
        .first()
    )


def list_visible_entries(liveblog: LiveBlog) -> list[LiveEntry]:
    """Return the blog's entries that are not deleted, newest first."""
    return list(
        liveblog.entries.filter(deleted_at__isnull=True)
        .select_related("author")
        .order_by("-created_at", "-id")
    )
