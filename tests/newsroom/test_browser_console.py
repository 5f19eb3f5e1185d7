"""An editor runs a live blog in Chromium; a reader's page follows without reload."""

from __future__ import annotations

import pytest

from livenews.live.models import LiveBlog, LiveEntry
from tests.support.accounts import PASSWORD, current_code, make_user

pytestmark = pytest.mark.browser


def sign_in_page(browser, url: str, user, **context):
    """Open ``url`` in a new context and sign in there with password and TOTP."""
    page = browser.new_context(**context).new_page()
    page.goto(url)
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("#main button[type=submit]")
    page.fill("#id_token", current_code(user))
    page.click("#main button[type=submit]")
    return page


def test_editor_console_changes_reach_an_open_public_page(browser, edge_server):
    from livenews.stories.models import Story

    story = Story.objects.create(
        headline="Storm Berit reaches the coast", article_count=1, source_count=1
    )
    desk = sign_in_page(
        browser, edge_server.url("/newsroom/"), make_user("eve", "editor")
    )
    desk.fill("#id_title", "Storm Berit: live")
    desk.select_option("#id_story", str(story.pk))
    desk.click("text=Start live blog")
    desk.wait_for_selector("#id_body")
    blog = LiveBlog.objects.get()
    assert blog.story == story

    reader = browser.new_context().new_page()
    errors: list[str] = []
    reader.on("pageerror", lambda e: errors.append(str(e)))
    reader.goto(edge_server.url(f"/liveblog/{blog.pk}/"))
    reader.wait_for_selector("#live-status:not([hidden])", timeout=10_000)
    navigations: list[str] = []
    reader.on("framenavigated", lambda frame: navigations.append(frame.url))

    desk.fill("#id_body", "Ferries **halted** at Ulvö")
    desk.keyboard.press("Control+Enter")  # the console's keyboard shortcut
    reader.locator("#entries strong", has_text="halted").wait_for(timeout=10_000)

    entry = LiveEntry.objects.get()
    desk.wait_for_selector(f"#entry-{entry.pk} >> text=Pin")
    desk.click(f"#entry-{entry.pk} >> text=Pin")
    reader.locator(f"#pinned #entry-{entry.pk}").wait_for(timeout=10_000)

    desk.click(f"#entry-{entry.pk} >> text=Edit")
    desk.fill("#id_body", "Ferries halted at Ulvö and Kessa")
    desk.click("text=Save")
    reader.get_by_text("Ferries halted at Ulvö and Kessa").wait_for(timeout=10_000)

    assert navigations == []
    assert errors == []


def test_a_correction_shows_its_note_and_diff_to_readers(browser, edge_server):
    from livenews.articles.models import Article

    desk = sign_in_page(
        browser, edge_server.url("/newsroom/articles/new/"), make_user("eve", "editor")
    )
    desk.fill("#id_title", "Ossel falls 40 cm")
    desk.fill("#id_body", "The river Ossel fell 40 cm overnight.")
    desk.click("#main button[type=submit]")
    desk.click("text=Publish now")
    desk.fill("#id_body", "The river Ossel fell 60 cm overnight.")
    desk.fill("#id_note", "An earlier version gave the fall as 40 cm.")
    desk.click("text=Publish correction")
    desk.wait_for_selector("text=Reader's view")

    article = Article.objects.get()
    reader = browser.new_context().new_page()
    reader.goto(edge_server.url(article.get_absolute_url()))
    note = reader.locator(".correction-note")
    assert "An earlier version gave the fall as 40 cm." in note.inner_text()
    reader.click("#revisions summary")
    assert reader.locator("#revisions del").first.inner_text() == "40"
    assert reader.locator("#revisions ins").first.inner_text() == "60"


def test_console_entry_times_read_in_the_editors_zone(browser, edge_server):
    from datetime import UTC, datetime

    from livenews.live import actions

    blog = actions.start_liveblog("Storm Berit: live")
    noon = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
    early = actions.post_entry(blog, "<p>Ferries halted</p>", created_at=noon)
    desk = sign_in_page(
        browser,
        edge_server.url(f"/newsroom/liveblog/{blog.pk}/"),
        make_user("bea", "editor"),
        timezone_id="Europe/Berlin",
        locale="en-GB",
    )
    desk.wait_for_selector("#id_body")
    shown = desk.locator(f"#entry-{early.pk} .entry-meta time").first
    desk.wait_for_function(
        f"() => !document.querySelector('#entry-{early.pk} .entry-meta time')"
        ".textContent.includes('UTC')",
        timeout=10_000,
    )
    assert "13:00" in shown.inner_text(), shown.inner_text()
