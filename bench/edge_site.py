"""A seeded portal behind ``livenews web --workers 2``, for the edge scenarios.

The same set-up as ``pages`` (a feed farm's 50 stories stored by ``livenews
ingest --once``), plus ``bench.edge_seed``: a 200-article story, its article
and topic pages, and a live blog with 50 entries. The web processes poll the
outbox every 50 ms (``LIVENEWS_OUTBOX_POLL=0.05``, as in ``sse``), so events
committed by another process reach them quickly.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import harness
from bench.pages import seed_stories

OUTBOX_POLL = "0.05"


@dataclass
class Site:
    port: int
    web: harness.Proc
    env: dict[str, str]
    urls: dict[str, str]
    seeded: dict[str, Any]


def start_site(
    procs: harness.Processes, tmp: Path, articles: int = 200, workers: int = 2
) -> Site:
    """Seed a portal under ``tmp`` and serve it; return where and what."""
    env = harness.livenews_env(tmp / "data", LIVENEWS_OUTBOX_POLL=OUTBOX_POLL)
    seed_stories(procs, env, tmp / "sources.opml")
    seeder = procs.start(
        "edge-seed",
        [harness.PYTHON, "-m", "bench.edge_seed", "--articles", str(articles)],
        env=env,
        stdout=subprocess.PIPE,
    )
    assert seeder.popen.stdout is not None
    seeded = harness.LineReader(seeder.popen.stdout, seeder).read_json("READY ", 600)
    port = harness.free_port()
    argv = [harness.LIVENEWS, "web", "--host", "127.0.0.1", "--port", str(port)]
    web = procs.start("livenews-web", [*argv, "--workers", str(workers)], env=env)
    harness.wait_http(port, "/", 60, web)
    return Site(port, web, env, dict(seeded["urls"]), seeded)


def run_client(
    procs: harness.Processes, name: str, args: list[str], deadline_s: float
) -> dict[str, Any]:
    """Run ``bench.edge_client`` (its own process); return its RESULT."""
    client = procs.start(
        name,
        [harness.PYTHON, "-m", "bench.edge_client", *args],
        env=harness.source_env(None),
        stdout=subprocess.PIPE,
    )
    assert client.popen.stdout is not None
    result = harness.LineReader(client.popen.stdout, client).read_json(
        "RESULT ", deadline_s
    )
    client.popen.wait(10)
    return result
