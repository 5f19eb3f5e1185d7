"""Listings with nothing in them yet, and the sources table's times and sections."""

from __future__ import annotations

import pytest

from livenews.live import actions as live_actions
from livenews.newsroom.publishing import newsroom_source
from livenews.sources.models import Source
from tests.support.articles import store_article

pytestmark = pytest.mark.django_db


def test_an_empty_section_says_no_articles_yet_under_latest(client):
    text = client.get("/section/health/").content.decode()
    latest = text[text.index('id="latest"') :]
    assert "No Health articles yet" in latest[: latest.index("</ol>")]


def test_a_section_with_articles_has_no_empty_note(client):
    source = Source.objects.create(
        url="https://a.example.org/feed", name="Alpha", section="health"
    )
    store_article(source, "h1", "Clinic waiting lists shrink in Brennick")
    text = client.get("/section/health/").content.decode()
    assert "No Health articles yet" not in text


def test_sources_table_gives_times_in_utc_for_the_reader_and_section_names(client):
    source = Source.objects.create(
        url="https://a.example.org/feed", name="Alpha", section="health"
    )
    store_article(source, "h1", "Clinic waiting lists shrink in Brennick")
    Source.objects.filter(pk=source.pk).update(
        last_success_at="2026-05-01T09:00:00Z", next_poll_at="2026-05-01T09:05:00Z"
    )
    row = client.get("/sources/").content.decode().split("<tbody>")[1]
    assert "<td>Health</td>" in row
    # The exact time says its zone, and localtime.js rewrites it (data-local).
    assert '<time datetime="2026-05-01T09:00:00+00:00" data-local>' in row
    assert "09:00 UTC" in row and "09:05 UTC" in row


def test_the_newsroom_source_page_has_no_dead_feed_link_and_says_what_it_is(client):
    source = newsroom_source()
    text = client.get(f"/source/{source.pk}/").content.decode()
    assert ".invalid" not in text
    assert "newsroom: published here, not fetched" in text
    row = client.get("/sources/").content.decode().split(f"/source/{source.pk}/")[1]
    row = row[: row.index("</tr>")]
    assert "<td>paused</td>" in row and "<td>—</td>" in row  # never "next poll: now"


def test_live_coverage_lists_running_blogs_before_ended_ones(client):
    running = live_actions.start_liveblog("Harbour strike: live")
    ended = live_actions.start_liveblog("Cup final: live")  # the newer one
    live_actions.end_liveblog(ended)
    text = client.get("/liveblog/").content.decode()
    assert text.index(running.title) < text.index(ended.title)
