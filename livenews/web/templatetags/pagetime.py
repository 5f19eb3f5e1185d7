"""Times and links in pages: relative times, reader-safe URLs, section names.

``{{ when|ago }}`` renders a ``<time>`` whose ``datetime`` is the exact UTC
instant and whose text is relative for the last day ("5 min ago", "3 h ago")
and absolute beyond ("28 Nov 2026, 14:30 UTC"); the absolute UTC time is in
``title``. Times older than a day, and ``{{ when|at_time }}``, carry
``data-local``: localtime.js rewrites their text in the reader's time zone.
Cached pages live ``LIVENEWS_PAGE_CACHE_TTL`` seconds at most, and
the deferred scripts rewrite relative texts and localise titles in the
reader's time zone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from livenews.core.timeutil import now
from livenews.web.pagemeta import http_only
from livenews.web.sectionnames import section_label

register = template.Library()

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def relative_text(when: datetime, at: datetime) -> str:
    """Return "just now", "N min ago", "N h ago" within a day, else the UTC date."""
    age = at - when
    if age < MINUTE:
        return gettext("just now")
    if age < HOUR:
        minutes = int(age / MINUTE)
        return ngettext("%(n)d min ago", "%(n)d min ago", minutes) % {"n": minutes}
    if age < DAY:
        hours = int(age / HOUR)
        return ngettext("%(n)d h ago", "%(n)d h ago", hours) % {"n": hours}
    return absolute_text(when)


def absolute_text(when: datetime) -> str:
    """Return ``when`` as "28 Nov 2026, 14:30 UTC"."""
    utc = when.astimezone(UTC)
    return f"{utc.day} {utc:%b %Y, %H:%M} UTC"


@register.filter
def ago(when: datetime | None) -> SafeString:
    """Render ``when`` as a ``<time>`` with relative text (see the module)."""
    if when is None:
        return format_html("")
    at = now()
    if at - when >= DAY:
        return at_time(when)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        when.astimezone(UTC).isoformat(timespec="seconds"),
        absolute_text(when),
        relative_text(when, at),
    )


@register.filter
def at_time(when: datetime | None) -> SafeString:
    """Render ``when`` as a ``<time>`` with the absolute UTC date and time (which
    localtime.js rewrites in the reader's zone)."""
    if when is None:
        return format_html("")
    return format_html(
        '<time datetime="{}" data-local>{}</time>',
        when.astimezone(UTC).isoformat(timespec="seconds"),
        absolute_text(when),
    )


@register.filter
def http_url(url: str) -> str:
    """Return ``url`` when it is http(s), else "" (no ``javascript:`` or ``data:``)."""
    return http_only(str(url or "").strip())


@register.filter
def section_name(slug: str) -> str:
    """Return a section's name for readers."""
    return section_label(str(slug or ""))
