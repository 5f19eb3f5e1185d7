"""Chromium on reader pages in states a demo crawl found odd: nothing to show yet."""

from __future__ import annotations

import pytest

from livenews.live import actions

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
