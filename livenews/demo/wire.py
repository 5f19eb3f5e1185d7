"""A local demo wire: RSS feeds on 127.0.0.1 that publish sample articles.

The samples (samples.json) are written by the project: fictional events,
places and people, marked as samples. Articles are released one every
``every`` seconds, taking the stories in turn so several develop at once;
each outlet's feed shows what it has released so far, with ETag support so
the portal's conditional GETs get 304 between releases. After the last sample
the wire starts again with new ids, so the demo never runs dry.

Each released item's link, ``/articles/<guid>``, answers with a plain page
of the sample's text marked as a sample (the portal's "Read the original"
points there); a guid not yet released, or of another run, answers 404.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from itertools import zip_longest
from typing import Any
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class Sample:
    story: str
    index: int
    outlet: str
    title: str
    summary: str
    body_html: str
    authors: tuple[str, ...]
    section: str


def load_samples() -> tuple[dict[str, dict[str, str]], list[Sample]]:
    """Return the outlets by slug and the samples in release order."""
    data = json.loads(
        files("livenews.demo").joinpath("samples.json").read_text("utf-8")
    )
    outlets = {o["slug"]: o for o in data["outlets"]}
    per_story = [
        [
            Sample(
                story=s["key"],
                index=i,
                outlet=a["outlet"],
                title=a["title"],
                summary=a["summary"],
                body_html=a["body_html"],
                authors=tuple(a.get("authors", [])),
                section=a.get("section", ""),
            )
            for i, a in enumerate(s["articles"])
        ]
        for s in data["stories"]
    ]
    ordered = [s for group in zip_longest(*per_story) for s in group if s is not None]
    return outlets, ordered


def render_rss(
    outlet: dict[str, str], items: list[tuple[Sample, datetime, str]], base_url: str
) -> bytes:
    """Return an RSS 2.0 document of the released ``items``, newest first."""
    entries = []
    for sample, when, guid in reversed(items[-50:]):
        authors = "".join(
            f"<dc:creator>{escape(a)}</dc:creator>" for a in sample.authors
        )
        entries.append(
            "<item>"
            f"<title>{escape(sample.title)}</title>"
            f"<link>{base_url}/articles/{escape(guid)}</link>"
            f'<guid isPermaLink="false">{escape(guid)}</guid>'
            f"<pubDate>{format_datetime(when)}</pubDate>"
            f"{authors}<category>{escape(sample.section)}</category>"
            f"<description>{escape(sample.summary)}</description>"
            f"<content:encoded>{escape(sample.body_html)}</content:encoded>"
            "</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{escape(outlet['name'])} (sample)</title>"
        f"<link>{base_url}/</link>"
        "<description>Sample articles for the livenews demo. Fictional; not real news."
        "</description>" + "".join(entries) + "</channel></rss>"
    ).encode()


def render_article_page(
    outlet: dict[str, str], sample: Sample, when: datetime
) -> bytes:
    """Return the "original" HTML page of one released sample."""
    byline = ", ".join(escape(a) for a in sample.authors)
    # body_html comes from samples.json, written by the project (not fetched).
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="robots" content="noindex">'
        f"<title>{escape(sample.title)} (sample)</title></head><body>"
        f"<p><strong>{escape(outlet['name'])} (sample)</strong>: a sample article "
        "written for the livenews demo. Fictional; not real news.</p>"
        f"<article><h1>{escape(sample.title)}</h1>"
        f'<p><time datetime="{when.isoformat()}">{format_datetime(when)}</time>'
        f"{' · ' + byline if byline else ''}</p>"
        f"{sample.body_html}</article></body></html>"
    ).encode()


class DemoWire:
    """Serve the sample feeds on 127.0.0.1 and release one sample every ``every`` s."""

    def __init__(
        self,
        every: float = 4.0,
        port: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.every = every
        self.clock = clock
        self.outlets, self.samples = load_samples()
        self.started = clock()
        self.started_at = datetime.now(UTC)
        self.run_id = self.started_at.strftime("%Y%m%d%H%M%S")
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        port = self.server.server_address[1]
        return f"http://127.0.0.1:{port}"

    def feed_urls(self) -> list[tuple[str, str, str]]:
        """Return (url, name, section) of each outlet's feed."""
        return [
            (f"{self.base_url}/feeds/{slug}.xml", f"{o['name']} (sample)", o["section"])
            for slug, o in self.outlets.items()
        ]

    def released(self, outlet: str) -> list[tuple[Sample, datetime, str]]:
        """Return the samples of ``outlet`` released so far, with time and guid."""
        count = int((self.clock() - self.started) / self.every) + 1
        out = []
        for n in range(count):
            cycle, position = divmod(n, len(self.samples))
            sample = self.samples[position]
            if sample.outlet != outlet:
                continue
            when = datetime.fromtimestamp(
                self.started_at.timestamp() + n * self.every, UTC
            )
            guid = f"demo-{self.run_id}-{cycle}-{sample.story}-{sample.index}"
            out.append((sample, when, guid))
        return out

    def find_released(self, guid: str) -> tuple[Sample, datetime] | None:
        """Return the released sample with ``guid`` and its release time, or None."""
        for outlet in self.outlets:
            for sample, when, released_guid in self.released(outlet):
                if released_guid == guid:
                    return sample, when
        return None

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        wire = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.startswith("/articles/"):
                    self.send_article(self.path.removeprefix("/articles/"))
                    return
                slug = self.path.removeprefix("/feeds/").removesuffix(".xml")
                if not self.path.startswith("/feeds/") or slug not in wire.outlets:
                    self.send_error(404)
                    return
                body = render_rss(
                    wire.outlets[slug], wire.released(slug), wire.base_url
                )
                etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def send_article(self, guid: str) -> None:
                found = wire.find_released(guid)
                if found is None:
                    self.send_error(404)
                    return
                sample, when = found
                body = render_article_page(wire.outlets[sample.outlet], sample, when)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the portal logs its fetches; the wire stays quiet

        return Handler
