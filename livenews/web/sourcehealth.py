"""A source's health in plain words, for its public page."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from livenews.sources.models import Source
from livenews.web.pagemeta import is_invalid_host


def _when(moment: datetime | None) -> str:
    if moment is None:
        return _("never")
    return moment.strftime("%d %b %Y, %H:%M UTC").lstrip("0")


def describe_health(source: Source) -> str:
    """Return one or two sentences saying how the source is doing, and why."""
    if is_invalid_host(source.url):
        return _("Written in this site's newsroom: published here, not fetched.")
    health = source.health
    if health == "paused":
        return _("Paused by an editor: the portal does not poll it for now.")
    if health == "waiting":
        return _("Not fetched yet: the first poll is due soon.")
    if health == "failing":
        return _(
            "Failing: the last %(count)d attempts went wrong (%(error)s). The "
            "portal keeps retrying with growing pauses; last success: %(last)s."
        ) % {
            "count": source.consecutive_failures,
            "error": source.last_error or _("no reason given"),
            "last": _when(source.last_success_at),
        }
    if health == "stalled":
        return _(
            "Answering, but nothing new since %(newest)s, far longer than this "
            "source usually stays quiet."
        ) % {"newest": _when(source.newest_item_at or source.last_new_item_at)}
    return _(
        "Answering normally: last polled %(polled)s, newest article %(newest)s."
    ) % {
        "polled": _when(source.last_success_at),
        "newest": _when(source.newest_item_at or source.last_new_item_at),
    }
