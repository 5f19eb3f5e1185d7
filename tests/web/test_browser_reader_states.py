"""Chromium on pages in states the audit found wrong: an empty key-events box,
a correction an open article page did not show, an empty section's river, the
newsroom desk wider than a phone."""

from __future__ import annotations

import pytest
from django.test import Client

from livenews.articles.actions import correct_article
from livenews.live import actions
from livenews.sources.models import Source
from tests.support.accounts import make_user, sign_in
from tests.support.articles import store_article

pytestmark = pytest.mark.browser


def test_key_events_box_shows_only_once_there_is_a_key_event(browser, edge_server):
    blog = actions.start_liveblog("Harbour strike: live")
    page = browser.new_page()
    page.goto(edge_server.url(f"/liveblog/{blog.pk}/"))
    page.wait_for_selector("#live-status:not([hidden])", timeout=10_000)
    box = page.locator(".key-events")
    assert not box.is_visible()  # an empty "Key events" heading says nothing

    actions.post_entry(blog, "<p>Ships queue outside the harbour.</p>")
    page.get_by_text("Ships queue").wait_for(timeout=10_000)
    assert not box.is_visible()

    key = actions.post_entry(
        blog, "<p>Talks resume at 16:00</p><p>Both sides agree.</p>", is_key_event=True
    )
    page.locator(f"#key-{key.pk}").wait_for(timeout=10_000)
    assert box.is_visible()
    assert box.inner_text().endswith("Talks resume at 16:00")
    page.close()


def test_an_open_article_page_shows_its_correction_without_a_reload(
    browser, edge_server
):
    source = Source.objects.create(url="https://a.example.org/feed", name="Alpha")
    article = store_article(
        source, "ships", "Harbour master counts fourteen ships at anchor"
    )
    page = browser.new_page()
    page.goto(edge_server.url(article.get_absolute_url()))
    page.wait_for_selector("#live-status:not([hidden])", timeout=10_000)
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    correct_article(
        article,
        "Harbour master counts fifteen ships at anchor",
        "<p>Fifteen ships.</p>",
        "An earlier version said fourteen ships; it is fifteen.",
    )
    note = page.locator(".correction-note")
    note.wait_for(timeout=10_000)
    assert "it is fifteen" in note.inner_text()
    reload_link = note.get_by_role("link")
    assert reload_link.get_attribute("href").endswith(article.get_absolute_url())
    assert navigations == []
    reload_link.click()
    page.get_by_text("Fifteen ships.").wait_for(timeout=10_000)
    page.close()


def test_empty_section_note_goes_when_its_first_article_arrives(browser, edge_server):
    source = Source.objects.create(
        url="https://h.example.org/feed", name="Health Desk", section="health"
    )
    page = browser.new_page()
    page.goto(edge_server.url("/section/health/"))
    page.wait_for_selector("#live-status:not([hidden])", timeout=10_000)
    assert page.locator("#latest-empty").is_visible()

    store_article(source, "h1", "Clinic waiting lists shrink in Brennick")
    page.locator("#latest").get_by_text("Clinic waiting lists").wait_for(timeout=10_000)
    assert page.locator("#latest-empty").count() == 0
    page.close()


def test_newsroom_desk_fits_a_phone_with_a_long_story_headline(browser, edge_server):
    source = Source.objects.create(url="https://a.example.org/feed", name="Alpha")
    store_article(
        source,
        "long",
        "Dockworkers' union suspends Saltmere port strike to vote on the new "
        "Ostrel pay deal after a night of talks at the labour mediation office",
    )
    session = sign_in(Client(), make_user("eda", "editor")).cookies["sessionid"]
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.add_cookies(
        [{"name": "sessionid", "value": session.value, "url": edge_server.url("/")}]
    )
    page = context.new_page()
    page.goto(edge_server.url("/newsroom/"))
    assert page.locator("h1").inner_text() == "Desk"
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - window.innerWidth"
    )
    assert overflow <= 0
    context.close()
