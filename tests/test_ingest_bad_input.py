"""Bad input from feed servers: each case ends with the source marked with a clear
reason (or its content cleaned), the pass finished, and a good source on the same
server ingested as usual."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import brotli
import pytest
from django.conf import settings

from livenews.articles.models import Article
from livenews.pipeline import ingest_once
from livenews.sources.actions import add_source
from livenews.sources.models import Source
from tests.support.feeds import Item, rss
from tests.support.feedserver import FeedServer

pytestmark = pytest.mark.django_db(transaction=True)

WHEN = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in {
        "MAX_BODY_BYTES": MB,
        "FETCH_TIMEOUT": 2.0,
        "HOST_MIN_GAP": 0.0,
        "MAX_ENTRIES_PER_FETCH": 50,
    }.items():
        monkeypatch.setitem(settings.LIVENEWS, key, value)


def good_items(count: int = 3) -> list[Item]:
    return [
        Item(
            guid=f"good-{n}",
            title=f"Council approves the new tram line to Esk, vote {n}",
            link=f"https://news.example.org/good/{n}",
            published=WHEN + timedelta(minutes=n),
            summary="<p>The council voted.</p>",
        )
        for n in range(count)
    ]


def ingest_beside_a_good_source(server: FeedServer, path: str) -> Source:
    """Ingest the bad route and a good feed together; return the bad source."""
    good = add_source(server.serve("/good.xml", rss(good_items())))
    bad = add_source(server.url(path))
    ingest_once()  # returns: the worker is alive
    assert Article.objects.filter(source=good).count() == 3
    good.refresh_from_db()
    assert good.health == "ok"
    bad.refresh_from_db()
    return bad


@dataclass
class Case:
    serve: Callable[[FeedServer], None]
    reason: str


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">'
        % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
        for n in range(1, 10)
    )
    + b']><rss version="2.0"><channel><title>t</title>'
    b"<item><title>&lol9;</title><guid>1</guid></item></channel></rss>"
)


def redirect(to: str) -> dict[str, Any]:
    return {"status": 302, "headers": {"Location": to}, "etag": False}


CASES = {
    "html page": Case(
        lambda s: s.serve(
            "/bad", "<!doctype html><html><p>Home</p></html>", content_type="text/html"
        ),
        "not a feed: got an HTML page (text/html)",
    ),
    "empty body": Case(
        lambda s: s.serve("/bad", b""), "empty response: the server sent no content"
    ),
    "garbage": Case(
        lambda s: s.serve("/bad", b"\x00\x01garbage\xff", content_type="text/xml"),
        "not a feed: the content could not be read as RSS or Atom",
    ),
    "billion laughs": Case(
        lambda s: s.serve("/bad", BILLION_LAUGHS),
        "refused: the feed declares XML entities",
    ),
    "xxe in utf-16": Case(
        lambda s: s.serve(
            "/bad",
            '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE rss '
            '[<!ENTITY x SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel>'
            "<item><title>&x;</title></item></channel></rss>".encode("utf-16"),
            content_type="application/xml",
        ),
        "refused: the feed declares XML entities",
    ),
    "redirect loop": Case(
        lambda s: (
            s.serve("/bad", **redirect("/loop")),
            s.serve("/loop", **redirect("/bad")),
        ),
        "too many redirects (a redirect loop?)",
    ),
    "1 GB body": Case(
        lambda s: s.serve(
            "/bad",
            stream=lambda: (b"<" * 65536 for _ in range(16384)),
            length=1024 * MB,
        ),
        "response larger than 1 MB: stopped",
    ),
    "one byte a second": Case(
        lambda s: s.serve("/bad", rss(good_items(1)), drip=1.0),
        "timed out after 2 s",
    ),
    "429 with retry-after": Case(
        lambda s: s.serve("/bad", b"", status=429, headers={"Retry-After": "120"}),
        "HTTP 429 Too Many Requests, retry after 120 s",
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_source_gets_a_clear_reason_and_others_ingest(feed_server, case):
    case.serve(feed_server)

    bad = ingest_beside_a_good_source(feed_server, "/bad")

    assert bad.health == "failing"
    assert bad.last_error.startswith(case.reason)
    assert bad.consecutive_failures == 1
    assert not bad.paused
    assert bad.next_poll_at > bad.last_fetched_at
    assert bad.lease_owner == ""
    assert not Article.objects.filter(source=bad).exists()


def test_external_entity_is_never_fetched(feed_server):
    secret = feed_server.serve("/secret", "TOP-SECRET")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "{secret}">]>'
        '<rss version="2.0"><channel><title>t</title>'
        "<item><title>leak &x;</title><guid>1</guid></item></channel></rss>"
    )
    feed_server.serve("/bad", body)

    bad = ingest_beside_a_good_source(feed_server, "/bad")

    assert feed_server.hits["/secret"] == 0
    assert bad.last_error.startswith("refused: the feed declares XML entities")
    assert not Article.objects.filter(title__contains="SECRET").exists()


def test_1_gb_body_is_not_read_past_the_cap(feed_server):
    feed_server.serve(
        "/bad", stream=lambda: (b"<" * 65536 for _ in range(16384)), length=1024 * MB
    )

    ingest_beside_a_good_source(feed_server, "/bad")

    # What the server managed to push into the socket before we hung up: the
    # cap plus kernel buffers, nowhere near the gigabyte.
    assert 0 < feed_server.sent["/bad"] < 64 * MB


def gzip_bomb(size: int) -> bytes:
    compressor = zlib.compressobj(9, wbits=31)
    block = bytes(MB)
    parts = [compressor.compress(block) for _ in range(size // MB)]
    return b"".join([*parts, compressor.flush()])


@pytest.fixture(scope="module")
def bombs() -> dict[str, bytes]:
    return {
        "gzip": gzip_bomb(128 * MB),
        "br": brotli.compress(bytes(128 * MB), quality=1),
    }


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_compression_bomb_stops_at_the_cap_on_decompressed_bytes(
    feed_server, bombs, encoding
):
    body = bombs[encoding]
    assert len(body) < MB  # compressed, it is under the cap
    feed_server.serve("/bad", body, headers={"Content-Encoding": encoding})
    good = add_source(feed_server.serve("/good.xml", rss(good_items())))
    bad = add_source(feed_server.url("/bad"))

    tracemalloc.start()
    try:
        ingest_once()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    bad.refresh_from_db()
    assert bad.last_error == "response larger than 1 MB: stopped"
    assert Article.objects.filter(source=good).count() == 3
    # Decoded piece by piece: memory stays near the cap, not the 128 MB bomb
    # (httpx's own decoder turns one 64 KB chunk into ~64 MB at once).
    assert peak < 24 * MB


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_compressed_feed_is_read(feed_server, encoding):
    body = rss(good_items()).encode()
    packed = gzip.compress(body) if encoding == "gzip" else brotli.compress(body)
    feed_server.serve("/packed.xml", packed, headers={"Content-Encoding": encoding})
    source = add_source(feed_server.url("/packed.xml"))

    assert ingest_once().new_articles == 3
    source.refresh_from_db()
    assert source.health == "ok"
    sent = feed_server.requests[0].headers
    assert {"gzip", "br"} <= {c.strip() for c in sent["Accept-Encoding"].split(",")}


def test_descriptive_user_agent_is_sent(feed_server):
    add_source(feed_server.serve("/feed.xml", rss(good_items())))

    ingest_once()

    agent = feed_server.requests[0].headers["User-Agent"]
    assert agent.startswith("livenews/")
    assert "http" in agent  # a page to learn who we are


def test_malformed_xml_keeps_the_readable_entries(feed_server):
    feed_server.serve(
        "/bad",
        '<rss version="2.0"><channel><title>x</title><item><title>Readable '
        "&amp; kept</title><guid>1</guid><link>https://e.org/1</link></item>"
        "<item><title>unclosed",
    )

    bad = ingest_beside_a_good_source(feed_server, "/bad")

    assert bad.health == "ok"
    assert list(Article.objects.filter(source=bad).values_list("title", flat=True)) == [
        "Readable & kept"
    ]


def latin1_feed(declared: str) -> bytes:
    decl = f' encoding="{declared}"' if declared else ""
    return (
        f'<?xml version="1.0"{decl}?><rss version="2.0"><channel><title>t</title>'
        "<item><title>Caf\u00e9 owners in S\u00e3o Tom\u00e9 protest</title>"
        "<guid>c1</guid></item></channel></rss>"
    ).encode("latin-1")


@pytest.mark.parametrize(
    ("declared", "content_type", "expected"),
    [
        # Missing charset in the header: the XML declaration decides.
        ("iso-8859-1", "application/rss+xml", "Caf\u00e9 owners in S\u00e3o Tom\u00e9"),
        # Wrong charset (utf-8 claimed, latin-1 sent): readable, no crash.
        ("", "application/rss+xml; charset=utf-8", "owners in S"),
    ],
    ids=["missing charset", "wrong charset"],
)
def test_charset_problems_still_give_readable_titles(
    feed_server, declared, content_type, expected
):
    feed_server.serve("/bad", latin1_feed(declared), content_type=content_type)

    bad = ingest_beside_a_good_source(feed_server, "/bad")

    assert bad.health == "ok"
    title = Article.objects.get(source=bad).title
    assert expected in title


def test_100000_entries_are_capped_to_the_newest(feed_server, monkeypatch):
    monkeypatch.setitem(settings.LIVENEWS, "MAX_BODY_BYTES", 20 * MB)
    entries = "".join(
        f"<item><title>Entry {n} of the flood</title>"
        f'<guid isPermaLink="false">e{n}</guid></item>'
        for n in range(100_000)
    )
    feed_server.serve(
        "/bad",
        f'<rss version="2.0"><channel><title>big</title>{entries}</channel></rss>',
    )

    bad = ingest_beside_a_good_source(feed_server, "/bad")

    assert bad.health == "ok"
    guids = set(Article.objects.filter(source=bad).values_list("guid", flat=True))
    assert guids == {f"e{n}" for n in range(50)}  # the first 50 listed: the newest


def test_duplicate_guids_in_one_feed_give_one_article(feed_server):
    items = [
        Item(guid="same", title=f"Version {n} of one report", link="https://e.org/s")
        for n in range(3)
    ]
    feed_server.serve("/bad", rss(items))

    bad = ingest_beside_a_good_source(feed_server, "/bad")

    assert bad.health == "ok"
    assert Article.objects.filter(source=bad).count() == 1


def test_dates_in_year_9999_and_1970_take_the_fetch_time(feed_server):
    items = "".join(
        f"<item><title>Dated {year}</title><guid>{year}</guid>"
        f"<pubDate>{day}</pubDate></item>"
        for year, day in [
            (9999, "Fri, 31 Dec 9999 23:59:59 GMT"),
            (1970, "Thu, 01 Jan 1970 00:00:00 GMT"),
        ]
    )
    feed_server.serve("/bad", f'<rss version="2.0"><channel>{items}</channel></rss>')
    before = datetime.now(UTC)

    bad = ingest_beside_a_good_source(feed_server, "/bad")

    after = datetime.now(UTC)
    for article in Article.objects.filter(source=bad):
        assert before <= article.published_at <= after, article.title
    assert Article.objects.filter(source=bad).count() == 2


def test_feed_html_full_of_scripts_is_cleaned(feed_server):
    nasty = (
        "<p>Fact.</p><script>steal()</script><style>body{display:none}</style>"
        '<img src="https://e.org/i.png" onerror="steal()">'
        '<svg><script>steal()</script></svg><a href=" javascript:steal()">x</a>'
        '<a href="JaVaScRiPt:steal()">y</a><iframe src="https://evil.example"></iframe>'
        '<object data="x.swf"></object><form action="https://evil"><input></form>'
    )
    item = Item(
        guid="n1",
        title="Nasty <script>x</script>",
        link="https://e.org/n",
        published=WHEN,
        content=nasty,
    )
    feed_server.serve("/bad", rss([item]))

    bad = ingest_beside_a_good_source(feed_server, "/bad")

    article = Article.objects.get(source=bad)
    html = article.body_html.lower()
    for bad_word in (
        "<script",
        "<style",
        "onerror",
        "javascript:",
        "<iframe",
        "<object",
        "<form",
        "<input",
        "steal()",
    ):
        assert bad_word not in html, bad_word
    assert "Fact." in article.body_html
    assert "<" not in article.title


def iter_chunks(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]
