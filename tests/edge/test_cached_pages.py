"""The edge serving anonymous pages from the cache, kept fresh by events."""

from __future__ import annotations

import asyncio
import re
import time
from datetime import timedelta

import httpx
import pytest
from django.contrib.auth.models import User
from django.test import Client

from livenews.core.timeutil import now
from livenews.events.queries import get_latest_event_id
from livenews.live import actions
from tests.support.hubwait import wait_for_hub


def test_second_request_is_a_hit_with_etag_and_a_bodyless_304(edge_server):
    first = httpx.get(edge_server.url("/"))
    second = httpx.get(edge_server.url("/"))

    assert (first.headers["x-cache"], second.headers["x-cache"]) == ("MISS", "HIT")
    assert first.text == second.text
    assert first.headers["etag"] == second.headers["etag"]
    assert "s-maxage=" in second.headers["cache-control"]
    assert "stale-while-revalidate=" in second.headers["cache-control"]
    assert set(second.headers["surrogate-key"].split()) == {"alerts", "front"}
    assert second.headers["vary"] == "Accept-Encoding, Cookie"
    assert "x-livenews-cache-keys" not in second.headers

    again = httpx.get(
        edge_server.url("/"), headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]


@pytest.mark.parametrize("encoding", ["br", "gzip", "identity"])
def test_each_encoding_is_served_precompressed_with_the_same_content(
    edge_server, encoding
):
    plain = httpx.get(edge_server.url("/"), headers={"Accept-Encoding": "identity"})
    answer = httpx.get(edge_server.url("/"), headers={"Accept-Encoding": encoding})
    assert answer.headers.get("content-encoding", "identity") == encoding
    assert answer.text == plain.text  # httpx decodes br and gzip


def test_a_received_event_invalidates_exactly_its_pages(edge_server):
    blog_a = actions.start_liveblog("Blog A")
    blog_b = actions.start_liveblog("Blog B")
    wait_for_hub(edge_server, get_latest_event_id())
    paths = ["/", f"/liveblog/{blog_a.pk}/", f"/liveblog/{blog_b.pk}/", "/sources/"]
    for path in paths:
        httpx.get(edge_server.url(path))
        assert httpx.get(edge_server.url(path)).headers["x-cache"] == "HIT"

    entry = actions.post_entry(blog_a, "<p>Levee breached at Brennick</p>")
    wait_for_hub(edge_server, get_latest_event_id())

    fresh = httpx.get(edge_server.url(f"/liveblog/{blog_a.pk}/"))
    assert fresh.headers["x-cache"] == "MISS"
    assert f'id="entry-{entry.pk}"' in fresh.text
    for path in ["/", f"/liveblog/{blog_b.pk}/", "/sources/"]:
        assert httpx.get(edge_server.url(path)).headers["x-cache"] == "HIT", path


def test_no_page_is_served_stale_once_the_hub_has_the_event(edge_server):
    for round_ in range(10):
        httpx.get(edge_server.url("/"))
        alert = actions.create_alert(f"Alert {round_}", "", now() + timedelta(hours=1))
        newest = get_latest_event_id()
        wait_for_hub(edge_server, newest)
        page = httpx.get(edge_server.url("/"))
        assert f"Alert {round_}" in page.text
        assert int(page.headers["x-livenews-seen"]) >= newest
        embedded = re.search(r'data-last-event-id="(\d+)"', page.text)
        assert embedded and int(embedded.group(1)) >= newest
        actions.retract_alert(alert)


def test_a_stampede_of_misses_renders_once(edge_server):
    async def stampede() -> list[int]:
        async with httpx.AsyncClient() as client:
            answers = await asyncio.gather(
                *(client.get(edge_server.url("/sources/")) for _ in range(20))
            )
        return [a.status_code for a in answers]

    pages = edge_server.app.state.pages
    before = pages.renders
    assert asyncio.run(stampede()) == [200] * 20
    assert pages.renders - before == 1


