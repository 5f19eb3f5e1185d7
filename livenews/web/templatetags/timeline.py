"""``{% timeline_items rows %}``: a story's timeline rows, built in Python.

A story of 200 articles spends most of its render in this list: through the
template engine each row cost ~100 µs (a dozen variable lookups, tags and
filters), here a few µs (``python -m bench render``, figures in
docs/design-notes.md). The markup is the river item's (``_river_items.html``),
plus "also published by" for copies, naming each other outlet once; every
outside string is escaped.
"""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from livenews.web.queries import TimelineRow
from livenews.web.templatetags.pagetime import ago

register = template.Library()


def _other_outlets(row: TimelineRow) -> list[tuple[str, str]]:
    """Return each other outlet's first copy: an outlet that sent the same text
    again (a new guid, a feed replay) is named once, the original's not at all."""
    named = {row.source_name}
    first_copies = []
    for path, name in row.copies:
        if name not in named:
            named.add(name)
            first_copies.append((path, name))
    return first_copies


def _row(row: TimelineRow, also: str) -> str:
    lang = f' lang="{escape(row.language)}"' if row.language else ""
    copies = ""
    if other_outlets := _other_outlets(row):
        links = ", ".join(
            f'<a href="{escape(path)}">{escape(name)}</a>'
            for path, name in other_outlets
        )
        copies = f'\n      <span class="also-published">{also}\n        {links}</span>'
    return (
        f'<li class="river-item" id="article-{row.pk}">\n'
        f'      <a href="{escape(row.url)}"{lang}>{escape(row.title)}</a>\n'
        f'      <span class="meta"><a class="outlet" href="{escape(row.source_path)}">'
        f"{escape(row.source_name)}</a> · {ago(row.published_at)}</span>{copies}\n"
        "    </li>"
    )


@register.simple_tag
def timeline_items(rows: list[TimelineRow]) -> SafeString:
    """Render the ``<li>`` of each timeline row."""
    also = escape(gettext("also published by"))
    return mark_safe("\n".join(_row(row, also) for row in rows))  # noqa: S308
