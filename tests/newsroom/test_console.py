"""The live-blog console and alerts, per role; CSRF on every form; the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from livenews.core.timeutil import now
from livenews.events.models import Event
from livenews.live import actions
from livenews.live.models import Alert, LiveBlog, LiveEntry
from livenews.newsroom.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def blog():
    return actions.start_liveblog("Flood in Brennick: live")


def test_a_reporter_posts_markdown_entries(signed_in, blog):
    client, reporter = signed_in("reporter")
    answer = client.post(
        f"/newsroom/liveblog/{blog.pk}/post/",
        {
            "body": "Levee **holding**, see [map](https://example.org/map)\n\n<script>x</script>",
            "key_event": "on",
        },
    )
    assert answer.status_code == 302
    entry = LiveEntry.objects.get()
    assert entry.author == reporter and entry.is_key_event
    assert "<strong>holding</strong>" in entry.body_html
    assert 'href="https://example.org/map"' in entry.body_html
    assert "<script>" not in entry.body_html
    assert entry.body_source.startswith("Levee **holding**")
    assert Event.objects.filter(type="liveentry.posted").count() == 1
    assert AuditEntry.objects.filter(
        action="liveentry.post", username="reporter"
    ).exists()


def test_a_reporter_may_change_only_their_own_entries(signed_in, blog):
    client, reporter = signed_in("reporter")
    own = actions.post_entry(blog, "<p>mine</p>", author=reporter)
    other = actions.post_entry(blog, "<p>theirs</p>")

    assert client.post(f"/newsroom/entry/{other.pk}/delete/").status_code == 403
    assert (
        client.post(f"/newsroom/entry/{other.pk}/edit/", {"body": "x"}).status_code
        == 403
    )
    assert (
        client.post(
            f"/newsroom/entry/{own.pk}/edit/", {"body": "mine, fixed"}
        ).status_code
        == 302
    )
    assert client.post(f"/newsroom/entry/{own.pk}/delete/").status_code == 302
    other.refresh_from_db()
    assert other.deleted_at is None


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/newsroom/liveblogs/start/", {"title": "New"}),
        ("/newsroom/alerts/create/", {"headline": "Breaking", "minutes": "30"}),
        ("/newsroom/liveblog/{blog}/end/", {}),
        ("/newsroom/entry/{entry}/pin/", {"pinned": "1"}),
    ],
)
def test_editorial_actions_are_refused_to_reporters_and_allowed_to_editors(
    signed_in, blog, path, data
):
    entry = actions.post_entry(blog, "<p>text</p>")
    url = path.format(blog=blog.pk, entry=entry.pk)
    reporter, _ = signed_in("reporter")
    before = Event.objects.count()
    assert reporter.post(url, data).status_code == 403
    assert Event.objects.count() == before

    editor, _ = signed_in("editor")
    assert editor.post(url, data).status_code == 302
    assert Event.objects.count() > before


def test_an_editor_runs_a_live_blog_end_to_end(signed_in, blog):
    editor, _ = signed_in("editor")
    editor.post(f"/newsroom/liveblog/{blog.pk}/post/", {"body": "First"})
    entry = LiveEntry.objects.get()
    editor.post(f"/newsroom/entry/{entry.pk}/pin/", {"pinned": "1"})
    editor.post(
        f"/newsroom/entry/{entry.pk}/edit/",
        {"body": "First, corrected", "key_event": "on"},
    )
    editor.post(
        "/newsroom/alerts/create/",
        {"headline": "Levee breached", "url": "/", "minutes": "15"},
    )
    alert = Alert.objects.get()
    editor.post(f"/newsroom/alert/{alert.pk}/retract/")
    editor.post(f"/newsroom/liveblog/{blog.pk}/end/")

    entry.refresh_from_db()
    blog.refresh_from_db()
    alert.refresh_from_db()
    assert entry.is_pinned and entry.is_key_event and "corrected" in entry.body_html
    assert alert.retracted_at is not None and blog.status == "ended"
    page = editor.get(f"/newsroom/liveblog/{blog.pk}/").content.decode()
    assert "First, corrected" in page
    audit = editor.get("/newsroom/audit/").content.decode()
    for action in (
        "liveentry.post",
        "liveentry.pin",
        "liveentry.edit",
        "alert.create",
        "alert.retract",
        "liveblog.end",
    ):
        assert action in audit


def test_the_audit_log_is_not_for_reporters(signed_in):
    reporter, _ = signed_in("reporter")
    assert reporter.get("/newsroom/audit/").status_code == 403


def test_every_form_rejects_a_missing_csrf_token(signed_in, blog):
    entry = actions.post_entry(blog, "<p>text</p>")
    alert = actions.create_alert("Alert", "", now() + timedelta(hours=1))
    _, editor = signed_in("editor")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    posts = [
        "/newsroom/login/",
        "/newsroom/2fa/",
        "/newsroom/logout/",
        "/newsroom/liveblogs/start/",
        f"/newsroom/liveblog/{blog.pk}/post/",
        f"/newsroom/liveblog/{blog.pk}/end/",
        f"/newsroom/entry/{entry.pk}/edit/",
        f"/newsroom/entry/{entry.pk}/delete/",
        f"/newsroom/entry/{entry.pk}/pin/",
        "/newsroom/alerts/create/",
        f"/newsroom/alert/{alert.pk}/retract/",
    ]
    for path in posts:
        assert strict.post(path, {"body": "x", "title": "x"}).status_code == 403, path
    assert LiveBlog.objects.count() == 1


def test_newsroom_pages_carry_the_strict_policy(signed_in):
    editor, _ = signed_in("editor")
    policy = editor.get("/newsroom/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
