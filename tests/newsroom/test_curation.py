"""Curation and the sources desk, per role; decisions survive the algorithm."""

from __future__ import annotations

import pytest

from livenews.articles.models import Article
from livenews.sources.models import Source
from livenews.stories.models import Story
from tests.support.articles import store_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_stories():
    source = Source.objects.create(url="https://a.example.org/feed", name="Alpha")
    one = store_article(
        source, "a1", "Dockworkers strike halts cranes at Saltmere port"
    )
    two = store_article(source, "b1", "Wrenwing probe lands on asteroid Tamberlin")
    return one, two


def test_reporters_may_not_curate(signed_in, two_stories):
    reporter, _ = signed_in("reporter")
    story_id = two_stories[0].story_id
    assert reporter.get("/newsroom/stories/").status_code == 403
    assert (
        reporter.post(f"/newsroom/story/{story_id}/pin/", {"pinned": "1"}).status_code
        == 403
    )
    assert reporter.get("/newsroom/sources/").status_code == 403


def test_an_editor_sets_headline_pins_merges_and_splits(signed_in, two_stories):
    editor, _ = signed_in("editor")
    one, two = two_stories
    editor.post(
        f"/newsroom/story/{one.story_id}/headline/", {"headline": "Port strike"}
    )
    editor.post(f"/newsroom/story/{one.story_id}/pin/", {"pinned": "1"})
    keep = Story.objects.get(pk=one.story_id)
    assert keep.display_headline == "Port strike" and keep.pinned

    editor.post(f"/newsroom/story/{two.story_id}/merge/", {"into": str(keep.pk)})
    two.refresh_from_db()
    assert two.story_id == keep.pk

    source = one.source
    later = store_article(
        source, "a2", "Dockworkers strike at Saltmere port enters a second day"
    )
    keep.refresh_from_db()
    assert keep.display_headline == "Port strike"  # the algorithm keeps off it
    assert later.story_id == keep.pk

    editor.post(f"/newsroom/story/{keep.pk}/split/", {"article": [str(two.pk)]})
    two.refresh_from_db()
    assert two.story_id != keep.pk


def test_hiding_an_article_takes_it_off_the_pages(signed_in, client, two_stories):
    editor, _ = signed_in("editor")
    one, _ = two_stories
    editor.post(f"/newsroom/article/{one.pk}/hide/", {"hidden": "1"})
    assert client.get(f"/article/{one.pk}/").status_code == 404
    assert one.title not in client.get("/").content.decode()


def test_the_sources_desk_adds_pauses_and_hides(signed_in, two_stories):
    admin, _ = signed_in("admin")
    assert admin.post("/newsroom/sources/add/", {"url": "not a url"}).status_code == 302
    assert not Source.objects.filter(url="not a url").exists()
    admin.post(
        "/newsroom/sources/add/",
        {"url": "https://news.example.net/", "section": "world"},
    )
    added = Source.objects.get(url="https://news.example.net/")
    assert added.section == "world"
    admin.post(f"/newsroom/source/{added.pk}/pause/", {"paused": "1"})
    added.refresh_from_db()
    assert added.paused
    page = admin.get("/newsroom/sources/").content.decode()
    assert "news.example.net" in page

    alpha = Source.objects.get(name="Alpha")
    admin.post(f"/newsroom/source/{alpha.pk}/hide/")
    assert not Article.objects.filter(source=alpha, hidden=False).exists()


def test_an_editor_boosts_a_story_and_the_audit_records_it(signed_in, two_stories):
    from livenews.newsroom.models import AuditEntry

    editor, _ = signed_in("editor")
    story_id = two_stories[0].story_id
    page = editor.get(f"/newsroom/story/{story_id}/").content.decode()
    assert 'name="boost"' in page

    editor.post(f"/newsroom/story/{story_id}/boost/", {"boost": "1.5"})
    assert Story.objects.get(pk=story_id).boost == 1.5
    entry = AuditEntry.objects.filter(action="story.boost").get()
    assert (entry.object_id, entry.summary) == (str(story_id), "1.5")

    editor.post(f"/newsroom/story/{story_id}/boost/", {"boost": "lots"})
    assert Story.objects.get(pk=story_id).boost == 1.5
    reporter, _ = signed_in("reporter", "rep")
    answer = reporter.post(f"/newsroom/story/{story_id}/boost/", {"boost": "3"})
    assert answer.status_code == 403


def test_an_editor_writes_a_summary_and_can_hand_it_back(signed_in, two_stories):
    editor, _ = signed_in("editor")
    story_id = two_stories[0].story_id
    editor.post(f"/newsroom/story/{story_id}/summary/", {"summary": "Cranes stand."})
    story = Story.objects.get(pk=story_id)
    assert (story.summary, story.summary_by_editor) == ("Cranes stand.", True)
    page = editor.get(f"/newsroom/story/{story_id}/").content.decode()
    assert "Cranes stand." in page

    editor.post(f"/newsroom/story/{story_id}/summary/", {"summary": ""})
    story.refresh_from_db()
    assert not story.summary_by_editor and story.summary != "Cranes stand."
