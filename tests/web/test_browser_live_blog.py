"""Chromium on a live blog: the order toggle and reduced motion.

The toggle shows the oldest entry first; entries that arrive then join at the
bottom, and at the top again once the reader switches back. A reader who asks
for reduced motion gets new entries without the arrival animation.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from livenews.core.timeutil import now
from livenews.live import actions

pytestmark = pytest.mark.browser

ENTRY_IDS = (
    "() => Array.from(document.querySelectorAll('#entries > .entry'), n => n.id)"
)


def open_blog(browser, url, reduced_motion):
    context = browser.new_context(reduced_motion=reduced_motion)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector("#live-status:not([hidden])", timeout=10_000)
    return page, errors


def test_oldest_first_toggle_places_new_entries_at_the_bottom(browser, edge_server):
    blog = actions.start_liveblog("Election night: live")
    start = now() - timedelta(minutes=30)
    first = actions.post_entry(blog, "<p>Polls close</p>", created_at=start)
    second = actions.post_entry(
        blog, "<p>First results</p>", created_at=start + timedelta(minutes=10)
    )
    page, errors = open_blog(
        browser, edge_server.url(f"/liveblog/{blog.pk}/"), "reduce"
    )
    assert page.evaluate(ENTRY_IDS) == [f"entry-{second.pk}", f"entry-{first.pk}"]

    toggle = page.locator("#order-toggle")
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert page.evaluate(ENTRY_IDS) == [f"entry-{first.pk}", f"entry-{second.pk}"]

    third = actions.post_entry(blog, "<p>Turnout at a record</p>")
    page.locator(f"#entry-{third.pk}").wait_for(timeout=10_000)
    assert page.evaluate(ENTRY_IDS) == [
        f"entry-{first.pk}",
        f"entry-{second.pk}",
        f"entry-{third.pk}",
    ]
    # Reduced motion: no arrival animation.
    assert "is-new" not in (page.locator(f"#entry-{third.pk}").get_attribute("class"))

    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "false"
    assert page.evaluate(ENTRY_IDS)[0] == f"entry-{third.pk}"
    assert errors == []


def test_new_entries_arrive_animated_without_reduced_motion(browser, edge_server):
    blog = actions.start_liveblog("Election night: live")
    page, errors = open_blog(
        browser, edge_server.url(f"/liveblog/{blog.pk}/"), "no-preference"
    )
    entry = actions.post_entry(blog, "<p>Exit poll published</p>")
    page.locator(f"#entry-{entry.pk}").wait_for(timeout=10_000)
    assert "is-new" in page.locator(f"#entry-{entry.pk}").get_attribute("class")
    assert errors == []