def test_a_signed_in_editor_never_gets_the_cached_page_and_vice_versa(edge_server):
    editor = User.objects.create_user("ed", password="a long enough password")
    django_client = Client()
    django_client.force_login(editor)
    session = django_client.cookies["sessionid"].value

    httpx.get(edge_server.url("/"))
    cached = httpx.get(edge_server.url("/"))
    assert cached.headers["x-cache"] == "HIT"

    editor = httpx.get(edge_server.url("/"), cookies={"sessionid": session})
    assert "x-cache" not in editor.headers
    assert editor.headers["cache-control"] == "private, no-cache"
    assert "x-livenews-cache-keys" not in editor.headers

    pages = edge_server.app.state.pages
    before = pages.renders
    editor_story = httpx.get(
        edge_server.url("/sources/"), cookies={"sessionid": session}
    )
    assert editor_story.status_code == 200
    anonymous = httpx.get(edge_server.url("/sources/"))
    assert anonymous.headers["x-cache"] == "MISS"  # the editor's render was not kept
    assert pages.renders - before == 1


def test_uncacheable_answers_pass_through(edge_server):
    login = httpx.get(edge_server.url("/admin/login/"))
    assert login.status_code == 200
    assert "x-cache" not in login.headers
    assert "csrftoken" in login.headers.get("set-cookie", "")
    assert httpx.get(edge_server.url("/healthz")).headers.get("x-cache") is None


@pytest.mark.parametrize("web_processes", ["db://"], indirect=True)
def test_an_event_invalidates_its_pages_on_two_web_processes(web_processes):
    blog = actions.start_liveblog("Two processes")
    other = actions.start_liveblog("Untouched")
    newest = get_latest_event_id()
    for base in web_processes:  # each hub has seen the blogs start: nothing pending
        deadline = time.monotonic() + 10
        while httpx.get(base + "/live/since/0.json").json()["last_id"] < newest:
            assert time.monotonic() < deadline, base
            time.sleep(0.05)
    for base in web_processes:
        for path in (f"/liveblog/{blog.pk}/", f"/liveblog/{other.pk}/"):
            httpx.get(base + path)
            assert httpx.get(base + path).headers["x-cache"] == "HIT"

    entry = actions.post_entry(blog, "<p>Seen on both</p>")

    for base in web_processes:
        deadline = time.monotonic() + 10
        while (
            f'id="entry-{entry.pk}"'
            not in httpx.get(base + f"/liveblog/{blog.pk}/").text
        ):
            assert time.monotonic() < deadline, base
            time.sleep(0.05)
        assert httpx.get(base + f"/liveblog/{other.pk}/").headers["x-cache"] == "HIT"


def test_vary_names_encoding_and_cookie_on_every_variant_and_on_304s(edge_server):
    httpx.get(edge_server.url("/"))
    answers = {
        encoding: httpx.get(edge_server.url("/"), headers={"Accept-Encoding": encoding})
        for encoding in ("br", "gzip", "identity")
    }
    etags = {a.headers["etag"] for a in answers.values()}
    assert len(etags) == 1  # one representation, compressed three ways
    for answer in answers.values():
        assert answer.headers["vary"] == "Accept-Encoding, Cookie"
    revalidated = httpx.get(
        edge_server.url("/"),
        headers={"Accept-Encoding": "gzip", "If-None-Match": etags.pop()},
    )
    assert revalidated.status_code == 304 and revalidated.content == b""
    assert revalidated.headers["vary"] == "Accept-Encoding, Cookie"
    assert "content-encoding" not in revalidated.headers
    head = httpx.head(edge_server.url("/"), headers={"Accept-Encoding": "identity"})
    assert head.content == b""
    assert head.headers["content-length"] == str(len(answers["identity"].content))


def test_an_editors_page_varies_on_cookie_and_is_private(edge_server):
    editor = User.objects.create_user("vary", password="a long enough password")
    django_client = Client()
    django_client.force_login(editor)
    session = django_client.cookies["sessionid"].value
    answer = httpx.get(edge_server.url("/"), cookies={"sessionid": session})
    assert "Cookie" in answer.headers["vary"]
    assert answer.headers["cache-control"] == "private, no-cache"
    assert "surrogate-key" not in answer.headers
