"""nginx's proxy_cache in front of the edge, purged of exactly an event's pages.

nginx runs on docs/nginx-purge.conf, the configuration docs/deploy.md shows.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.db import transaction

from livenews.articles.actions import create_article
from livenews.articles.normalize import normalize_entry
from livenews.events.queries import get_latest_event_id
from livenews.sources.models import Source
from livenews.sources.parsers import ParsedEntry
from livenews.stories import actions as story_actions
from livenews.stories.actions import place_article
from livenews.stories.models import Story
from tests.support.articles import FETCHED, PUBLISHED
from tests.support.hubwait import wait_for_hub

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "docs" / "nginx-purge.conf"
MODULE = Path("/usr/lib/nginx/modules/ngx_http_cache_purge_module.so")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

pytestmark = pytest.mark.skipif(
    not Path(NGINX).exists() or not MODULE.exists(),
    reason="needs nginx and ngx_cache_purge "
    "(apt install nginx libnginx-mod-http-cache-purge)",
)

MAIN = """\
load_module {module};
{user}
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
{site}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def nginx_config(prefix: Path, upstream: str, port: int, purge_port: int) -> str:
    site = (
        TEMPLATE.read_text()
        .replace("@UPSTREAM@", upstream)
        .replace("@CACHE_DIR@", str(prefix / "cache"))
        .replace("@LISTEN@", f"127.0.0.1:{port}")
        .replace("@PURGE_LISTEN@", f"127.0.0.1:{purge_port}")
    )
    assert not re.search(r"@[A-Z_]+@", site)  # every placeholder filled
    user = "user root;" if os.geteuid() == 0 else ""
    return MAIN.format(module=MODULE, user=user, prefix=prefix, site=site)


def wait_for_port(port: int, proc: subprocess.Popen[bytes], prefix: Path) -> None:
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                log = (prefix / "error.log").read_text(errors="replace")
                raise RuntimeError(f"nginx did not start:\n{log}") from None
            time.sleep(0.02)


class Site:
    def __init__(self, edge: Any, port: int) -> None:
        self.edge = edge
        self.base = f"http://127.0.0.1:{port}"

    def get(self, path: str, encoding: str = "gzip") -> httpx.Response:
        return httpx.get(self.base + path, headers={"Accept-Encoding": encoding})

    def wait_for_purges(self, event_id: int) -> None:
        """Wait until the edge has the event and all its purges went out (a bound)."""
        wait_for_hub(self.edge, event_id)
        deadline = time.monotonic() + 10
        while not self.edge.app.is_idle():
            assert time.monotonic() < deadline, "the purges did not go out"
            time.sleep(0.01)


class Edge:
    """The real edge (hub, page cache, Django) under uvicorn, stoppable at will."""

    def __init__(self, **overrides: Any) -> None:
        from django.conf import settings

        from livenews.edge.app import create_app
        from livenews.edge.server import build_server

        saved = dict(settings.LIVENEWS)
        settings.LIVENEWS.update(overrides)
        try:
            self.app = create_app(ingest=False)
        finally:
            settings.LIVENEWS.clear()
            settings.LIVENEWS.update(saved)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = build_server(self.app, timeout_graceful_shutdown=1)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(20)
        self.sock.close()


@pytest.fixture
def site(transactional_db: None, tmp_path: Path) -> Iterator[Site]:
    port, purge_port = free_port(), free_port()
    edge = Edge(PURGE_URL=f"http://127.0.0.1:{purge_port}", CDN_MAX_AGE=3600)
    prefix = tmp_path / "nginx"
    (prefix / "tmp").mkdir(parents=True)
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_config(prefix, edge.address, port, purge_port))
    argv = [NGINX, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, proc, prefix)
        wait_for_port(purge_port, proc, prefix)
        yield Site(edge, port)
    finally:
        edge.stop()
        proc.terminate()  # by its pid
        proc.wait(10)


def story_with(source: Source, guid: str, title: str) -> Story:
    entry = ParsedEntry(
        guid=guid,
        url=f"https://example.org/{guid}",
        title=title,
        summary_html=f"<p>{title}.</p>",
        published=PUBLISHED,
    )
    with transaction.atomic():
        article = create_article(source, normalize_entry(entry, FETCHED), FETCHED)
        place_article(article)
    article.refresh_from_db()
    assert article.story is not None
    return article.story


def status(response: httpx.Response) -> str:
    assert response.status_code == 200, response.status_code
    return response.headers["x-cache-status"]


def test_an_event_purges_exactly_its_pages_from_nginx(site: Site) -> None:
    source = Source.objects.create(url="https://wire.example.org/feed", name="Wire")
    harbour = story_with(source, "h1", "Harbour bridge reopens after repairs")
    orchard = story_with(source, "o1", "Orchard growers expect record apple crop")
    site.wait_for_purges(get_latest_event_id())
    pages = ["/", f"/story/{harbour.pk}/", f"/story/{orchard.pk}/"]
    for path in pages:
        assert status(site.get(path)) == "MISS"
        assert status(site.get(path)) == "HIT"
    assert status(site.get("/", encoding="br")) == "MISS"  # each encoding its own copy
    assert status(site.get("/", encoding="br")) == "HIT"

    story_actions.set_editor_headline(harbour, "Harbour bridge: traffic flows again")
    site.wait_for_purges(get_latest_event_id())

    story_page = site.get(f"/story/{harbour.pk}/")
    front = site.get("/")
    assert (status(story_page), status(front)) == ("MISS", "MISS")
    assert "traffic flows again" in story_page.text
    assert "traffic flows again" in front.text
    assert status(site.get("/", encoding="br")) == "MISS"
    assert "traffic flows again" in site.get("/", encoding="br").text
    unrelated = site.get(f"/story/{orchard.pk}/")
    assert status(unrelated) == "HIT"
    assert "traffic flows again" not in unrelated.text


def test_a_process_shutting_down_purges_what_it_served(site: Site) -> None:
    for path in ("/", "/sources/"):
        assert status(site.get(path)) == "MISS"
        assert status(site.get(path)) == "HIT"

    site.edge.stop()  # a restart forgets what it served: so it purges it first

    # nginx holds nothing any more: it asks the (stopped) edge, in vain.
    assert [site.get(path).status_code for path in ("/", "/sources/")] == [502] * 2


def test_docs_show_the_configuration_the_test_runs() -> None:
    deploy = (ROOT / "docs" / "deploy.md").read_text()
    assert TEMPLATE.read_text().strip() in deploy
