"""The foundation's live slice: a feed on 127.0.0.1 → ingest → pages → SSE.

Uses the article the project started from (../shared/samples/seed-article.txt);
skipped where that file is absent.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from livenews.articles.models import Article
from livenews.pipeline import ingest_once
from livenews.sources.actions import add_source
from tests.support.feeds import Item, rss
from tests.support.sse import SSEClient

SEED = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "samples"
    / "seed-article.txt"
)


@pytest.fixture
def seed_item() -> Item:
    if not SEED.is_file():
        pytest.skip(f"the seed article is not here ({SEED}): shared/ is absent")
    lines = [
        line.strip() for line in SEED.read_text("utf-8").splitlines() if line.strip()
    ]
    title, paragraphs = lines[1], lines[2:]
    return Item(
        guid="seed-article-1",
        title=title,
        link="https://portal.example.org/belarus-factories",
        published=datetime(2020, 8, 14, 12, 0, tzinfo=UTC),
        summary=paragraphs[0][:300],
        content="".join(f"<p>{p}</p>" for p in paragraphs),
        author="Staff reporter",
    )


def test_seed_article_reaches_pages_and_a_connected_sse_client(
    feed_server, edge_server, seed_item
):
    add_source(feed_server.serve("/portal.xml", rss([seed_item])), name="24/7 Portal")

    with SSEClient(edge_server.url("/live/stream?channels=front")) as stream:
        assert stream.status == 200
        assert stream.response_headers["content-type"].startswith("text/event-stream")
        report = ingest_once()
        assert report.new_articles == 1
        pushed = stream.wait_for(lambda m: m.event == "article.added")

    article = Article.objects.get()
    assert pushed.json()["title"] == seed_item.title
    assert pushed.json()["url"] == f"/article/{article.pk}/"
    assert int(pushed.id) > 0

    front = httpx.get(edge_server.url("/"))
    assert front.status_code == 200
    assert seed_item.title in front.text
    assert "Waiting for the first stories" not in front.text

    page = httpx.get(edge_server.url(f"/article/{article.pk}/"))
    assert page.status_code == 200
    assert seed_item.title in page.text
    assert "TMZ tractor factory" in page.text

    story = httpx.get(edge_server.url(f"/story/{article.story_id}/"))
    assert story.status_code == 200
    assert seed_item.title in story.text


def test_reconnecting_client_replays_what_it_missed(feed_server, edge_server):
    items = [
        Item(
            guid=f"g{n}",
            title=f"Quarry collapse near Tolvik, update {n}",
            link=f"https://example.org/{n}",
            published=datetime(2026, 1, 1, n, tzinfo=UTC),
        )
        for n in range(1, 4)
    ]
    add_source(feed_server.serve("/f.xml", rss(items[:1])))
    with SSEClient(edge_server.url("/live/stream")) as first:
        ingest_once()
        seen = first.wait_for(lambda m: m.event == "article.added")
    # Disconnected now: two more articles arrive.
    from livenews.sources.models import Source

    feed_server.serve("/f.xml", rss(items))
    Source.objects.update(next_poll_at=None)
    ingest_once()

    with SSEClient(
        edge_server.url("/live/stream"), headers={"Last-Event-ID": seen.id}
    ) as again:
        again.wait_for(
            lambda m: (
                m.event == "article.added" and m.json()["title"].endswith("update 3")
            )
        )
        replayed = [m for m in again.messages if m.event == "article.added"]
    assert [m.json()["title"] for m in replayed] == [
        "Quarry collapse near Tolvik, update 2",
        "Quarry collapse near Tolvik, update 3",
    ]
    assert all(int(m.id) > int(seen.id) for m in again.messages)


def test_stream_only_sends_the_channels_asked_for(feed_server, edge_server):
    add_source(
        feed_server.serve(
            "/f.xml",
            rss(
                [
                    Item(
                        guid="s1",
                        title="Glacier survey ship Aurel returns to Hestby harbour",
                        link="https://example.org/s1",
                        published=datetime(2026, 1, 1, tzinfo=UTC),
                    ),
                ]
            ),
        )
    )
    with (
        SSEClient(edge_server.url("/live/stream?channels=story:999999")) as other,
        SSEClient(edge_server.url("/live/stream?channels=front")) as front,
    ):
        ingest_once()
        front.wait_for(lambda m: m.event == "article.added")
        assert not [m for m in other.messages if m.event != "reload"]


def test_too_old_a_gap_sends_reload(feed_server, edge_server_factory):
    server = edge_server_factory(REPLAY_LIMIT=2)
    items = [
        Item(
            guid=f"r{n}",
            title=f"Ferry strike in Ostra harbour, report {n}",
            link=f"https://example.org/r{n}",
            published=datetime(2026, 1, 1, n, tzinfo=UTC),
        )
        for n in range(4)
    ]
    add_source(feed_server.serve("/f.xml", rss(items)))
    ingest_once()

    with SSEClient(
        server.url("/live/stream"), headers={"Last-Event-ID": "0"}
    ) as stream:
        message = stream.wait_for(lambda m: m.event == "reload")
    assert [m.event for m in stream.messages] == ["reload"]
    assert int(message.id) > 0


def test_connection_cap_answers_503_with_retry_after(edge_server_factory):
    server = edge_server_factory(SSE_MAX_CLIENTS=1)
    with SSEClient(server.url("/live/stream")) as first:
        assert first.status == 200
        refused = httpx.get(server.url("/live/stream"))
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "5"


def test_idle_stream_gets_heartbeats(edge_server_factory):
    server = edge_server_factory(SSE_HEARTBEAT=0.2, SSE_RETRY_MS=1500)
    with SSEClient(server.url("/live/stream")) as stream:
        import time

        deadline = time.monotonic() + 5
        while "ping" not in stream.comments and time.monotonic() < deadline:
            time.sleep(0.05)
    assert "ping" in stream.comments
    assert "connected" in stream.comments
