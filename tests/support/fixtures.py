"""Shared fixtures: feed server, edge server, and a CLI runner on the test DB."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.support.feedserver import FeedServer


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer().start()
    yield server
    server.stop()


@dataclass
class EdgeServer:
    base_url: str
    app: Any

    def url(self, path: str) -> str:
        return self.base_url + path


@pytest.fixture
def edge_server_factory(transactional_db: None) -> Iterator[Any]:
    """Start the real ASGI app (edge + hub + Django) with uvicorn on free ports.

    Call it with ``LIVENEWS`` setting overrides; every server stops at teardown.
    """
    from django.conf import settings

    from livenews.edge.app import create_app
    from livenews.edge.server import build_server

    started: list[tuple[Any, threading.Thread, socket.socket]] = []

    def start(**overrides: Any) -> EdgeServer:
        saved = dict(settings.LIVENEWS)
        settings.LIVENEWS.update(overrides)
        try:
            app = create_app(ingest=False)
        finally:
            settings.LIVENEWS.clear()
            settings.LIVENEWS.update(saved)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        server = build_server(app, timeout_graceful_shutdown=1)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        thread.start()
        started.append((server, thread, sock))
        deadline = time.monotonic() + 15
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the edge server did not start")
            time.sleep(0.02)
        return EdgeServer(f"http://127.0.0.1:{port}", app)

    yield start
    for server, thread, sock in started:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture
def edge_server(edge_server_factory: Any) -> EdgeServer:
    """The real ASGI app with default settings on a free port."""
    return edge_server_factory()


def database_url_of_test_db() -> str:
    """Return a LIVENEWS_DATABASE_URL naming the database the tests use."""
    from django.db import connection

    conf = connection.settings_dict
    if conf["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{conf['NAME']}"
    user = conf.get("USER") or "postgres"
    host = conf.get("HOST") or "127.0.0.1"
    port = conf.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{conf['NAME']}"


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str


class Cli:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def __call__(self, *args: str, input: str | None = None) -> CliResult:
        done = subprocess.run(
            [sys.executable, "-m", "livenews", *args],
            env=self.env,
            input=input,
            capture_output=True,
            text=True,
            timeout=120,
        )
        return CliResult(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def cli(transactional_db: None) -> Cli:
    """Run ``livenews`` in a subprocess against the test database."""
    env = dict(os.environ)
    env["LIVENEWS_DATABASE_URL"] = database_url_of_test_db()
    env["LIVENEWS_LOG_LEVEL"] = "WARNING"
    return Cli(env)
