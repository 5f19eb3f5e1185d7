"""A fast feed server for the benchmarks, run as its own process.

``python -m bench.feedfarm --feeds 1000 --items 20`` builds every RSS document
up front in memory (seeded, so runs are comparable) and serves
``/feed/<n>.xml`` on 127.0.0.1 with a raw asyncio protocol on uvloop: HTTP/1.1
keep-alive, a strong ``ETag`` per feed and ``304 Not Modified`` for a matching
``If-None-Match``. It prints one ``READY {json}`` line (port, sizes) on stdout
and serves until it is signalled. Answering costs a dict lookup and one
``write``, so the server is never what limits the ingest figures. A query
string is ignored (``/feed/7.xml?mirror=3`` is feed 7), so many sources can
share one body: the 10,000-source all-304 pass uses that.

Items are unique across the whole farm (guid, link, title) and their titles
are drawn from a large pseudo-word vocabulary, so nearly every article starts
its own story: the worst case for story assignment, and a realistic one for a
thousand independent outlets.

**Publishing feeds** (``--publish-every 20:30,500:240``, for the ``soak``
scenario): the first 20 feeds gain a new item every 30 s, the next 500 every
240 s, the rest never. Each publishing feed starts at a seeded phase within
its period (so they do not all publish at once), its items' dates follow its
rhythm (the worker can learn it from the first fetch), and each new item
replaces the oldest, changes the body and the ETag (``"bench-feed-<n>-<k>"``);
unchanged feeds still answer 304. Publishing starts on ``SIGUSR1`` (after the
reader's warm-up) and stops on ``SIGUSR2`` (so the reader can drain); with
``--record PATH`` every new item is appended there as one JSON line (feed,
guid, unix time it became visible). Without ``--publish-every`` nothing
changes: same bodies, same ETags.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import signal
import string
import sys
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

VOCABULARY_SIZE = 20_000
TITLE_WORDS = 9


def vocabulary(rng: random.Random, size: int = VOCABULARY_SIZE) -> list[str]:
    """Return ``size`` distinct pronounceable pseudo-words."""
    consonants, vowels = "bcdfghklmnprstvz", "aeiou"
    words: set[str] = set()
    while len(words) < size:
        syllables = rng.randint(2, 4)
        words.add(
            "".join(
                rng.choice(consonants) + rng.choice(vowels) for _ in range(syllables)
            )
        )
    return sorted(words)


def item_xml(rng: random.Random, words: list[str], feed: int, item: int) -> str:
    """Return one RSS ``<item>`` with an HTML description of ~1 KB."""
    title = " ".join(rng.choice(words) for _ in range(TITLE_WORDS)).capitalize()
    sentences = [
        " ".join(rng.choice(words) for _ in range(14)).capitalize() + "."
        for _ in range(6)
    ]
    link = f"https://outlet{feed}.example/news/{feed}-{item}"
    body = (
        f"<p>{sentences[0]} <strong>{sentences[1]}</strong></p>"
        f'<p>{sentences[2]} <a href="{link}/context">{sentences[3]}</a></p>'
        f'<p><img src="https://outlet{feed}.example/img/{item}.jpg" alt="photo"> '
        f"{sentences[4]} {sentences[5]}</p>"
    )
    published = datetime.now(UTC) - timedelta(minutes=rng.randint(1, 36 * 60))
    author = "".join(rng.choice(string.ascii_lowercase) for _ in range(7)).title()
    return (
        f"<item><title>{escape(title)}</title><link>{link}</link>"
        f'<guid isPermaLink="false">bench-{feed}-{item}</guid>'
        f"<pubDate>{format_datetime(published)}</pubDate>"
        f"<dc:creator>{author}</dc:creator><category>world</category>"
        f"<description>{escape(body)}</description></item>"
    )


def feed_xml(rng: random.Random, words: list[str], feed: int, items: int) -> bytes:
    """Return one RSS 2.0 document of ``items`` unique items.

    Three feeds in four declare their language, as most news feeds do; the
    fourth leaves it to detection, which on pseudo-words (no real language,
    so the first entries never agree) runs on every entry: a worst case.
    """
    return feed_document(feed, (item_xml(rng, words, feed, i) for i in range(items)))


def feed_document(feed: int, items: Iterable[str]) -> bytes:
    """Return feed ``feed``'s RSS document holding ``items`` (``<item>`` strings)."""
    language = "<language>en</language>" if feed % 4 else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>Outlet {feed}</title><link>https://outlet{feed}.example/</link>"
        f"<description>bench feed {feed}</description>{language}{''.join(items)}"
        "</channel></rss>"
    ).encode()


