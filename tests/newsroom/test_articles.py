"""The newsroom's own articles: draft, schedule, publish, correct."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from livenews.articles.models import Article
from livenews.core.timeutil import now
from livenews.events.models import Event
from livenews.newsroom.models import Draft
from livenews.newsroom.publishing import publish_due_drafts

pytestmark = pytest.mark.django_db(transaction=True)

BODY = "The levee at **Brennick** held overnight, engineers said.\n\nWater fell 40 cm."


def test_a_reporter_drafts_and_an_editor_publishes_through_the_pipeline(signed_in):
    reporter, _ = signed_in("reporter")
    reporter.post(
        "/newsroom/articles/new/", {"title": "Brennick levee holds", "body": BODY}
    )
    draft = Draft.objects.get()
    refused = reporter.post(f"/newsroom/articles/{draft.pk}/", {"intent": "publish"})
    assert refused.status_code == 403
    assert Article.objects.count() == 0

    editor, _ = signed_in("editor")
    answer = editor.post(
        f"/newsroom/articles/{draft.pk}/",
        {"intent": "publish", "title": draft.title, "body": BODY},
    )
    assert answer.status_code == 302

    article = Article.objects.get()
    assert article.title == "Brennick levee holds"
    assert "<strong>Brennick</strong>" in article.body_html
    assert article.authors == ["reporter"]
    assert article.story_id is not None
    assert Event.objects.filter(
        type="article.added", payload__article_id=article.pk
    ).exists()
    draft.refresh_from_db()
    assert draft.status == "published" and draft.article == article
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "Brennick levee holds" in page


def test_a_scheduled_article_appears_when_its_time_comes(signed_in):
    editor, _ = signed_in("editor")
    editor.post("/newsroom/articles/new/", {"title": "Dawn update", "body": BODY})
    draft = Draft.objects.get()
    later = (now() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    editor.post(
        f"/newsroom/articles/{draft.pk}/",
        {
            "intent": "schedule",
            "publish_at": later,
            "title": "Dawn update",
            "body": BODY,
        },
    )
    draft.refresh_from_db()
    assert draft.status == "scheduled"
    assert publish_due_drafts() == 0

    Draft.objects.filter(pk=draft.pk).update(publish_at=now() - timedelta(seconds=1))
    assert publish_due_drafts() == 1
    assert Article.objects.get().title == "Dawn update"


def test_a_correction_needs_a_note_and_is_shown_with_its_diff(signed_in):
    editor, _ = signed_in("editor")
    editor.post("/newsroom/articles/new/", {"title": "Water falls", "body": BODY})
    draft = Draft.objects.get()
    editor.post(
        f"/newsroom/articles/{draft.pk}/",
        {"intent": "publish", "title": "Water falls", "body": BODY},
    )
    article = Article.objects.get()
    events_before = Event.objects.count()

    fixed = BODY.replace("40 cm", "60 cm")
    editor.post(
        f"/newsroom/articles/{draft.pk}/correct/",
        {"title": "Water falls", "body": fixed, "note": ""},
    )
    article.refresh_from_db()
    assert "40 cm" in article.body_text and article.revisions.count() == 0

    editor.post(
        f"/newsroom/articles/{draft.pk}/correct/",
        {
            "title": "Water falls",
            "body": fixed,
            "note": "An earlier version gave the fall as 40 cm.",
        },
    )

    article.refresh_from_db()
    assert "60 cm" in article.body_text
    assert article.updated_at is not None
    assert article.revisions.get().body_text.count("40 cm") == 1
    corrected = Event.objects.filter(
        id__gt=events_before, type="article.corrected"
    ).get()
    assert f"article:{article.pk}" in corrected.channels.split()
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "Corrected" in page and "An earlier version gave the fall as 40 cm." in page
    assert "<del>40</del>" in page and "<ins>60</ins>" in page


def test_reporters_cannot_correct(signed_in):
    reporter, user = signed_in("reporter")
    draft = Draft.objects.create(title="t", body_source="b", author=user)
    assert (
        reporter.post(
            f"/newsroom/articles/{draft.pk}/correct/", {"note": "x"}
        ).status_code
        == 403
    )
