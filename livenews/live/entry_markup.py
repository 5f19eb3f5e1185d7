"""One live entry's HTML, written in Python rather than by a template.

A live blog page shows up to hundreds of entries; rendering each through a
template ``{% include %}`` with three ``|date`` filters cost ~0.3 ms an entry
(most of the page's time, see docs/design-notes.md, "live blog page render").
This builds the same markup with ``format_html``: the page, the
``liveentry.*`` events (``actions.render_entry``) and the newsroom (through
``{% live_entry %}`` in ``live/_entry.html``) all use it, so a page updated
by pushed events shows exactly what a fresh load shows.

Times are written in UTC and marked ``data-local`` (the edit time
``data-local="time"``, a time without the date) so localtime.js rewrites
them in the reader's zone, on load and, through live.js, as entries arrive.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from livenews.live.models import LiveEntry


def _machine_time(at: datetime) -> str:
    """``Y-m-d\\TH:i:sO`` in the current time zone, as the ``date`` filter wrote it."""
    return timezone.localtime(at).strftime("%Y-%m-%dT%H:%M:%S%z")


def month_abbreviations() -> list[str]:
    """The ``date`` filter's ``M`` by month number (index 0 unused).

    In the active language, as the filter would write it.
    """
    return [""] + [str(MONTHS_3[month]).title() for month in range(1, 13)]


def _meta(entry: LiveEntry, months: list[str]) -> str:
    created = timezone.localtime(entry.created_at)
    meta = (
        f'<time datetime="{created.strftime("%Y-%m-%dT%H:%M:%S%z")}" data-local>'
        f"{created.day} {months[created.month]}, {created.strftime('%H:%M')} UTC</time>"
    )
    if entry.is_pinned:
        meta += ' <span class="badge">Pinned</span>'
    if entry.is_key_event:
        meta += ' <span class="badge key">Key event</span>'
    if entry.author_id is not None and entry.author is not None:
        name = entry.author.get_full_name() or entry.author.username
        meta += f' <span class="byline">{escape(name)}</span>'
    if entry.edited_at:
        edited = timezone.localtime(entry.edited_at)
        meta += (
            f' <span class="edited">edited <time datetime="{_machine_time(edited)}"'
            ' data-local="time">'
            f"{edited.strftime('%H:%M')}</time></span>"
        )
    return meta


def entry_html(
    entry: LiveEntry, controls: str = "", months: list[str] | None = None
) -> SafeString:
    """Return the entry's ``<article>`` (ids and ``data-`` attributes live.js reads).

    Every piece is escaped or comes from a number, a date or a fixed string;
    ``entry.body_html`` was sanitized when it was written (``actions``), and
    ``controls`` is trusted HTML (the newsroom's buttons) placed inside the
    article after the body. ``months`` (``month_abbreviations()``) saves
    looking the month names up again for each entry of a list.
    """
    classes = "entry"
    if entry.is_key_event:
        classes += " is-key"
    if entry.is_pinned:
        classes += " is-pinned"
    meta = _meta(entry, months or month_abbreviations())
    created = timezone.localtime(entry.created_at).isoformat()
    return mark_safe(  # noqa: S308 (escaped or sanitized pieces, see above)
        f'<article class="{classes}" id="entry-{int(entry.pk)}" '
        f'data-created="{created}">\n'
        f'  <header class="entry-meta">{meta}</header>\n'
        f'  <div class="entry-body">{entry.body_html}</div>\n'
        f"{controls}\n</article>"
    )


def entries_html(entries: list[LiveEntry]) -> SafeString:
    """Return the entries' articles, one after the other, as the page lists them."""
    months = month_abbreviations()
    articles = [entry_html(entry, months=months) for entry in entries]
    return mark_safe("".join(article + "\n" for article in articles))  # noqa: S308
