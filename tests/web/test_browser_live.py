"""Chromium on a live blog and the front page: changes arrive without reload,
and the page after the pushed events equals a fresh load."""

from __future__ import annotations

from datetime import timedelta

import pytest

from livenews.core.timeutil import now
from livenews.live import actions

pytestmark = pytest.mark.browser

SNAPSHOT = """() => ['pinned', 'entries', 'key-events'].map(id =>
  Array.from(document.getElementById(id).children).map(
    n => [n.id, n.className.replace('is-new', '').trim(),
          n.textContent.replace(/\\s+/g, ' ').trim()]))"""


def open_page(browser, url):
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector("#live-status:not([hidden])", timeout=10_000)
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    return page, errors, navigations


def test_liveblog_shows_new_edited_pinned_and_deleted_entries_live(
    browser, edge_server
):
    blog = actions.start_liveblog("Storm Berit: live")
    early = actions.post_entry(blog, "<p>Coastguard on alert</p>")
    page, errors, navigations = open_page(
        browser, edge_server.url(f"/liveblog/{blog.pk}/")
    )

    posted = actions.post_entry(blog, "<p>Night ferry cancelled</p>", is_key_event=True)
    page.locator(f"#entries #entry-{posted.pk}").wait_for(timeout=10_000)
    assert page.locator("#key-events").inner_text().strip() == "Night ferry cancelled"

    actions.edit_entry(posted, "<p>Night and morning ferries cancelled</p>")
    page.locator(f"#entry-{posted.pk}").get_by_text(
        "Night and morning ferries"
    ).wait_for(timeout=10_000)
    actions.pin_entry(early)
    page.locator(f"#pinned #entry-{early.pk}").wait_for(timeout=10_000)
    actions.delete_entry(posted)
    page.locator(f"#entry-{posted.pk}").wait_for(state="detached", timeout=10_000)

    actions.post_entry(blog, "<p>Winds ease after midnight</p>", is_key_event=True)
    page.get_by_text("Winds ease after midnight").first.wait_for(timeout=10_000)
    live_state = page.evaluate(SNAPSHOT)
    fresh = browser.new_page()
    fresh.goto(edge_server.url(f"/liveblog/{blog.pk}/"))
    assert live_state == fresh.evaluate(SNAPSHOT)
    assert navigations == []
    assert errors == []


def test_breaking_banner_appears_on_the_open_front_page_and_goes(browser, edge_server):
    page, errors, _ = open_page(browser, edge_server.url("/"))

    alert = actions.create_alert("Dam breach at Ossel", "/", now() + timedelta(hours=1))
    banner = page.locator(f"#alert-{alert.pk}")
    banner.wait_for(timeout=10_000)
    assert "Dam breach at Ossel" in banner.inner_text()
    actions.retract_alert(alert)
    banner.wait_for(state="detached", timeout=10_000)

    second = actions.create_alert("Evacuation ordered", "", now() + timedelta(hours=1))
    page.locator(f"#alert-{second.pk}").wait_for(timeout=10_000)
    page.locator(f"#alert-{second.pk} .dismiss").click()
    assert page.locator(f"#alert-{second.pk}").count() == 0
    page.reload()
    assert page.locator(f"#alert-{second.pk}").count() == 0  # stays dismissed
    assert errors == []


def test_without_eventsource_the_page_polls_and_still_updates(browser, edge_server):
    blog = actions.start_liveblog("Storm Berit: live")
    context = browser.new_context()
    context.add_init_script("delete window.EventSource;")
    page = context.new_page()
    page.goto(edge_server.url(f"/liveblog/{blog.pk}/"))
    page.wait_for_selector("#live-status:not([hidden])", timeout=10_000)

    entry = actions.post_entry(blog, "<p>Polled update</p>")

    page.locator(f"#entry-{entry.pk}").wait_for(timeout=15_000)
    context.close()
