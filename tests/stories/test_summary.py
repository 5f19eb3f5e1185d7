"""Story summaries: the representative article's lead, plain and capped; editors win."""

from __future__ import annotations

import pytest

from livenews.events.models import Event
from livenews.stories import actions, summary
from livenews.stories.models import Story
from tests.stories.test_actions import QUAKE, WIRE_TEXT, publish, source


def test_the_lead_sentences_fit_the_cap_as_plain_text() -> None:
    text = summary.lead_summary(
        "Port strike",
        "",
        "<p>Port strike. Dockworkers walked out on Monday, Mr. Vantrell said.</p>"
        "<p>The U.S. consulate <b>urged</b> calm &amp; talks.</p><p>"
        + "More detail. " * 40
        + "</p>",
        limit=120,
    )
    assert text.startswith(
        "Dockworkers walked out on Monday, Mr. Vantrell said. "
        "The U.S. consulate urged calm & talks. More detail."
    )
    assert text.endswith("detail.") and "<" not in text
    assert len(text) <= 120 < len(text + " More detail.")  # whole sentences only


def test_markup_and_scripts_never_reach_the_summary() -> None:
    text = summary.lead_summary(
        "t", '<p onclick="x()">Quake hits <script>alert(1)</script>Velora.</p>', ""
    )
    assert text == "Quake hits Velora."


def test_one_long_sentence_is_cut_at_a_word() -> None:
    text = summary.lead_summary("t", "", "word " * 200, limit=50)
    assert text.endswith("…") and len(text) <= 50 and "wor…" not in text


@pytest.mark.django_db
def test_a_story_summary_follows_its_lead_article_until_an_editor_writes_one() -> None:
    src = source("feed")
    story = publish(src, "q0", *QUAKE[0]).story
    assert story is not None
    assert story.summary.startswith("A magnitude 6.1 earthquake struck Velora")

    actions.set_editor_summary(story, "  Quake in  Velora:\n12 dead. ")
    assert Event.objects.filter(type="story.updated").exists()
    for n, report in enumerate(QUAKE[1:], 1):
        publish(src, f"q{n}", *report)
    story.refresh_from_db()
    assert (story.summary, story.summary_by_editor) == (
        "Quake in Velora: 12 dead.",
        True,
    )

    actions.set_editor_summary(story, "")
    story.refresh_from_db()
    assert not story.summary_by_editor
    assert story.summary and story.summary != "Quake in Velora: 12 dead."


@pytest.mark.django_db
def test_the_story_page_shows_the_summary(client) -> None:
    story = publish(
        source("wire"), "w1", "Saltmere dockworkers strike", WIRE_TEXT
    ).story
    assert story is not None
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Dockworkers at the port of Saltmere walked off the job" in page
    assert Story.objects.get(pk=story.pk).summary.endswith("wanted a fair share.")
