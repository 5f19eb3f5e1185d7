"""Live blog pages, the breaking banner and the polling fallback."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import httpx
import pytest

from livenews.core.timeutil import now
from livenews.live import actions


@pytest.mark.django_db
def test_liveblog_page_shows_pinned_first_key_events_and_structured_data(client):
    blog = actions.start_liveblog("Flood in Brennick: live")
    older = actions.post_entry(blog, "<p>Levee holding</p>", is_key_event=True)
    actions.post_entry(blog, "<p>Rain easing</p>")
    gone = actions.post_entry(blog, "<p>Wrong figure</p>")
    actions.pin_entry(older)
    actions.delete_entry(gone)

    page = client.get(f"/liveblog/{blog.pk}/").content.decode()

    pinned = page.index('id="pinned"')
    entries = page.index('id="entries"')
    assert pinned < page.index(f'id="entry-{older.pk}"') < entries
    assert entries < page.rindex("Rain easing")
    assert "Wrong figure" not in page.split('id="key-events"')[1]
    assert f'<a href="#entry-{older.pk}">Levee holding</a>' in page
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', page).group(1))
    assert data["@type"] == "LiveBlogPosting"
    assert {u["headline"] for u in data["liveBlogUpdate"]} == {
        "Levee holding",
        "Rain easing",
    }
    assert 'data-channels="liveblog:' in page


@pytest.mark.django_db
def test_active_alert_shows_on_every_page_until_retracted(client):
    alert = actions.create_alert("Dam breach reported", "/", now() + timedelta(hours=1))
    for path in ("/", "/sources/", "/liveblog/"):
        assert "Dam breach reported" in client.get(path).content.decode()
    actions.retract_alert(alert)
    assert "Dam breach reported" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_structured_data_cannot_be_closed_by_entry_text(client):
    blog = actions.start_liveblog("Test")
    actions.post_entry(
        blog, "<p>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )
    page = client.get(f"/liveblog/{blog.pk}/").content.decode()
    ld = page.split('application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in ld


def test_since_endpoint_answers_missed_events_cacheably(edge_server):
    blog = actions.start_liveblog("Storm Berit: live")
    first = httpx.get(edge_server.url("/live/since/0.json?channels=alerts"))
    assert first.status_code == 200
    start = first.json()["last_id"]

    actions.post_entry(blog, "<p>Ferries halted</p>")
    actions.create_alert("Ports closed", "", now() + timedelta(hours=1))
    answer = {}
    for _ in range(50):  # the hub picks the commits up within a poll
        answer = httpx.get(
            edge_server.url(f"/live/since/{start}.json?channels=liveblog:{blog.pk}")
        ).json()
        if answer["events"]:
            break
        import time

        time.sleep(0.1)

    assert [e["event"] for e in answer["events"]] == ["liveentry.posted"]
    assert answer["last_id"] > start
    assert answer["poll_ms"] == 5000
    response = httpx.get(edge_server.url(f"/live/since/{start}.json"))
    assert response.headers["cache-control"].startswith("public, max-age=")
    assert httpx.get(edge_server.url("/live/since/abc.json")).status_code == 400


def test_a_reconnect_far_behind_on_other_channels_still_replays(edge_server_factory):
    """A page from the cache may be old; events of other channels since then
    must not turn its resume into a reload loop."""
    server = edge_server_factory(REPLAY_LIMIT=3)
    blog = actions.start_liveblog("Quiet blog")
    noisy = actions.start_liveblog("Noisy blog")
    start = httpx.get(server.url("/live/since/0.json")).json()["last_id"]
    for n in range(10):  # far more than the limit, all elsewhere
        actions.post_entry(noisy, f"<p>noise {n}</p>")
    entry = actions.post_entry(blog, "<p>The one that matters</p>")
    import time

    from livenews.events.queries import get_latest_event_id

    newest = get_latest_event_id()
    deadline = time.monotonic() + 10
    while server.app.state.hub.last_id < newest and time.monotonic() < deadline:
        time.sleep(0.02)
    answer = httpx.get(
        server.url(f"/live/since/{start}.json?channels=liveblog:{blog.pk}")
    ).json()
    assert answer["reload"] is False
    assert [e["data"]["entry_id"] for e in answer["events"]] == [entry.pk]


@pytest.mark.django_db
def test_structured_data_and_key_events_follow_edits(client):
    blog = actions.start_liveblog("Flood in Brennick: live")
    entry = actions.post_entry(
        blog, "<p>Levee <b>holding</b></p><p>More rain tonight</p>", is_key_event=True
    )
    path = f"/liveblog/{blog.pk}/"

    def shown() -> tuple[str, dict]:
        page = client.get(path + "?utm=x").content.decode()
        found = re.search(r'application/ld\+json">(.*?)</script>', page)
        return page, json.loads(found.group(1))["liveBlogUpdate"][0]

    page, update = shown()
    assert f'<a href="#entry-{entry.pk}">Levee holding</a>' in page
    assert update["headline"] == "Levee holding"
    assert update["articleBody"] == "Levee holding\nMore rain tonight"
    assert update["url"] == f"http://testserver{path}#entry-{entry.pk}"

    actions.edit_entry(entry, "<p>Levee breached</p>")
    page, update = shown()
    assert f'<a href="#entry-{entry.pk}">Levee breached</a>' in page
    assert (update["headline"], update["articleBody"]) == (
        "Levee breached",
        "Levee breached",
    )
