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
from functools import lru_cache

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext

from livenews.core.timeutil import now
from livenews.web.pagemeta import http_only, is_invalid_host
from livenews.web.paths import path_maker
from livenews.web.sectionnames import section_label

register = template.Library()

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def relative_text(when: datetime, at: datetime) -> str:
    """Return "just now", "N min ago", "N h ago" within a day, else the UTC date."""
    age = at - when
    if age < MINUTE:
        return _relative(get_language(), "now", 0)
    if age < HOUR:
        return _relative(get_language(), "min", int(age / MINUTE))
    if age < DAY:
        return _relative(get_language(), "h", int(age / HOUR))
    return absolute_text(when)


@lru_cache(maxsize=1024)
def _relative(language: str | None, unit: str, n: int) -> str:
    # Translated once per language and number: a timeline asks 200 times.
    if unit == "now":
        return gettext("just now")
    if unit == "min":
        return ngettext("%(n)d min ago", "%(n)d min ago", n) % {"n": n}
    return ngettext("%(n)d h ago", "%(n)d h ago", n) % {"n": n}


MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def absolute_text(when: datetime) -> str:
    """Return ``when`` as "28 Nov 2026, 14:30 UTC"."""
    utc = when.astimezone(UTC)
    month = MONTHS[utc.month - 1]
    return f"{utc.day} {month} {utc.year}, {utc.hour:02d}:{utc.minute:02d} UTC"


@register.filter
def ago(when: datetime | None) -> SafeString:
    """Render ``when`` as a ``<time>`` with relative text (see the module)."""
    if when is None:
        return format_html("")
    at = now()
    if at - when >= DAY:
        return at_time(when)
    # The instant and the absolute text are digits, letters and punctuation
    # of our own making; only the (translated) relative text needs escaping.
    # A story timeline calls this 200 times: format_html would cost a sixth
    # of the page's render.
    return mark_safe(  # noqa: S308
        f'<time datetime="{when.astimezone(UTC).isoformat(timespec="seconds")}" '
        f'title="{absolute_text(when)}">{escape(relative_text(when, at))}</time>'
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
    """Return ``url`` when it is http(s), else "" (no ``javascript:`` or ``data:``);
    "" too for a host under ``.invalid``, which never resolves (RFC 6761): the
    newsroom's own source has such an address, and a link to it is dead."""
    checked = http_only(str(url or "").strip())
    return "" if is_invalid_host(checked) else checked


@register.filter
def section_name(slug: str) -> str:
    """Return a section's name for readers."""
    return section_label(str(slug or ""))


@register.filter
def path(pk: int, name: str) -> str:
    """Return the path of URL ``name`` for id ``pk``: ``{{ pk|path:"web:story" }}``."""
    return path_maker(name)(pk)


@register.filter
def sources_count(n: int) -> str:
    """Return "1 source", "3 sources"."""
    return _count("sources", get_language(), int(n))


@register.filter
def articles_count(n: int) -> str:
    """Return "1 article", "3 articles"."""
    return _count("articles", get_language(), int(n))


@lru_cache(maxsize=1024)
def _count(what: str, language: str | None, n: int) -> str:
    if what == "sources":
        return ngettext("%(n)d source", "%(n)d sources", n) % {"n": n}
    return ngettext("%(n)d article", "%(n)d articles", n) % {"n": n}
