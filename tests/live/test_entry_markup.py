"""entry_markup writes exactly what the former ``live/_entry.html`` template wrote.

The reference below is that template's source as it was before entries were
built in Python (for speed, see docs/design-notes.md): every state an entry
can be in (pinned, key event, author with or without a full name, edited,
controls) must come out byte for byte the same. Since entry times follow the
reader's zone, the reference also carries localtime.js's ``data-local`` marks.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from livenews.live import actions
from livenews.live.entry_markup import entries_html, entry_html
from livenews.live.models import LiveEntry

pytestmark = pytest.mark.django_db

FORMER_TEMPLATE = (
    '<article class="entry{% if entry.is_key_event %} is-key{% endif %}'
    '{% if entry.is_pinned %} is-pinned{% endif %}" id="entry-{{ entry.pk }}" '
    "data-created=\"{{ entry.created_at|date:'c' }}\">\n"
    '  <header class="entry-meta"><time datetime="'
    "{{ entry.created_at|date:'Y-m-d\\TH:i:sO' }}\" data-local>"
    '{{ entry.created_at|date:"j M, H:i" }} UTC</time>'
    '{% if entry.is_pinned %} <span class="badge">Pinned</span>{% endif %}'
    '{% if entry.is_key_event %} <span class="badge key">Key event</span>{% endif %}'
    '{% if entry.author %} <span class="byline">'
    "{{ entry.author.get_full_name|default:entry.author.username }}</span>{% endif %}"
    '{% if entry.edited_at %} <span class="edited">edited <time datetime="'
    '{{ entry.edited_at|date:\'Y-m-d\\TH:i:sO\' }}" data-local="time">'
    '{{ entry.edited_at|date:"H:i" }}</time></span>{% endif %}</header>\n'
    '  <div class="entry-body">{{ entry.body_html|safe }}</div>\n'
    "{% if controls_template %}{% include controls_template %}{% endif %}\n"
    "</article>\n"
)


def former(entry: LiveEntry, request: object = None, **context: object) -> str:
    template = engines["django"].from_string(FORMER_TEMPLATE)
    return template.render({"entry": entry, **context}, request)


def unmasked(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", page)


def entries_in_every_state() -> list[LiveEntry]:
    users = get_user_model().objects
    named = users.create_user("ada", first_name="Ada", last_name="<Byron> & co")
    plain = users.create_user("o'brien")
    blog = actions.start_liveblog("Storm Berit: live")
    at = datetime(2026, 3, 7, 9, 5, 3, 120_000, tzinfo=UTC)
    bodies = ["<p>Ferries <b>halted</b>.</p>", "<p>Levee &amp; dam hold.</p>"]
    entries = []
    for n, (author, key) in enumerate(
        [(None, False), (named, True), (plain, False), (named, False)]
    ):
        entry = actions.post_entry(
            blog, bodies[n % 2], author=author, is_key_event=key, created_at=at
        )
        entries.append(entry)
    actions.edit_entry(entries[2], "<p>Corrected: <i>two</i> ferries.</p>")
    LiveEntry.objects.filter(pk=entries[3].pk).update(
        is_pinned=True, edited_at=datetime(2026, 12, 31, 23, 59, tzinfo=UTC)
    )
    return list(
        LiveEntry.objects.filter(liveblog=blog).select_related("author").order_by("id")
    )


def test_every_entry_state_matches_the_former_template():
    entries = entries_in_every_state()
    assert any(e.is_pinned for e in entries) and any(e.edited_at for e in entries)
    for entry in entries:
        assert entry_html(entry) + "\n" == former(entry)
    assert entries_html(entries) == "".join(former(entry) for entry in entries)
    assert "&lt;Byron&gt; &amp; co" in entries_html(entries)


def test_month_names_follow_the_active_language_like_the_date_filter():
    entries = entries_in_every_state()
    with translation.override("de"):
        assert entries_html(entries) == "".join(former(entry) for entry in entries)
        assert "7 Mär, 09:05 UTC" in entries_html(entries)


def test_controls_render_inside_the_article_like_the_former_include():
    entry = entries_in_every_state()[1]
    request = RequestFactory().get("/")
    context = {"controls_template": "newsroom/_entry_controls.html", "can_pin": True}
    django_engine = engines["django"]
    through_tag = django_engine.get_template("live/_entry.html").render(
        {"entry": entry, **context}, request
    )
    assert 'class="entry-controls"' in through_tag
    assert "csrfmiddlewaretoken" in through_tag
    # Each rendering masks the CSRF token afresh: compare without its value.
    assert unmasked(through_tag) == unmasked(former(entry, request, **context))


def test_events_carry_the_same_markup_as_the_page():
    entry = entries_in_every_state()[1]
    assert actions.render_entry(entry) == former(entry).strip()
