"""Every internal link of every page type answers 200, and every image has alt.

The site is the demo portal of ``make check-web`` (tools/webcheck/demo_site):
the sample feeds ingested through the real pipeline, a live blog, a correction
and a breaking alert. A crawler starts from one page of each kind, plus the
pages a reader reaches by typing (search with and without results, feeds,
sitemaps, the API docs), and follows every ``href`` and ``src`` on our host
through the real edge, so the static files and feeds are served as in
production. Pages of one shape (``/story/N/``) are followed a few at a time.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from tools.webcheck.demo_site import build

pytestmark = pytest.mark.django_db(transaction=True)

TYPED_PAGES = [
    "/search/?q=zzqxv",
    "/search/",
    "/sitemap.xml",
    "/sitemaps/news.xml",
    "/robots.txt",
    "/feeds/front.atom",
    "/feeds/front.rss",
    "/feeds/front.json",
    "/api/v1/docs",
    "/favicon.ico",
]
PAGES_PER_SHAPE = 3
NOT_CRAWLED = ("/live/stream",)  # an endless event stream, tested in tests/live


class LinkReader(HTMLParser):
    """Collect the link targets of a page and the images without alt."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []
        self.images_without_alt: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in ("href", "src", "action"):
            if found.get(name):
                self.targets.append(str(found[name]))
        if tag == "img" and "alt" not in found:
            self.images_without_alt.append(str(found.get("src")))


def fetch(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=20) as answer:
            body = answer.read()
            return (
                answer.status,
                answer.headers.get("content-type", ""),
                body.decode("utf-8", "replace"),
            )
    except urllib.error.HTTPError as error:
        return error.code, "", ""


def targets_of(content_type: str, body: str) -> tuple[list[str], list[str]]:
    if "html" in content_type:
        reader = LinkReader()
        reader.feed(body)
        return reader.targets, reader.images_without_alt
    if "xml" in content_type:
        return re.findall(r"<loc>([^<]+)</loc>|href=\"([^\"]+)\"", body), []
    return [], []


def shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def crawl(base: str, starts: list[str]) -> tuple[dict[str, tuple[int, str]], list[str]]:
    """Return {path: (status, first page linking to it)} and images without alt."""
    host = urlsplit(base).netloc
    answers: dict[str, tuple[int, str]] = {}
    queue: list[tuple[str, str]] = [(path, "(start)") for path in starts]
    per_shape: dict[str, int] = {}
    no_alt: list[str] = []
    while queue:
        path, referrer = queue.pop(0)
        if path in answers or path.startswith(NOT_CRAWLED):
            continue
        per_shape[shape(path)] = per_shape.get(shape(path), 0) + 1
        if per_shape[shape(path)] > PAGES_PER_SHAPE:
            continue
        status, content_type, body = fetch(base + path)
        answers[path] = (status, referrer)
        targets, without_alt = targets_of(content_type, body)
        no_alt += [f"{path}: {src}" for src in without_alt]
        for target in targets:
            if isinstance(target, tuple):  # a regex match of the XML branch
                target = target[0] or target[1]
            url = urlsplit(urljoin(base + path, target.replace("&amp;", "&")))
            if url.netloc == host and url.scheme in ("http", "https"):
                queue.append((url.path + (f"?{url.query}" if url.query else ""), path))
    return answers, no_alt


def test_every_internal_link_of_every_page_type_answers_200(edge_server):
    pages = build()["pages"]
    not_found = pages.pop("not-found")
    answers, images_without_alt = crawl(
        edge_server.url(""), [*pages.values(), *TYPED_PAGES]
    )
    broken = {path: answer for path, answer in answers.items() if answer[0] != 200}
    assert broken == {}
    assert images_without_alt == []
    # Every page type was reached, the ones a reader only gets to by a link too.
    shapes = {shape(path.split("?")[0]) for path in answers}
    for expected in (
        "/story/N/",
        "/article/N/",
        "/liveblog/N/",
        "/source/N/",
        "/feeds/story/N.atom",
        "/static/livenews/site.css",
    ):
        assert expected in shapes
    assert fetch(edge_server.url(not_found))[0] == 404