def feed_etag(feed: int) -> str:
    """Return the strong ETag the farm gives feed ``feed`` (stable across runs)."""
    return f'"bench-feed-{feed}"'


def build_responses(
    feeds: int, items: int, seed: int
) -> dict[bytes, tuple[bytes, bytes]]:
    """Return, per path, the full 200 response and the ETag it carries."""
    rng = random.Random(seed)
    words = vocabulary(rng)
    responses = {}
    for feed in range(feeds):
        body = feed_xml(rng, words, feed, items)
        etag = feed_etag(feed).encode()
        responses[f"/feed/{feed}.xml".encode()] = (response_bytes(body, etag), etag)
    return responses


def response_bytes(body: bytes, etag: bytes) -> bytes:
    """Return the full ``200`` response carrying ``body`` and ``etag``."""
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml; charset=utf-8\r\n"
        b"ETag: "
        + etag
        + b"\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
    )
    return head + body


def parse_schedule(spec: str) -> list[tuple[int, float]]:
    """Parse ``COUNT:SECONDS,...`` into (count, period) groups, in feed order."""
    groups = []
    for part in filter(None, spec.split(",")):
        count, _, period = part.partition(":")
        groups.append((int(count), float(period)))
    return groups


class Publisher:
    """Feeds that gain a new item every so often (see the module docstring)."""

    def __init__(
        self,
        responses: dict[bytes, tuple[bytes, bytes]],
        schedule: list[tuple[int, float]],
        items: int,
        seed: int,
        record: str | None,
    ) -> None:
        self.responses = responses
        self.items = items
        self.rng = random.Random(seed + 1)
        self.words = vocabulary(random.Random(seed))
        self.periods: dict[int, float] = {}
        feed = 0
        for count, period in schedule:
            for _ in range(count):
                if period > 0:
                    self.periods[feed] = period
                feed += 1
        self.phase = {f: self.rng.uniform(0, p) for f, p in self.periods.items()}
        self.next_item = dict.fromkeys(self.periods, items)
        self.generation = dict.fromkeys(self.periods, 0)
        self.entries: dict[int, list[str]] = {}
        self.record = open(record, "a") if record else None  # noqa: SIM115
        self.published = 0
        now = datetime.now(UTC)
        for feed, period in self.periods.items():  # a history with its rhythm
            self.entries[feed] = [
                self.item(feed, n, now - timedelta(seconds=period * (items - n)))
                for n in range(items)
            ][::-1]
            self.install(feed)

    def item(self, feed: int, n: int, published: datetime) -> str:
        xml = item_xml(self.rng, self.words, feed, n)
        start, end = xml.index("<pubDate>") + 9, xml.index("</pubDate>")
        return xml[:start] + format_datetime(published) + xml[end:]

    def install(self, feed: int) -> None:
        body = feed_document(feed, self.entries[feed])
        generation = self.generation[feed]
        etag = f'"bench-feed-{feed}-{generation}"' if generation else feed_etag(feed)
        self.responses[f"/feed/{feed}.xml".encode()] = (
            response_bytes(body, etag.encode()),
            etag.encode(),
        )

    def publish(self, feed: int) -> None:
        n = self.next_item[feed]
        self.next_item[feed] = n + 1
        self.generation[feed] += 1
        entry = self.item(feed, n, datetime.now(UTC))
        self.entries[feed] = [entry, *self.entries[feed][: self.items - 1]]
        self.install(feed)
        self.published += 1
        if self.record is not None:
            line = {"feed": feed, "guid": f"bench-{feed}-{n}", "t": time.time()}
            self.record.write(json.dumps(line) + "\n")
            self.record.flush()

    async def run(self, stop: asyncio.Event) -> None:
        """Publish each feed on its period until ``stop`` is set."""
        started = time.monotonic()
        due = {f: started + self.phase[f] for f in self.periods}
        while not stop.is_set() and due:
            feed = min(due, key=due.__getitem__)
            wait = due[feed] - time.monotonic()
            if wait > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), wait)
                continue
            self.publish(feed)
            due[feed] += self.periods[feed]


NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
NOT_MODIFIED = b"HTTP/1.1 304 Not Modified\r\nETag: %s\r\nContent-Length: 0\r\n\r\n"


class FeedProtocol(asyncio.Protocol):
    """HTTP/1.1 GET with keep-alive; enough of the protocol for httpx."""

    def __init__(
        self, responses: dict[bytes, tuple[bytes, bytes]], stats: dict
    ) -> None:
        self.responses = responses
        self.stats = stats
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
            self.answer(head)

    def answer(self, head: bytes) -> None:
        lines = head.split(b"\r\n")
        parts = lines[0].split(b" ")
        path = parts[1] if len(parts) > 1 else b""
        # A query string names a mirror of the same feed (many sources, one body).
        found = self.responses.get(path.partition(b"?")[0])
        assert self.transport is not None
        if found is None:
            self.stats["404"] += 1
            self.transport.write(NOT_FOUND)
            return
        response, etag = found
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"if-none-match" and value.strip() == etag:
                self.stats["304"] += 1
                self.transport.write(NOT_MODIFIED % etag)
                return
        self.stats["200"] += 1
        self.transport.write(response)


async def serve(args: argparse.Namespace) -> None:
    responses = build_responses(args.feeds, args.items, args.seed)
    stats = {"200": 0, "304": 0, "404": 0}
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: FeedProtocol(responses, stats), "127.0.0.1", args.port, backlog=1024
    )
    port = server.sockets[0].getsockname()[1]
    sizes = [len(r) for r, _ in responses.values()]
    publisher = None
    if args.publish_every:
        schedule = parse_schedule(args.publish_every)
        publisher = Publisher(responses, schedule, args.items, args.seed, args.record)
    ready = {"port": port, "feeds": len(responses), "bytes": sum(sizes)}
    print("READY " + json.dumps(ready), flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if publisher is not None:
        stop_publishing = asyncio.Event()
        tasks: list[asyncio.Task[None]] = []

        def start_publishing() -> None:
            if not tasks:
                tasks.append(loop.create_task(publisher.run(stop_publishing)))

        loop.add_signal_handler(signal.SIGUSR1, start_publishing)
        loop.add_signal_handler(signal.SIGUSR2, stop_publishing.set)
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(stop.wait(), args.max_seconds)
    server.close()
    if publisher is not None:
        stats["published"] = publisher.published
    print("STATS " + json.dumps(stats), file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--max-seconds", type=float, default=1800.0)
    parser.add_argument(
        "--publish-every",
        default="",
        help="COUNT:SECONDS,... feeds (in order) gaining an item every SECONDS",
    )
    parser.add_argument("--record", help="append each published item here (JSONL)")
    args = parser.parse_args()
    with (
        contextlib.suppress(TimeoutError),
        asyncio.Runner(loop_factory=loop_factory()) as runner,
    ):
        runner.run(serve(args))


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """Return uvloop's loop factory when it is installed (it is with uvicorn)."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


if __name__ == "__main__":
    main()
