"""Live blog and alert actions: what they store and exactly which events they emit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from livenews.core.timeutil import now
from livenews.events.models import Event
from livenews.live import actions
from livenews.live.models import LiveEntry

pytestmark = pytest.mark.django_db


def emitted(since: int = 0) -> list[tuple[str, list[str]]]:
    return [
        (e.type, e.channels.split())
        for e in Event.objects.filter(id__gt=since).order_by("id")
    ]


def last_id() -> int:
    return Event.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_starting_a_liveblog_emits_liveblog_started():
    blog = actions.start_liveblog("Storm Berit: live")
    assert emitted() == [("liveblog.started", ["front", f"liveblog:{blog.pk}"])]
    assert Event.objects.get().payload["url"] == f"/liveblog/{blog.pk}/"


def test_posting_sanitizes_and_emits_the_rendered_entry():
    blog = actions.start_liveblog("Storm Berit: live")
    mark = last_id()

    entry = actions.post_entry(
        blog,
        '<p onclick="x()">Ferries <b>halted</b><script>alert(1)</script></p>',
        is_key_event=True,
    )

    assert emitted(mark) == [("liveentry.posted", [f"liveblog:{blog.pk}"])]
    payload = Event.objects.get(type="liveentry.posted").payload
    assert payload["entry_id"] == entry.pk
    assert payload["is_key_event"] is True
    assert payload["key_event_title"] == "Ferries halted"
    assert f'id="entry-{entry.pk}"' in payload["html"]
    for bad in ("onclick", "script"):
        assert bad not in entry.body_html and bad not in payload["html"]
    assert "<b>halted</b>" in payload["html"]


def test_an_empty_entry_is_refused():
    blog = actions.start_liveblog("Storm Berit: live")
    with pytest.raises(actions.LiveError, match="needs some text"):
        actions.post_entry(blog, "<script>only a script</script>")
    assert LiveEntry.objects.count() == 0


def test_edit_marks_the_time_and_emits_liveentry_updated():
    blog = actions.start_liveblog("Storm Berit: live")
    entry = actions.post_entry(blog, "<p>First version</p>")
    mark = last_id()

    actions.edit_entry(entry, "<p>Second version</p>")

    assert emitted(mark) == [("liveentry.updated", [f"liveblog:{blog.pk}"])]
    entry.refresh_from_db()
    assert entry.edited_at is not None
    assert "Second version" in Event.objects.get(id__gt=mark).payload["html"]


def test_pinning_unpins_the_previous_entry_with_an_event_for_each():
    blog = actions.start_liveblog("Storm Berit: live")
    first = actions.post_entry(blog, "<p>One</p>")
    second = actions.post_entry(blog, "<p>Two</p>")
    actions.pin_entry(first)
    mark = last_id()

    actions.pin_entry(second)

    updates = list(Event.objects.filter(id__gt=mark).order_by("id"))
    assert [
        (e.type, e.payload["entry_id"], e.payload["is_pinned"]) for e in updates
    ] == [
        ("liveentry.updated", first.pk, False),
        ("liveentry.updated", second.pk, True),
    ]
    assert list(LiveEntry.objects.filter(is_pinned=True)) == [second]


def test_delete_hides_the_entry_and_emits_liveentry_deleted():
    blog = actions.start_liveblog("Storm Berit: live")
    entry = actions.post_entry(blog, "<p>Wrong figure</p>")
    mark = last_id()

    actions.delete_entry(entry)

    assert emitted(mark) == [("liveentry.deleted", [f"liveblog:{blog.pk}"])]
    entry.refresh_from_db()
    assert entry.deleted_at is not None
    with pytest.raises(actions.LiveError):
        actions.edit_entry(entry, "<p>too late</p>")


def test_an_ended_liveblog_takes_no_more_entries():
    blog = actions.start_liveblog("Storm Berit: live")
    mark = last_id()
    actions.end_liveblog(blog)
    assert emitted(mark) == [("liveblog.ended", ["front", f"liveblog:{blog.pk}"])]
    with pytest.raises(actions.LiveError, match="ended"):
        actions.post_entry(blog, "<p>late</p>")


def test_alerts_are_created_and_retracted_on_the_alerts_channel():
    alert = actions.create_alert(
        "Dam breach reported", "/story/1/", now() + timedelta(hours=1)
    )
    actions.retract_alert(alert)
    assert emitted() == [("alert.created", ["alerts"]), ("alert.retracted", ["alerts"])]


@pytest.mark.parametrize(
    ("headline", "url", "expires", "message"),
    [
        ("", "", timedelta(hours=1), "needs a headline"),
        ("Dam breach", "javascript:alert(1)", timedelta(hours=1), "not a web address"),
        ("Dam breach", "//evil.example/", timedelta(hours=1), "not a web address"),
        ("Dam breach", "", timedelta(hours=-1), "in the past"),
    ],
)
def test_bad_alerts_are_refused(headline, url, expires, message):
    with pytest.raises(actions.LiveError, match=message):
        actions.create_alert(headline, url, now() + expires)
    assert Event.objects.count() == 0
