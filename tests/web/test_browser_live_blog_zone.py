"""Chromium in Berlin on a live blog: entry times in the reader's zone.

The server writes entry times in UTC; localtime.js rewrites the ones marked
``data-local``. An entry on the page at load and one that arrives live both
read Berlin time (UTC+1 in winter), never "UTC"; the edit time too.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from livenews.live import actions
from livenews.live.models import LiveEntry

pytestmark = pytest.mark.browser

WINTER_NOON = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def test_entry_times_read_in_the_readers_zone_on_load_and_live(browser, edge_server):
    blog = actions.start_liveblog("Storm Berit: live")
    early = actions.post_entry(blog, "<p>Ferries halted</p>", created_at=WINTER_NOON)
    context = browser.new_context(timezone_id="Europe/Berlin", locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(edge_server.url(f"/liveblog/{blog.pk}/"))
    page.wait_for_selector("#live-status:not([hidden])", timeout=10_000)

    shown = page.locator(f"#entry-{early.pk} .entry-meta time").first.inner_text()
    assert "13:00" in shown and "UTC" not in shown, shown

    later = actions.post_entry(
        blog, "<p>Levee holds</p>", created_at=datetime(2026, 1, 15, 12, 30, tzinfo=UTC)
    )
    arrived = page.locator(f"#entry-{later.pk} .entry-meta time").first
    arrived.wait_for(timeout=10_000)
    assert "13:30" in arrived.inner_text() and "UTC" not in arrived.inner_text()

    actions.edit_entry(later, "<p>Levee holds, for now</p>")
    page.wait_for_function(
        f"() => document.querySelector('#entry-{later.pk} .edited time') !== null",
        timeout=10_000,
    )
    edited = page.locator(f"#entry-{later.pk} .edited time")
    edited_at = LiveEntry.objects.get(pk=later.pk).edited_at
    assert edited_at is not None
    berlin_hour = (edited_at.hour + 1) % 24
    assert edited.inner_text().startswith(f"{berlin_hour:02d}:"), edited.inner_text()
    assert errors == []
    context.close()
